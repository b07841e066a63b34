/**
 * The brute-force limiter with its counters in MongoDB (rate-limiter-flexible's
 * `RateLimiterMongo` over the caller's mongoose connection), so every instance of the service
 * counts the same failures. Both key kinds live in one collection (default
 * `brute_force_counters`), one document per key, removed by a TTL index when its window ends.
 * Indexes are created by `ensureIndexes()` (call it once at start, like `MongoClientStore`'s), never
 * behind the caller's back.
 */
import type { Connection } from 'mongoose';
import { RateLimiterMongo } from 'rate-limiter-flexible';
import { failureCounterLimiter } from './counters';
import type { AuthenticationAttempt, BruteForceLimiter, BruteForceLimits, BruteForceVerdict } from './limiter';
import { resolveBruteForceLimits } from './limiter';

export interface MongoBruteForceLimiterOptions {
  /** The collection of counters; default `brute_force_counters`. */
  collection?: string;
  limits?: BruteForceLimits;
}

const DEFAULT_COLLECTION = 'brute_force_counters';
const COLLECTION_NAME = /^[A-Za-z0-9_.-]{1,120}$/;

/**
 * @example
 * const connection = await mongoose.createConnection(process.env.MONGODB_URI).asPromise();
 * const limiter = new MongoBruteForceLimiter(connection);
 * await limiter.ensureIndexes();
 * app.use('/oauth2', tokenRouter({ clients, keys, issuer, bruteForce: { limiter } }));
 */
export class MongoBruteForceLimiter implements BruteForceLimiter {
  readonly limits: Required<BruteForceLimits>;
  private readonly perClientAndAddress: RateLimiterMongo;
  private readonly counters: BruteForceLimiter;

  constructor(connection: Connection, options: MongoBruteForceLimiterOptions = {}) {
    if (typeof connection !== 'object' || connection === null || typeof connection.collection !== 'function') {
      throw new TypeError('MongoBruteForceLimiter: connection must be a mongoose Connection');
    }
    const collection = options.collection ?? DEFAULT_COLLECTION;
    if (typeof collection !== 'string' || !COLLECTION_NAME.test(collection)) {
      throw new TypeError('MongoBruteForceLimiter: options.collection must be a collection name');
    }
    this.limits = resolveBruteForceLimits(options.limits, 'MongoBruteForceLimiter: options.limits');
    const { perClientAndAddress, perAddress } = this.limits;
    // A mongoose Connection has no `db()` function, so rate-limiter-flexible uses it as the database.
    const common = { storeClient: connection, tableName: collection, disableIndexesCreation: true };
    this.perClientAndAddress = new RateLimiterMongo({
      ...common,
      keyPrefix: 'pair',
      points: perClientAndAddress.failures,
      duration: perClientAndAddress.windowSeconds,
    });
    this.counters = failureCounterLimiter({
      perClientAndAddress: this.perClientAndAddress,
      perAddress: new RateLimiterMongo({
        ...common,
        keyPrefix: 'address',
        points: perAddress.failures,
        duration: perAddress.windowSeconds,
      }),
    });
  }

  /** Creates the unique key index and the TTL index that drops a counter when its window ends. */
  ensureIndexes(): Promise<void> {
    return this.perClientAndAddress.createIndexes();
  }

  check(attempt: AuthenticationAttempt): Promise<BruteForceVerdict> {
    return this.counters.check(attempt);
  }

  recordFailure(attempt: AuthenticationAttempt): Promise<void> {
    return this.counters.recordFailure(attempt);
  }

  recordSuccess(attempt: AuthenticationAttempt): Promise<void> {
    return this.counters.recordSuccess(attempt);
  }
}
