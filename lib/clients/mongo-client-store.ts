/**
 * The production client registry: a `ClientStore` in MongoDB through mongoose.
 *
 * Built on a mongoose `Connection` the host app hands over (`mongoose.createConnection(uri)`):
 * the model is registered on that connection only, never on mongoose's default one, so mounting
 * the library does not touch the host app's models or connection. Collection `oauth_clients`
 * (configurable), a unique index on `clientId`, schema validation behind the shared rules of
 * `./validate`, `lean()` reads mapped to plain `ClientRecord`s.
 *
 * Failures surface as the port's typed errors: a taken client id (E11000) as
 * `DuplicateClientError`, bad data as `InvalidClientRecordError`, and a server that is down,
 * unreachable, disconnected or slower than `operationTimeoutMs` as `StoreUnavailableError`
 * (the token router answers 503). Commands are never buffered while disconnected.
 */
import crypto from 'node:crypto';
import type { Connection, Model, Mongoose, Schema, Types, UpdateQuery } from 'mongoose';
import type { ClientPage, ClientRecord, ClientStore, ClientUpdate, GrantType, ListOptions, NewClient } from './client-store';
import { GRANT_TYPES } from './client-store';
import { ClientStoreError, DuplicateClientError, InvalidClientRecordError, StoreUnavailableError } from './errors';
import { mongooseOf } from '../mongoose-of';
import {
  MAX_CLIENT_ID_LENGTH,
  MAX_HASH_LENGTH,
  MAX_NAME_LENGTH,
  isPossibleClientId,
  validateClientUpdate,
  validateListOptions,
  validateNewClient,
  validateUsedAt,
} from './validate';

export interface MongoClientStoreOptions {
  /** The collection name; `oauth_clients` by default. */
  collection?: string;
  /**
   * The longest one operation may take, in milliseconds, before it fails with
   * `StoreUnavailableError` (sent to the server as `maxTimeMS` and enforced locally); 5000 by default.
   */
  operationTimeoutMs?: number;
}

/** The document as stored. Optional properties are absent, never `null`. */
interface ClientDocument {
  _id: Types.ObjectId;
  clientId: string;
  name: string;
  secretHash: string;
  previousSecretHash?: string;
  previousSecretExpiresAt?: Date;
  scopes: string[];
  audiences: string[];
  grantTypes: GrantType[];
  accessTokenTtl?: number;
  refreshTokenTtl?: number;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastUsedAt?: Date;
}

export const DEFAULT_COLLECTION = 'oauth_clients';
const DEFAULT_OPERATION_TIMEOUT_MS = 5000;
const DUPLICATE_KEY = 11000;
const CURSOR_PREFIX = 'mongo1:';
const OBJECT_ID_HEX = /^[0-9a-f]{24}$/;

const positiveInteger = {
  validator: (value: number) => Number.isSafeInteger(value) && value >= 1,
  message: 'must be a positive whole number of seconds',
};

function clientSchema(mongoose: Mongoose, collection: string): Schema<ClientDocument> {
  return new mongoose.Schema<ClientDocument>(
    {
      clientId: { type: String, required: true, minlength: 1, maxlength: MAX_CLIENT_ID_LENGTH, match: /^[\x21-\x7E]+$/ },
      name: { type: String, required: true, minlength: 1, maxlength: MAX_NAME_LENGTH },
      secretHash: { type: String, required: true, minlength: 1, maxlength: MAX_HASH_LENGTH },
      previousSecretHash: { type: String, minlength: 1, maxlength: MAX_HASH_LENGTH },
      previousSecretExpiresAt: { type: Date },
      // Arrays default to [] in mongoose; no `required`, so an empty list stays valid whatever a host app
      // sets for Schema.Types.Array.checkRequired.
      scopes: { type: [String] },
      audiences: { type: [String] },
      grantTypes: { type: [{ type: String, enum: [...GRANT_TYPES] }] },
      accessTokenTtl: { type: Number, validate: positiveInteger },
      refreshTokenTtl: { type: Number, validate: positiveInteger },
      disabled: { type: Boolean, required: true },
      createdAt: { type: Date, required: true },
      updatedAt: { type: Date, required: true },
      lastUsedAt: { type: Date },
    },
    {
      collection,
      // Fail at once while disconnected instead of queueing commands until a reconnect.
      bufferCommands: false,
      // Indexes are built by `ensureIndexes()`, awaited, not in the background at model creation.
      autoIndex: false,
      autoCreate: false,
      versionKey: false,
      id: false,
      strict: true,
    },
  ).index({ clientId: 1 }, { unique: true, name: 'clientId_unique' });
}

