import crypto from 'node:crypto';
import type { Connection } from 'mongoose';
import { MongoClientStore } from '../../lib/clients';
import { describeClientsRoundTrip } from './clients-round-trip';
import { cliHarness } from './harness';
import { describeWithMongo } from '../support/mongo';

/**
 * The CLI's own MongoDB path (`--mongodb-uri`, `mongoose.createConnection`, `MongoClientStore`)
 * against a real server, on a database of its own that is dropped afterwards. Skipped, with one
 * printed line, when no MongoDB is reachable (see spec/support/mongo.ts).
 */
function serverUri(): string | undefined {
  return process.env.ECC_TEST_MONGODB_URI || process.env.MONGODB_URI || undefined;
}

/** The server URI with its database replaced, or `undefined` when it cannot be rewritten safely. */
function uriWithDatabase(uri: string, database: string): string | undefined {
  try {
    const url = new URL(uri);
    url.pathname = `/${database}`;
    return url.toString();
  } catch {
    return undefined;
  }
}

describeWithMongo('CLI — clients commands against MongoDB', (mongo) => {
  const database = `ecc_cli_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const server = serverUri();
  const uri = server === undefined ? undefined : uriWithDatabase(server, database);
  let connection: Connection;
  let store: MongoClientStore;

  if (uri === undefined) {
    if (server !== undefined) process.stderr.write('CLI MongoDB round trip skipped: the MongoDB URI has several hosts and cannot be given its own database\n');
    // Reported as skipped (not passed): the round trip needs a database of its own, which such a URI cannot name.
    it.skip('round trip against MongoDB', () => undefined);
    return;
  }

  beforeAll(() => {
    connection = mongo.connection().useDb(database, { useCache: false });
    store = new MongoClientStore(connection);
  });

  afterAll(async () => {
    await connection.dropDatabase();
  });

  const cli = cliHarness(null);
  describeClientsRoundTrip('round trip with --json through --mongodb-uri', {
    cli: () => cli,
    args: () => ['--mongodb-uri', uri, '--timeout-ms', '5000'],
    inspect: (clientId) => store.findByClientId(clientId),
  });
});
