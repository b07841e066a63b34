/**
 * The production `TokenStateStore` on MongoDB (mongoose), built on a caller-supplied `Connection`.
 * Collections `oauth_revoked_tokens` and `oauth_refresh_tokens`, each with a TTL index on
 * `expiresAt` so expired state removes itself. Refresh-token consumption is one atomic
 * `findOneAndUpdate`, so two instances racing on one token cannot both win.
 */
import type { Connection, Model, Mongoose, Schema } from 'mongoose';
import { StoreUnavailableError } from '../clients/errors';
import { mongooseOf } from '../mongoose-of';
import type {
  NewRefreshToken,
  RefreshTokenRecord,
  RefreshTokenUse,
  RevokedAccessToken,
  TokenStateStore,
} from './token-state-store';

export interface MongoTokenStateStoreOptions {
  /** Collection names; `oauth_revoked_tokens` and `oauth_refresh_tokens` by default. */
  revokedCollection?: string;
  refreshCollection?: string;
  /** `maxTimeMS` of every operation; 5000 by default. */
  operationTimeoutMs?: number;
}

interface RevokedDoc {
  jti: string;
  clientId: string;
  expiresAt: Date;
  revokedAt: Date;
}

interface RefreshDoc {
  tokenHash: string;
  familyId: string;
  clientId: string;
  scopes: string[];
  audiences: string[];
  expiresAt: Date;
  createdAt: Date;
  usedAt?: Date | null;
  revokedAt?: Date | null;
}

function revokedSchema(mongoose: Mongoose): Schema<RevokedDoc> {
  const schema = new mongoose.Schema<RevokedDoc>(
    {
      jti: { type: String, required: true, unique: true, maxlength: 256 },
      clientId: { type: String, required: true },
      expiresAt: { type: Date, required: true },
      revokedAt: { type: Date, required: true, index: true },
    },
    { bufferCommands: false, versionKey: false, autoIndex: false },
  );
  return schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
}

function refreshSchema(mongoose: Mongoose): Schema<RefreshDoc> {
  const schema = new mongoose.Schema<RefreshDoc>(
    {
      tokenHash: { type: String, required: true, unique: true },
      familyId: { type: String, required: true, index: true },
      clientId: { type: String, required: true, index: true },
      scopes: { type: [String], default: [] },
      audiences: { type: [String], default: [] },
      expiresAt: { type: Date, required: true },
      createdAt: { type: Date, required: true },
      usedAt: { type: Date, default: null },
      revokedAt: { type: Date, default: null },
    },
    { bufferCommands: false, versionKey: false, autoIndex: false },
  );
  return schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
}

function toRefreshRecord(doc: RefreshDoc): RefreshTokenRecord {
  const record: RefreshTokenRecord = {
    tokenHash: doc.tokenHash,
    familyId: doc.familyId,
    clientId: doc.clientId,
    scopes: [...doc.scopes],
    audiences: [...doc.audiences],
    expiresAt: doc.expiresAt,
    createdAt: doc.createdAt,
  };
  if (doc.usedAt) record.usedAt = doc.usedAt;
  if (doc.revokedAt) record.revokedAt = doc.revokedAt;
  return record;
}

export class MongoTokenStateStore implements TokenStateStore {
  private readonly revoked: Model<RevokedDoc>;
  private readonly refresh: Model<RefreshDoc>;
  private readonly mongoose: Mongoose;
  private readonly maxTimeMS: number;

  constructor(
    private readonly connection: Connection,
    options: MongoTokenStateStoreOptions = {},
  ) {
    this.mongoose = mongooseOf(connection);
    const revokedCollection = options.revokedCollection ?? 'oauth_revoked_tokens';
    const refreshCollection = options.refreshCollection ?? 'oauth_refresh_tokens';
    this.maxTimeMS = options.operationTimeoutMs ?? 5000;
    this.revoked =
      (connection.models[`ecc_revoked_${revokedCollection}`] as Model<RevokedDoc> | undefined) ??
      connection.model<RevokedDoc>(`ecc_revoked_${revokedCollection}`, revokedSchema(this.mongoose), revokedCollection);
    this.refresh =
      (connection.models[`ecc_refresh_${refreshCollection}`] as Model<RefreshDoc> | undefined) ??
      connection.model<RefreshDoc>(`ecc_refresh_${refreshCollection}`, refreshSchema(this.mongoose), refreshCollection);
  }

