import { MongoBruteForceLimiter } from '../../lib/hardening';
import { describeWithMongo } from '../support/mongo';
import { bruteForceLimiterContract } from './brute-force-limiter.contract';

describeWithMongo('MongoBruteForceLimiter — the BruteForceLimiter contract against a real MongoDB', (mongo) => {
  bruteForceLimiterContract(async (limits) => {
    const limiter = new MongoBruteForceLimiter(mongo.connection(), { collection: mongo.freshCollection(), limits });
    await limiter.ensureIndexes();
    return limiter;
  });

  it('shares counts between two limiters over the same collection (two instances of the service)', async () => {
    const collection = mongo.freshCollection();
    const limits = { perClientAndAddress: { failures: 2, windowSeconds: 60 } };
    const first = new MongoBruteForceLimiter(mongo.connection(), { collection, limits });
    const second = new MongoBruteForceLimiter(mongo.connection(), { collection, limits });
    await first.ensureIndexes();
    const attempt = { clientId: 'client-a', ip: '203.0.113.1' };
    await first.recordFailure(attempt);
    await second.recordFailure(attempt);
    expect((await first.check(attempt)).allowed).toBe(false);
    expect((await second.check(attempt)).allowed).toBe(false);
  });

  it('stores digests, never the client id or the address', async () => {
    const collection = mongo.freshCollection();
    const limiter = new MongoBruteForceLimiter(mongo.connection(), { collection });
    await limiter.recordFailure({ clientId: 'visible-client-id', ip: '203.0.113.77' });
    const documents = await mongo.connection().collection(collection).find({}).toArray();
    expect(documents).toHaveLength(2);
    expect(JSON.stringify(documents)).not.toMatch(/visible-client-id|203\.0\.113\.77/);
  });
});

describe('MongoBruteForceLimiter — construction', () => {
  it('refuses something that is not a mongoose connection', () => {
    expect(() => new MongoBruteForceLimiter({} as never)).toThrow(/must be a mongoose Connection/);
  });
});