/**
 * A `ClientStore` in MongoDB.
 *
 * @example
 * const connection = await mongoose.createConnection(process.env.MONGODB_URI!).asPromise();
 * const store = await MongoClientStore.init(connection); // the unique index exists from here on
 * const client = await store.create({ name: 'billing', secretHash: hashGeneratedSecret(secret) });
 */
export class MongoClientStore implements ClientStore {
  private readonly model: Model<ClientDocument>;
  private readonly mongoose: Mongoose;
  private readonly timeoutMs: number;
  private indexes: Promise<void> | null = null;

  constructor(
    private readonly connection: Connection,
    options: MongoClientStoreOptions = {},
  ) {
    this.mongoose = mongooseOf(connection);
    const collection = options.collection ?? DEFAULT_COLLECTION;
    if (typeof collection !== 'string' || collection.length === 0) {
      throw new TypeError('MongoClientStore: options.collection must be a non-empty string');
    }
    const timeoutMs = options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
      throw new TypeError('MongoClientStore: options.operationTimeoutMs must be a positive integer');
    }
    this.timeoutMs = timeoutMs;
    const modelName = `ExpressClientCredentials_${collection}`;
    const existing = connection.models[modelName] as Model<ClientDocument> | undefined;
    this.model = existing ?? connection.model<ClientDocument>(modelName, clientSchema(this.mongoose, collection));
  }

  /**
   * A store whose unique index on `clientId` is built before it is returned.
   *
   * @example
   * const store = await MongoClientStore.init(connection, { collection: 'clients' });
   */
  static async init(connection: Connection, options?: MongoClientStoreOptions): Promise<MongoClientStore> {
    const store = new MongoClientStore(connection, options);
    await store.ensureIndexes();
    return store;
  }

  /**
   * Builds the collection's indexes (the unique `clientId` one) if they are missing. `create`
   * awaits it too, so uniqueness never depends on the caller remembering; a failed attempt is
   * retried on the next call.
   *
   * @example
   * await store.ensureIndexes();
   */
  ensureIndexes(): Promise<void> {
    this.indexes ??= this.operation(async () => {
      await this.model.createIndexes();
    }).catch((error: unknown) => {
      this.indexes = null;
      throw error;
    });
    return this.indexes;
  }

  findByClientId(clientId: string): Promise<ClientRecord | null> {
    return this.operation(async () => {
      if (!isPossibleClientId(clientId)) return null;
      const document = await this.model.findOne({ clientId }).lean<ClientDocument>().maxTimeMS(this.timeoutMs).exec();
      return document ? toRecord(document) : null;
    });
  }

  async create(client: NewClient): Promise<ClientRecord> {
    const valid = validateNewClient(client);
    const clientId = valid.clientId ?? crypto.randomUUID();
    await this.ensureIndexes();
    return this.operation(
      async () => {
        const now = new Date();
        const document: Omit<ClientDocument, '_id'> = { ...valid, clientId, createdAt: now, updatedAt: now };
        const created = await this.model.create(document);
        // Built from what was validated and written, so host-wide toObject settings cannot change it.
        return toRecord({ ...document, _id: created._id });
      },
      { clientId },
    );
  }

  async update(clientId: string, changes: ClientUpdate): Promise<ClientRecord | null> {
    const { set, unset } = validateClientUpdate(changes);
    return this.operation(
      async () => {
        if (!isPossibleClientId(clientId)) return null;
        const update: UpdateQuery<ClientDocument> = { $set: { ...set, updatedAt: new Date() } };
        if (unset.length > 0) update.$unset = Object.fromEntries(unset.map((field) => [field, 1]));
        const document = await this.model
          .findOneAndUpdate({ clientId }, update, { returnDocument: 'after', runValidators: true })
          .lean<ClientDocument>()
          .maxTimeMS(this.timeoutMs)
          .exec();
        return document ? toRecord(document) : null;
      },
      { clientId },
    );
  }

  delete(clientId: string): Promise<boolean> {
    return this.operation(async () => {
      if (!isPossibleClientId(clientId)) return false;
      const result = await this.model.deleteOne({ clientId }).maxTimeMS(this.timeoutMs).exec();
      return result.deletedCount > 0;
    });
  }

  async list(options?: ListOptions): Promise<ClientPage> {
    const { limit, cursor } = validateListOptions(options);
    const filter = cursor === undefined ? {} : { _id: { $gt: decodeCursor(this.mongoose, cursor) } };
    return this.operation(async () => {
      const documents = await this.model
        .find(filter)
        .sort({ _id: 1 })
        .limit(limit + 1)
        .lean<ClientDocument[]>()
        .maxTimeMS(this.timeoutMs)
        .exec();
      const items = documents.slice(0, limit);
      const last = items[items.length - 1];
      const page: ClientPage = { items: items.map(toRecord) };
      if (documents.length > limit && last) page.nextCursor = encodeCursor(last._id);
      return page;
    });
  }

  async markUsed(clientId: string, at?: Date): Promise<void> {
    const usedAt = validateUsedAt(at);
    return this.operation(async () => {
      if (!isPossibleClientId(clientId)) return;
      await this.model.updateOne({ clientId }, { $set: { lastUsedAt: usedAt } }).maxTimeMS(this.timeoutMs).exec();
    });
  }

  ping(): Promise<void> {
    return this.operation(async () => {
      const db = this.connection.db;
      if (!db) throw new StoreUnavailableError('the client store is not connected');
      await db.admin().ping({ maxTimeMS: this.timeoutMs });
    });
  }

  /**
   * Runs one database operation: refuses at once when the connection is not open, bounds it by
   * `operationTimeoutMs`, and turns driver and mongoose errors into the port's typed errors.
   */
  private async operation<T>(run: () => Promise<T>, context: { clientId?: string } = {}): Promise<T> {
    if (this.connection.readyState !== this.mongoose.ConnectionStates.connected) {
      throw new StoreUnavailableError('the client store is not connected');
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnavailableError(`the client store did not answer within ${this.timeoutMs} ms`)),
        // A little over maxTimeMS, so the server's own limit is normally the one that fires.
        this.timeoutMs + 250,
      );
      timer.unref();
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (error) {
      throw translateError(this.mongoose, error, context);
    } finally {
      clearTimeout(timer);
    }
  }
}

