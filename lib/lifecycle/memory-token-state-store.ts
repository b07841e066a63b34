/**
 * The embedded `TokenStateStore`: maps in this process, swept of expired entries as it goes.
 * Shared by every router mounted with the same instance; not shared across processes (use
 * `MongoTokenStateStore` for that).
 */
import type {
  NewRefreshToken,
  RefreshTokenRecord,
  RefreshTokenUse,
  RevokedAccessToken,
  TokenStateStore,
} from './token-state-store';

const SWEEP_EVERY = 1000;

function copyRefresh(record: RefreshTokenRecord): RefreshTokenRecord {
  return { ...record, scopes: [...record.scopes], audiences: [...record.audiences] };
}

function live(record: RefreshTokenRecord, now: Date): boolean {
  return record.revokedAt === undefined && record.usedAt === undefined && record.expiresAt > now;
}

export class MemoryTokenStateStore implements TokenStateStore {
  private readonly revoked = new Map<string, RevokedAccessToken>();
  private readonly refresh = new Map<string, RefreshTokenRecord>();
  private writes = 0;

  revokeAccessToken(entry: Omit<RevokedAccessToken, 'revokedAt'>, now = new Date()): Promise<void> {
    if (!this.revoked.has(entry.jti)) {
      this.revoked.set(entry.jti, { ...entry, expiresAt: new Date(entry.expiresAt), revokedAt: now });
    }
    this.maybeSweep(now);
    return Promise.resolve();
  }

  isAccessTokenRevoked(jti: string, now = new Date()): Promise<boolean> {
    const entry = this.revoked.get(jti);
    return Promise.resolve(entry !== undefined && entry.expiresAt > now);
  }

  revokedSince(since: Date, limit = 1000): Promise<RevokedAccessToken[]> {
    const found = [...this.revoked.values()]
      .filter((entry) => entry.revokedAt > since)
      .sort((a, b) => a.revokedAt.getTime() - b.revokedAt.getTime())
      .slice(0, limit)
      .map((entry) => ({ ...entry }));
    return Promise.resolve(found);
  }

  saveRefreshToken(token: NewRefreshToken, now = new Date()): Promise<void> {
    this.refresh.set(token.tokenHash, {
      tokenHash: token.tokenHash,
      familyId: token.familyId,
      clientId: token.clientId,
      scopes: [...token.scopes],
      audiences: [...token.audiences],
      expiresAt: new Date(token.expiresAt),
      createdAt: now,
    });
    this.maybeSweep(now);
    return Promise.resolve();
  }

  async consumeRefreshToken(tokenHash: string, clientId: string, now = new Date()): Promise<RefreshTokenUse> {
    const record = this.refresh.get(tokenHash);
    if (record === undefined || record.expiresAt <= now || record.clientId !== clientId) return { status: 'invalid' };
    if (record.usedAt !== undefined) {
      await this.revokeRefreshFamily(record.familyId, now);
      return { status: 'reused', familyId: record.familyId, clientId: record.clientId };
    }
    if (record.revokedAt !== undefined) return { status: 'invalid' };
    record.usedAt = now;
    return { status: 'consumed', token: copyRefresh(record) };
  }

  findRefreshToken(tokenHash: string, now = new Date()): Promise<RefreshTokenRecord | null> {
    const record = this.refresh.get(tokenHash);
    return Promise.resolve(record !== undefined && live(record, now) ? copyRefresh(record) : null);
  }

  revokeRefreshFamily(familyId: string, now = new Date()): Promise<void> {
    for (const record of this.refresh.values()) {
      if (record.familyId === familyId && record.revokedAt === undefined) record.revokedAt = now;
    }
    return Promise.resolve();
  }

  revokeClientRefreshTokens(clientId: string, now = new Date()): Promise<void> {
    for (const record of this.refresh.values()) {
      if (record.clientId === clientId && record.revokedAt === undefined) record.revokedAt = now;
    }
    return Promise.resolve();
  }

  private maybeSweep(now: Date): void {
    this.writes += 1;
    if (this.writes % SWEEP_EVERY !== 0) return;
    for (const [jti, entry] of this.revoked) if (entry.expiresAt <= now) this.revoked.delete(jti);
    for (const [hash, record] of this.refresh) if (record.expiresAt <= now) this.refresh.delete(hash);
  }
}
