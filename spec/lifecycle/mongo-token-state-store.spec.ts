import mongoose from 'mongoose';
import { StoreUnavailableError } from '../../lib/clients/errors';
import { MongoTokenStateStore } from '../../lib/lifecycle/mongo-token-state-store';
import { describeWithMongo } from '../support/mongo';
import { describeTokenStateStoreContract } from './token-state-store.contract';

describeWithMongo('MongoTokenStateStore on a real MongoDB', (mongo) => {
  describeTokenStateStoreContract('MongoTokenStateStore', () => {
    const name = mongo.freshCollection();
    return new MongoTokenStateStore(mongo.connection(), {
      revokedCollection: `${name}_revoked`,
      refreshCollection: `${name}_refresh`,
    });
  });

  it('creates TTL indexes so expired state removes itself', async () => {
    const name = mongo.freshCollection();
    const store = new MongoTokenStateStore(mongo.connection(), {
      revokedCollection: `${name}_revoked`,
      refreshCollection: `${name}_refresh`,
    });
    await store.ensureIndexes();
    const indexes = await mongo.connection().collection(`${name}_revoked`).indexes();
    expect(indexes.find((index) => index.key.expiresAt === 1)?.expireAfterSeconds).toBe(0);
  });
});

describe('MongoTokenStateStore without a server', () => {
  it('answers StoreUnavailableError, not a hang, when its connection is not open', async () => {
    const connection = mongoose.createConnection();
    const store = new MongoTokenStateStore(connection);
    await expect(store.isAccessTokenRevoked('x')).rejects.toBeInstanceOf(StoreUnavailableError);
    await connection.close();
  });
});
