/**
 * The CLI's client store: MongoDB by default (`--mongodb-uri` or `MONGODB_URI`), or whatever a
 * `StoreFactory` opens (the tests hand in a `MemoryClientStore`). A database that cannot be
 * reached becomes one line naming it, with any password in its URI masked.
 */
import mongoose from 'mongoose';
import type { ClientStore } from '../clients';
import { MongoClientStore } from '../clients';
import type { KeyStore } from '../keys/key-store';
import { parseKeyEncryptionKey } from '../keys/key-encryption';
import { MongoKeyStore } from '../keys/mongo-key-store';
import { CommandError, UsageError, shortReason } from './errors';

export interface StoreConnectionOptions {
  /** `--mongodb-uri`, else `MONGODB_URI`; absent when neither is set. */
  mongodbUri?: string;
  /** How long to wait for the database, in milliseconds (`--timeout-ms`). */
  timeoutMs: number;
}

/** An open store and how to let go of it. */
export interface OpenedStore {
  store: ClientStore;
  /** Names the store in error messages, e.g. `MongoDB at mongodb://app:****@db/clients`. */
  description: string;
  close(): Promise<void>;
}

/** Opens the store a command runs against; throws `UsageError` or `CommandError` with one clear line. */
export type StoreFactory = (options: StoreConnectionOptions) => Promise<OpenedStore>;

const MONGODB_SCHEME = /^mongodb(?:\+srv)?:\/\//i;
/** `scheme://userinfo@` — the userinfo ends at the last `@` before the first `/`, `?` or `#`. */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i;
/** Query parameters that carry a credential (`tlsCertificateKeyFilePassword`, …). */
const SECRET_PARAMETER = /([?&][^=&#]*(?:password|secret)[^=&#]*=)[^&#]*/gi;

/**
 * The URI with its password (and any password-like query parameter) replaced by `****`.
 *
 * @example
 * maskUri('mongodb://app:s3cret@db:27017/clients'); // 'mongodb://app:****@db:27017/clients'
 */
export function maskUri(uri: string): string {
  return uri
    .replace(USERINFO, (_match, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return colon === -1 ? `${scheme}${userinfo}@` : `${scheme}${userinfo.slice(0, colon)}:****@`;
    })
    .replace(SECRET_PARAMETER, '$1****');
}

/** The password of a URI, so a driver message that happens to repeat it can be scrubbed. */
function passwordOf(uri: string): string | undefined {
  const userinfo = USERINFO.exec(uri)?.[2];
  const colon = userinfo?.indexOf(':') ?? -1;
  const password = userinfo !== undefined && colon !== -1 ? userinfo.slice(colon + 1) : '';
  return password.length > 0 ? password : undefined;
}

function unreachable(uri: string, error: unknown): CommandError {
  let reason = shortReason(error);
  const password = passwordOf(uri);
  if (password !== undefined) reason = reason.split(password).join('****');
  return new CommandError(`cannot reach MongoDB at ${maskUri(uri)}: ${reason}`);
}

/**
 * Connects to MongoDB with `mongoose.createConnection(uri, { serverSelectionTimeoutMS })` and
 * opens a `MongoClientStore` on it (its unique index built). Throws `UsageError` when no URI is
 * given or it is not a MongoDB URI, `CommandError` when the server cannot be reached.
 *
 * @example
 * const { store, close } = await openMongoStore({ mongodbUri: 'mongodb://127.0.0.1/auth', timeoutMs: 5000 });
 */
export const openMongoStore: StoreFactory = ({ mongodbUri, timeoutMs }) =>
  withMongoConnection(mongodbUri, timeoutMs, async (connection) => ({
    store: await MongoClientStore.init(connection, { operationTimeoutMs: timeoutMs }),
  }));

/**
 * Connects to MongoDB and builds a store on the connection. A missing or malformed URI is a
 * `UsageError`; a server that cannot be reached is a `CommandError` with the password masked.
 */
async function withMongoConnection<T extends object>(
  mongodbUri: string | undefined,
  timeoutMs: number,
  build: (connection: mongoose.Connection) => Promise<T>,
): Promise<T & { description: string; close(): Promise<void> }> {
  if (mongodbUri === undefined || mongodbUri.trim() === '') {
    throw new UsageError('no database: pass --mongodb-uri URI or set MONGODB_URI');
  }
  const uri = mongodbUri.trim();
  if (!MONGODB_SCHEME.test(uri)) {
    throw new UsageError(`--mongodb-uri must start with mongodb:// or mongodb+srv:// (got ${maskUri(uri).slice(0, 100)})`);
  }
  let connection: mongoose.Connection;
  try {
    connection = mongoose.createConnection(uri, { serverSelectionTimeoutMS: timeoutMs });
  } catch (error) {
    throw new UsageError(`--mongodb-uri is not a valid MongoDB URI: ${shortReason(error)}`);
  }
  const close = async (): Promise<void> => {
    await connection.close(true).catch(() => undefined);
  };
  try {
    await connection.asPromise();
    return { ...(await build(connection)), description: `MongoDB at ${maskUri(uri)}`, close };
  } catch (error) {
    await close();
    if (error instanceof Error && error.name === 'MongoParseError') {
      throw new UsageError(`--mongodb-uri is not a valid MongoDB URI: ${shortReason(error)}`);
    }
    throw unreachable(uri, error);
  }
}

export interface KeyStoreConnectionOptions extends StoreConnectionOptions {
  /** `KEY_ENCRYPTION_KEY`: 32 bytes (hex or base64) sealing the private keys at rest. */
  keyEncryptionKey?: string;
}

/** An open signing-key store and how to let go of it. */
export interface OpenedKeyStore {
  store: KeyStore;
  description: string;
  close(): Promise<void>;
}

/** Opens the signing-key store the `keys` rotation commands run against. */
export type KeyStoreFactory = (options: KeyStoreConnectionOptions) => Promise<OpenedKeyStore>;

/**
 * Connects to MongoDB and opens a `MongoKeyStore` (collection `oauth_signing_keys`) sealed with the
 * key-encryption key. Throws `UsageError` without a URI or a valid key-encryption key (the stored
 * private keys cannot be read or written without it), `CommandError` when the server cannot be reached.
 *
 * @example
 * const { store, close } = await openMongoKeyStore({ mongodbUri, timeoutMs: 5000, keyEncryptionKey: env.KEY_ENCRYPTION_KEY });
 */
export const openMongoKeyStore: KeyStoreFactory = async ({ mongodbUri, timeoutMs, keyEncryptionKey }) => {
  if (mongodbUri === undefined || mongodbUri.trim() === '') {
    throw new UsageError('no database: pass --mongodb-uri URI or set MONGODB_URI');
  }
  if (keyEncryptionKey === undefined || keyEncryptionKey.trim() === '') {
    throw new UsageError('KEY_ENCRYPTION_KEY is not set: the stored private keys are encrypted with it (32 bytes, hex or base64)');
  }
  let kek: Buffer;
  try {
    kek = parseKeyEncryptionKey(keyEncryptionKey);
  } catch (error) {
    throw new UsageError(`KEY_ENCRYPTION_KEY: ${shortReason(error)}`);
  }
  return withMongoConnection(mongodbUri, timeoutMs, async (connection) => {
    const store = new MongoKeyStore(connection, { keyEncryptionKey: kek, operationTimeoutMs: timeoutMs });
    await store.ensureIndexes();
    return { store };
  });
};
