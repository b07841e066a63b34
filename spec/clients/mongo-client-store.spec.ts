import net from 'node:net';
import mongoose from 'mongoose';
import {
  DEFAULT_COLLECTION,
  InvalidClientRecordError,
  MongoClientStore,
  StoreUnavailableError,
  generateClientSecret,
  hashGeneratedSecret,
} from '../../lib/clients';
import { describeWithMongo } from '../support/mongo';
import { describeClientStoreContract } from './client-store.contract';

function newClient() {
  return { name: 'billing service', secretHash: hashGeneratedSecret(generateClientSecret()) };
}

describeWithMongo('MongoClientStore against a real MongoDB', (mongo) => {
  describeClientStoreContract('MongoClientStore', () =>
    MongoClientStore.init(mongo.connection(), { collection: mongo.freshCollection() }),
  );

  describe('MongoClientStore — storage details', () => {
    it('uses the oauth_clients collection by default', async () => {
      const connection = mongo.connection().useDb(`${mongo.connection().name}_default`, { useCache: false });
      try {
        const store = await MongoClientStore.init(connection);
        const created = await store.create(newClient());
        const stored = await connection.db!.collection(DEFAULT_COLLECTION).findOne({ clientId: created.clientId });
        expect(stored?._id.toHexString()).toBe(created.id);
      } finally {
        await connection.dropDatabase();
      }
    });

    it('registers its model on the given connection, never on mongoose’s default one', async () => {
      const collection = mongo.freshCollection();
      await MongoClientStore.init(mongo.connection(), { collection });
      expect(Object.keys(mongo.connection().models).some((model) => model.endsWith(collection))).toBe(true);
      expect(Object.keys(mongoose.models).some((model) => model.endsWith(collection))).toBe(false);
      expect(mongoose.connection.readyState).toBe(mongoose.ConnectionStates.disconnected);
    });

    it('builds a unique index on clientId', async () => {
      const collection = mongo.freshCollection();
      await MongoClientStore.init(mongo.connection(), { collection });
      const indexes = await mongo.connection().db!.collection(collection).indexes();
      expect(indexes).toEqual(expect.arrayContaining([expect.objectContaining({ key: { clientId: 1 }, unique: true })]));
    });

    it('enforces uniqueness even when the caller never called ensureIndexes', async () => {
      const store = new MongoClientStore(mongo.connection(), { collection: mongo.freshCollection() });
      await store.create({ ...newClient(), clientId: 'once' });
      await expect(store.create({ ...newClient(), clientId: 'once' })).rejects.toMatchObject({ code: 'ERR_DUPLICATE_CLIENT' });
    });

    it('stores the database id as _id and removes nulled properties from the document', async () => {
      const collection = mongo.freshCollection();
      const store = await MongoClientStore.init(mongo.connection(), { collection });
      const created = await store.create({ ...newClient(), accessTokenTtl: 300 });
      await store.update(created.clientId, { accessTokenTtl: null });
      const stored = await mongo.connection().db!.collection(collection).findOne({ clientId: created.clientId });
      expect(stored?._id.toHexString()).toBe(created.id);
      expect(stored).not.toHaveProperty('accessTokenTtl');
      expect(stored).not.toHaveProperty('__v');
    });

    it('answers a ping', async () => {
      const store = new MongoClientStore(mongo.connection(), { collection: mongo.freshCollection() });
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
});

/** A local port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('MongoClientStore — when MongoDB does not answer (no server needed)', () => {
  it('fails every operation with StoreUnavailableError on a connection that was never opened', async () => {
    const connection = mongoose.createConnection();
    const store = new MongoClientStore(connection, { collection: 'never_opened' });
    const operations: [string, () => Promise<unknown>][] = [
      ['ping', () => store.ping()],
      ['findByClientId', () => store.findByClientId('some-client')],
      ['create', () => store.create(newClient())],
      ['update', () => store.update('some-client', { name: 'x' })],
      ['delete', () => store.delete('some-client')],
      ['list', () => store.list()],
      ['markUsed', () => store.markUsed('some-client')],
      ['ensureIndexes', () => store.ensureIndexes()],
    ];
    for (const [name, operation] of operations) {
      const error = await operation().then(
        () => new Error(`${name} resolved`),
        (reason: unknown) => reason,
      );
      expect({ name, error }).toEqual({ name, error: expect.any(StoreUnavailableError) });
      expect((error as StoreUnavailableError).code).toBe('ERR_STORE_UNAVAILABLE');
    }
    await connection.close();
  });

  it('fails with StoreUnavailableError when the server cannot be reached', async () => {
    const port = await closedPort();
    const connection = mongoose.createConnection(`mongodb://127.0.0.1:${port}/ecc_unreachable`, {
      serverSelectionTimeoutMS: 300,
    });
    const opened = connection.asPromise().then(
      () => 'open',
      () => 'refused',
    );
    try {
      expect(await opened).toBe('refused');
      const store = new MongoClientStore(connection, { operationTimeoutMs: 500 });
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.findByClientId('some-client')).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await connection.close();
    }
  });

  it('refuses an invalid record before it reaches the database, naming the field', async () => {
    const connection = mongoose.createConnection();
    const store = new MongoClientStore(connection);
    await expect(store.create({ name: '', secretHash: 'sha256$x' })).rejects.toMatchObject({ field: 'name' });
    await expect(store.update('some-client', { scopes: ['two words'] })).rejects.toBeInstanceOf(InvalidClientRecordError);
    await expect(store.list({ limit: 0 })).rejects.toMatchObject({ field: 'limit' });
    await connection.close();
  });

  it('refuses bad options when it is built', () => {
    const connection = mongoose.createConnection();
    expect(() => new MongoClientStore(connection, { collection: '' })).toThrow(/collection/);
    expect(() => new MongoClientStore(connection, { operationTimeoutMs: 0 })).toThrow(/operationTimeoutMs/);
  });

  it('can be built twice on one connection for the same collection', () => {
    const connection = mongoose.createConnection();
    const first = new MongoClientStore(connection, { collection: 'shared' });
    const second = new MongoClientStore(connection, { collection: 'shared' });
    expect(second).not.toBe(first);
    expect(Object.keys(connection.models)).toHaveLength(1);
  });
});
