/**
 * Jest globalSetup: finds a MongoDB for the Mongo adapter's contract suite, once per run.
 *
 * 1. `MONGODB_URI` when set (a real server you run: `docker run -p 27017:27017 mongo:8`).
 * 2. Else mongodb-memory-server, bounded by MONGO_START_TIMEOUT_MS. It uses `MONGOMS_SYSTEM_BINARY`
 *    when set, else a cached or downloaded mongod; a download is tried once (not three times), so
 *    a machine without network access fails in well under a second.
 *
 * The outcome goes to the workers through the environment: `ECC_TEST_MONGODB_URI` (a server to
 * use) or `ECC_TEST_MONGODB_SKIP` (why there is none; `spec/support/mongo.ts` prints it once and
 * skips the suite). Never a mock: without a server the suite does not run.
 */
import type { MongoMemoryServer } from 'mongodb-memory-server-core';

const MONGO_START_TIMEOUT_MS = 15_000;

/** Shared with the teardown, which runs in this same process. */
export interface MongoGlobalState {
  server?: MongoMemoryServer;
  /** A start still pending when the bound fired; the teardown stops whatever it yields. */
  pending?: Promise<MongoMemoryServer>;
}

const STATE_KEY = '__eccMongoGlobalState';

export function mongoGlobalState(): MongoGlobalState {
  const holder = globalThis as unknown as Record<string, MongoGlobalState | undefined>;
  holder[STATE_KEY] ??= {};
  return holder[STATE_KEY];
}

export default async function mongoGlobalSetup(): Promise<void> {
  delete process.env.ECC_TEST_MONGODB_URI;
  delete process.env.ECC_TEST_MONGODB_SKIP;
  const configured = process.env.MONGODB_URI;
  if (configured) {
    process.env.ECC_TEST_MONGODB_URI = configured;
    return;
  }
  try {
    const server = await startMemoryServer();
    mongoGlobalState().server = server;
    process.env.ECC_TEST_MONGODB_URI = server.getUri();
  } catch (error) {
    const reason = error instanceof Error ? oneLine(error.message) : String(error);
    process.env.ECC_TEST_MONGODB_SKIP = `no MONGODB_URI and mongodb-memory-server could not start a server (${reason})`;
    process.stderr.write(`\nMongoDB contract suites skipped: ${process.env.ECC_TEST_MONGODB_SKIP}\n`);
  }
}

async function startMemoryServer(): Promise<MongoMemoryServer> {
  process.env.MONGOMS_MAX_RETRIES ??= '1';
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  // mongodb-memory-server reports a failed start with a multi-line console.warn of its own;
  // the suite reports it once, in one line, instead.
  const warn = console.warn;
  console.warn = () => undefined;
  const starting = MongoMemoryServer.create();
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no server within ${MONGO_START_TIMEOUT_MS / 1000} s`)), MONGO_START_TIMEOUT_MS);
  });
  try {
    return await Promise.race([starting, bound]);
  } catch (error) {
    mongoGlobalState().pending = starting;
    starting.catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
    console.warn = warn;
  }
}

/** The message on one line, short enough to print. */
function oneLine(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim() || 'unknown error';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
