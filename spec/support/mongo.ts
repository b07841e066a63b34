/**
 * Runs a suite against the real MongoDB that `mongo-global-setup.ts` found, or skips it with one
 * printed line saying why. Never a mock: a suite that claims to test the Mongo adapter either
 * talks to a MongoDB server or is reported as skipped.
 *
 * Each suite gets its own database (dropped afterwards) and each `freshCollection()` call a new
 * collection name, so parallel runs and tests never see each other's clients.
 */
import crypto from 'node:crypto';
import mongoose from 'mongoose';
import type { Connection } from 'mongoose';

export interface MongoSuite {
  /** The suite's open connection (available inside tests and hooks). */
  connection(): Connection;
  /** A collection name no other test uses. */
  freshCollection(): string;
}

/** Why the Mongo suites are skipped in this run, or `null` when a server is available. */
export function mongoSkipReason(): string | null {
  if (mongoUri()) return null;
  return process.env.ECC_TEST_MONGODB_SKIP ?? 'no MONGODB_URI and the Jest globalSetup that starts mongodb-memory-server did not run';
}

/**
 * `describe` against a real MongoDB, or `describe.skip` plus one line on stderr when there is none.
 *
 * @example
 * describeWithMongo('MongoClientStore', (mongo) => {
 *   it('pings', async () => { await new MongoClientStore(mongo.connection()).ping(); });
 * });
 */
export function describeWithMongo(name: string, define: (mongo: MongoSuite) => void): void {
  const uri = mongoUri();
  let connection: Connection | undefined;
  let counter = 0;
  const suite: MongoSuite = {
    connection() {
      if (!connection) throw new Error('the MongoDB connection is not open (use it inside tests and hooks)');
      return connection;
    },
    freshCollection() {
      counter += 1;
      return `clients_${counter}_${crypto.randomBytes(3).toString('hex')}`;
    },
  };

  if (!uri) {
    // The reason is printed once per run, by the global setup that looked for a server.
    describe.skip(name, () => define(suite));
    return;
  }

  describe(name, () => {
    beforeAll(async () => {
      const dbName = `ecc_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
      connection = await mongoose
        .createConnection(uri, { dbName, serverSelectionTimeoutMS: 5000, autoIndex: false })
        .asPromise();
    });

    afterAll(async () => {
      if (!connection) return;
      try {
        await connection.dropDatabase();
      } finally {
        await connection.close();
        connection = undefined;
      }
    });

    define(suite);
  });
}

function mongoUri(): string | undefined {
  return process.env.ECC_TEST_MONGODB_URI || process.env.MONGODB_URI || undefined;
}
