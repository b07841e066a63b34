/**
 * The shared `KeyStore` on MongoDB (mongoose), collection `oauth_signing_keys` by default, built on
 * a caller-supplied `Connection`. Private keys are sealed with AES-256-GCM under the
 * key-encryption key (`key-encryption.ts`); without one the store refuses to write a private key
 * (never plaintext in the database) and cannot read one. A TTL index on `retireAt` deletes a key
 * once it is retired.
 */
import type { Connection, Model, Mongoose, Schema } from 'mongoose';
import { StoreUnavailableError } from '../clients/errors';
import { mongooseOf } from '../mongoose-of';
import { isSealedKey, openPrivateKey, parseKeyEncryptionKey, sealPrivateKey } from './key-encryption';
import type { KeyStore, StoredSigningKey, StoredSigningKeyUpdate } from './key-store';
import { KeyStoreError } from './key-store';
import type { SigningAlgorithm } from './types';

export const DEFAULT_KEY_COLLECTION = 'oauth_signing_keys';

export interface MongoKeyStoreOptions {
  /** 32 bytes (hex or base64), e.g. `process.env.KEY_ENCRYPTION_KEY`. Required to write or read private keys. */
  keyEncryptionKey?: string | Buffer;
  /** The collection; `oauth_signing_keys` by default. */
  collection?: string;
  /** `maxTimeMS` of every operation; 5000 by default. */
  operationTimeoutMs?: number;
}

interface KeyDoc {
  kid: string;
  alg: SigningAlgorithm;
  sealedPrivateKey: string;
  createdAt: Date;
  activateAt?: Date | null;
  retireAt?: Date | null;
}

function keySchema(mongoose: Mongoose): Schema<KeyDoc> {
  const schema = new mongoose.Schema<KeyDoc>(
    {
      kid: { type: String, required: true, unique: true, maxlength: 256 },
      alg: { type: String, required: true },
      sealedPrivateKey: { type: String, required: true },
      createdAt: { type: Date, required: true },
      activateAt: { type: Date, default: null },
      retireAt: { type: Date, default: null },
    },
    { bufferCommands: false, versionKey: false, autoIndex: false },
  );
  return schema.index({ retireAt: 1 }, { expireAfterSeconds: 0 });
}

const PLAINTEXT_REFUSED =
  'refusing to store a private key in plaintext: give MongoKeyStore a keyEncryptionKey (KEY_ENCRYPTION_KEY)';

/**
 * @example
 * const keyStore = new MongoKeyStore(connection, { keyEncryptionKey: process.env.KEY_ENCRYPTION_KEY });
 * await keyStore.ensureIndexes();
 */
export class MongoKeyStore implements KeyStore {
  private readonly model: Model<KeyDoc>;
  private readonly mongoose: Mongoose;
  private readonly kek: Buffer | undefined;
  private readonly maxTimeMS: number;

  constructor(
    private readonly connection: Connection,
    options: MongoKeyStoreOptions = {},
  ) {
    this.mongoose = mongooseOf(connection);
    const collection = options.collection ?? DEFAULT_KEY_COLLECTION;
    this.kek = options.keyEncryptionKey === undefined ? undefined : parseKeyEncryptionKey(options.keyEncryptionKey);
    this.maxTimeMS = options.operationTimeoutMs ?? 5000;
    const name = `ecc_keys_${collection}`;
    this.model = (connection.models[name] as Model<KeyDoc> | undefined) ?? connection.model<KeyDoc>(name, keySchema(this.mongoose), collection);
  }

  /** Creates the unique `kid` index and the TTL index on `retireAt`; call once at start. */
  async ensureIndexes(): Promise<void> {
    await this.run(() => this.model.createIndexes());
  }

  async list(now = new Date()): Promise<StoredSigningKey[]> {
    const docs = await this.run(() =>
      this.model
        .find({ $or: [{ retireAt: null }, { retireAt: { $gt: now } }] })
        .sort({ createdAt: 1 })
        .lean<KeyDoc[]>()
        .maxTimeMS(this.maxTimeMS)
        .exec(),
    );
    return docs.map((doc) => this.toKey(doc));
  }

  async add(key: StoredSigningKey): Promise<void> {
    if (!this.kek) throw new KeyStoreError('ERR_KEY_PLAINTEXT_REFUSED', PLAINTEXT_REFUSED);
    const kek = this.kek;
    const doc: KeyDoc = {
      kid: key.kid,
      alg: key.alg,
      sealedPrivateKey: sealPrivateKey(key.privateJwk, kek, key.kid),
      createdAt: key.createdAt,
      activateAt: key.activateAt ?? null,
      retireAt: key.retireAt ?? null,
    };
    if (!isSealedKey(doc.sealedPrivateKey)) throw new KeyStoreError('ERR_KEY_PLAINTEXT_REFUSED', PLAINTEXT_REFUSED);
    try {
      await this.run(() => this.model.create([doc]));
    } catch (error) {
      if (isDuplicateKey(error)) throw new KeyStoreError('ERR_KEY_EXISTS', `a key with kid ${key.kid} already exists`);
      throw error;
    }
  }

  async update(kid: string, changes: StoredSigningKeyUpdate): Promise<boolean> {
    const set: Partial<Record<'activateAt' | 'retireAt', Date | null>> = {};
    if (changes.activateAt !== undefined) set.activateAt = changes.activateAt;
    if (changes.retireAt !== undefined) set.retireAt = changes.retireAt;
    const result = await this.run(() => this.model.updateOne({ kid }, { $set: set }).exec());
    return result.matchedCount === 1;
  }

  private toKey(doc: KeyDoc): StoredSigningKey {
    if (!this.kek) {
      throw new KeyStoreError('ERR_KEY_UNREADABLE', 'the stored private keys are encrypted: give MongoKeyStore the keyEncryptionKey');
    }
    const key: StoredSigningKey = {
      kid: doc.kid,
      alg: doc.alg,
      privateJwk: openPrivateKey(doc.sealedPrivateKey, this.kek, doc.kid),
      createdAt: doc.createdAt,
    };
    if (doc.activateAt) key.activateAt = doc.activateAt;
    if (doc.retireAt) key.retireAt = doc.retireAt;
    return key;
  }

  /** One operation; a disconnected client or a driver failure is `StoreUnavailableError`, a duplicate kid passes through. */
  private async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.connection.readyState !== this.mongoose.ConnectionStates.connected) throw new StoreUnavailableError('the key store is not connected');
    try {
      return await operation();
    } catch (error) {
      if (isDuplicateKey(error)) throw error;
      throw new StoreUnavailableError('the key store did not answer', { cause: error });
    }
  }
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