  /** Creates the unique and TTL indexes; call once at start. */
  async ensureIndexes(): Promise<void> {
    await this.run(async () => {
      await this.revoked.createIndexes();
      await this.refresh.createIndexes();
    });
  }

  async revokeAccessToken(entry: Omit<RevokedAccessToken, 'revokedAt'>, now = new Date()): Promise<void> {
    await this.run(() =>
      this.revoked
        .updateOne(
          { jti: entry.jti },
          { $setOnInsert: { jti: entry.jti, clientId: entry.clientId, expiresAt: entry.expiresAt, revokedAt: now } },
          { upsert: true },
        )
        .maxTimeMS(this.maxTimeMS)
        .exec(),
    );
  }

  async isAccessTokenRevoked(jti: string, now = new Date()): Promise<boolean> {
    const found = await this.run(() =>
      this.revoked.exists({ jti, expiresAt: { $gt: now } }).maxTimeMS(this.maxTimeMS).exec(),
    );
    return found !== null;
  }

  async revokedSince(since: Date, limit = 1000): Promise<RevokedAccessToken[]> {
    const docs = await this.run(() =>
      this.revoked
        .find({ revokedAt: { $gt: since } })
        .sort({ revokedAt: 1 })
        .limit(limit)
        .lean<RevokedDoc[]>()
        .maxTimeMS(this.maxTimeMS)
        .exec(),
    );
    return docs.map((doc) => ({ jti: doc.jti, clientId: doc.clientId, expiresAt: doc.expiresAt, revokedAt: doc.revokedAt }));
  }

  async saveRefreshToken(token: NewRefreshToken, now = new Date()): Promise<void> {
    await this.run(() =>
      this.refresh.create([{ ...token, scopes: [...token.scopes], audiences: [...token.audiences], createdAt: now }]),
    );
  }

  async consumeRefreshToken(tokenHash: string, clientId: string, now = new Date()): Promise<RefreshTokenUse> {
    const consumed = await this.run(() =>
      this.refresh
        .findOneAndUpdate(
          { tokenHash, clientId, usedAt: null, revokedAt: null, expiresAt: { $gt: now } },
          { $set: { usedAt: now } },
          { new: true },
        )
        .lean<RefreshDoc>()
        .maxTimeMS(this.maxTimeMS)
        .exec(),
    );
    if (consumed) return { status: 'consumed', token: toRefreshRecord(consumed) };
    const existing = await this.run(() =>
      this.refresh.findOne({ tokenHash, clientId }).lean<RefreshDoc>().maxTimeMS(this.maxTimeMS).exec(),
    );
    if (existing && existing.usedAt && existing.expiresAt > now) {
      await this.revokeRefreshFamily(existing.familyId, now);
      return { status: 'reused', familyId: existing.familyId, clientId: existing.clientId };
    }
    return { status: 'invalid' };
  }

  async findRefreshToken(tokenHash: string, now = new Date()): Promise<RefreshTokenRecord | null> {
    const doc = await this.run(() =>
      this.refresh
        .findOne({ tokenHash, usedAt: null, revokedAt: null, expiresAt: { $gt: now } })
        .lean<RefreshDoc>()
        .maxTimeMS(this.maxTimeMS)
        .exec(),
    );
    return doc ? toRefreshRecord(doc) : null;
  }

  async revokeRefreshFamily(familyId: string, now = new Date()): Promise<void> {
    await this.run(() =>
      this.refresh.updateMany({ familyId, revokedAt: null }, { $set: { revokedAt: now } }).exec(),
    );
  }

  async revokeClientRefreshTokens(clientId: string, now = new Date()): Promise<void> {
    await this.run(() =>
      this.refresh.updateMany({ clientId, revokedAt: null }, { $set: { revokedAt: now } }).exec(),
    );
  }

  /** Runs one operation; a disconnected client or any driver failure becomes `StoreUnavailableError`. */
  private async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.connection.readyState !== this.mongoose.ConnectionStates.connected) throw new StoreUnavailableError('the token-state store is not connected');
    try {
      return await operation();
    } catch (error) {
      throw new StoreUnavailableError('the token-state store did not answer', { cause: error });
    }
  }
}