function translateError(mongoose: Mongoose, error: unknown, context: { clientId?: string }): Error {
  if (error instanceof ClientStoreError) return error;
  if (error instanceof mongoose.Error.ValidationError) {
    const [field = 'client', detail] = Object.entries(error.errors)[0] ?? [];
    return new InvalidClientRecordError(field, detail instanceof Error ? detail.message : 'is invalid');
  }
  if (error instanceof mongoose.Error.CastError) {
    return new InvalidClientRecordError(error.path, 'has the wrong type');
  }
  if (error instanceof mongoose.mongo.MongoError) {
    if (error.code === DUPLICATE_KEY) return new DuplicateClientError(context.clientId ?? 'unknown');
    // Network, server selection, timeouts (maxTimeMS), not connected, not primary, auth...:
    // the store did not do the work.
    return new StoreUnavailableError(undefined, { cause: error });
  }
  if (error instanceof mongoose.Error) {
    // e.g. "Cannot call ... before initial connection is complete if bufferCommands = false"
    return new StoreUnavailableError(undefined, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** A plain `ClientRecord` from a lean document: `id` is the `_id` hex; absent fields stay absent. */
function toRecord(document: ClientDocument): ClientRecord {
  const record: ClientRecord = {
    id: document._id.toHexString(),
    clientId: document.clientId,
    name: document.name,
    secretHash: document.secretHash,
    scopes: [...document.scopes],
    audiences: [...document.audiences],
    grantTypes: [...document.grantTypes],
    disabled: document.disabled,
    createdAt: new Date(document.createdAt.getTime()),
    updatedAt: new Date(document.updatedAt.getTime()),
  };
  if (document.previousSecretHash != null) record.previousSecretHash = document.previousSecretHash;
  if (document.previousSecretExpiresAt != null) {
    record.previousSecretExpiresAt = new Date(document.previousSecretExpiresAt.getTime());
  }
  if (document.accessTokenTtl != null) record.accessTokenTtl = document.accessTokenTtl;
  if (document.refreshTokenTtl != null) record.refreshTokenTtl = document.refreshTokenTtl;
  if (document.lastUsedAt != null) record.lastUsedAt = new Date(document.lastUsedAt.getTime());
  return record;
}

function encodeCursor(id: Types.ObjectId): string {
  return Buffer.from(`${CURSOR_PREFIX}${id.toHexString()}`, 'utf8').toString('base64url');
}

function decodeCursor(mongoose: Mongoose, cursor: string): Types.ObjectId {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const hex = text.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : '';
  if (!OBJECT_ID_HEX.test(hex)) throw new InvalidClientRecordError('cursor', 'must be the nextCursor of a previous page');
  return new mongoose.Types.ObjectId(hex);
}
