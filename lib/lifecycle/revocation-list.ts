/**
 * RFC 7009 §2 on the resource side: "the revoked token can no longer be used". The bearer
 * middleware asks `isRevoked(claims)` on every request (cached tokens included); this module
 * answers without a store round-trip on the hot path.
 *
 * Mode `cached` (default): an in-memory map of revoked `jti`s (kept until each token's `exp`),
 * fed at once by every revocation made through this list (`revoke`, used by the token router's
 * revocation endpoint) and, for revocations made by other instances sharing the store, by polling
 * `TokenStateStore.revokedSince` every `pollIntervalMs` (1000 by default).
 *
 * Staleness bound: in this process a revocation is seen at once. A revocation made by another
 * instance is seen within `pollIntervalMs` plus one store round-trip (each poll re-reads the last
 * `overlapMs` so clock skew between instances, or a write that commits late, is not missed). If
 * polling fails, answers keep coming from the map only while the last successful poll is younger
 * than `maxStalenessMs` (5000 by default); past that, `isRevoked` first tries one poll and, if the
 * store still does not answer, throws, which `requireToken` answers with 503 (fail closed; its
 * `onRevocationCheckError: 'fail-open'` lets requests through instead). So no instance accepts a
 * token revoked elsewhere for longer than `maxStalenessMs` + one poll's deadline.
 *
 * Mode `strict`: one store lookup per request (`isAccessTokenRevoked`), for routes where even a
 * second of staleness matters; a store that is down makes `isRevoked` throw (→ 503).
 */
import type { RevokedAccessToken, TokenStateStore } from './token-state-store';
import { withStoreDeadline } from '../clients/store-deadline';

const TOKEN_STATE = 'the token-state store';

export type RevocationCheckMode = 'cached' | 'strict';

export interface RevocationListOptions {
  /** `cached` (default) or `strict` (a store lookup on every request). */
  mode?: RevocationCheckMode;
  /** How often other instances' revocations are fetched (ms); 1000 by default. */
  pollIntervalMs?: number;
  /** How old the last successful poll may be before checks fail closed (ms); 5000 by default. */
  maxStalenessMs?: number;
  /** How far back each poll re-reads, for clock skew and late commits (ms); 5000 by default. */
  overlapMs?: number;
  /** Deadline of each store call (ms); 2000 by default. */
  storeTimeoutMs?: number;
  /** Revocations fetched per store call; 1000 by default. */
  pageSize?: number;
  /** Milliseconds since the epoch; `Date.now` by default. */
  now?: () => number;
}

/** The claims `isRevoked` reads: the token's id and its expiry (seconds since the epoch). */
export interface RevocableClaims {
  jti: string;
  exp: number;
}

/** What `revoke` records. */
export type AccessTokenRevocation = Omit<RevokedAccessToken, 'revokedAt'>;

const DEFAULTS = Object.freeze({
  pollIntervalMs: 1000,
  maxStalenessMs: 5000,
  overlapMs: 5000,
  storeTimeoutMs: 2000,
  pageSize: 1000,
});
/** Pages read in one poll at most; the rest waits for the next poll. */
const MAX_PAGES_PER_POLL = 50;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const result = value ?? fallback;
  if (!Number.isSafeInteger(result) || result < 1) throw new TypeError(`RevocationList: options.${name} must be a positive whole number`);
  return result;
}

function noop(): void {
  // A failed background poll is reported by the next check that needs it (fail closed).
}

/**
 * @example
 * const revocations = new RevocationList(tokenState);           // tokenState: a TokenStateStore
 * await revocations.start();                                      // first load, then a poll every second
 * app.use('/oauth2', tokenRouter({ clients, keys, issuer, tokenState, revocations }));
 * app.use('/api', requireToken({ keys, issuer, audience: 'api', isRevoked: revocations.isRevoked }));
 */
export class RevocationList {
  readonly store: TokenStateStore;
  readonly mode: RevocationCheckMode;
  private readonly pollIntervalMs: number;
  private readonly maxStalenessMs: number;
  private readonly overlapMs: number;
  private readonly storeTimeoutMs: number;
  private readonly pageSize: number;
  private readonly now: () => number;
  /** jti → the token's `exp` in ms. */
  private readonly revoked = new Map<string, number>();
  /** Local time at which the last successful poll started; `undefined` before the first. */
  private syncedFrom: number | undefined;
  private polling: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(store: TokenStateStore, options: RevocationListOptions = {}) {
    const methods = ['revokeAccessToken', 'isAccessTokenRevoked', 'revokedSince'] as const;
    if (typeof store !== 'object' || store === null || !methods.every((name) => typeof store[name] === 'function')) {
      throw new TypeError('RevocationList: store must be a TokenStateStore');
    }
    const mode = options.mode ?? 'cached';
    if (mode !== 'cached' && mode !== 'strict') throw new TypeError("RevocationList: options.mode must be 'cached' or 'strict'");
    this.store = store;
    this.mode = mode;
    this.pollIntervalMs = positiveInteger('pollIntervalMs', options.pollIntervalMs, DEFAULTS.pollIntervalMs);
    this.maxStalenessMs = positiveInteger(
      'maxStalenessMs',
      options.maxStalenessMs,
      Math.max(DEFAULTS.maxStalenessMs, this.pollIntervalMs * 2),
    );
    if (this.maxStalenessMs < this.pollIntervalMs) {
      throw new TypeError('RevocationList: options.maxStalenessMs must be at least options.pollIntervalMs');
    }
    this.overlapMs = positiveInteger('overlapMs', options.overlapMs, DEFAULTS.overlapMs);
    this.storeTimeoutMs = positiveInteger('storeTimeoutMs', options.storeTimeoutMs, DEFAULTS.storeTimeoutMs);
    this.pageSize = positiveInteger('pageSize', options.pageSize, DEFAULTS.pageSize);
    if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('RevocationList: options.now must be a function');
    this.now = options.now ?? Date.now;
  }

  /**
   * Loads the revocations already in the store, then polls every `pollIntervalMs` (cached mode;
   * nothing to do in strict mode). Rejects when the first load fails; polling goes on regardless.
   *
   * @example
   * await revocations.start();
   */
  async start(): Promise<void> {
    if (this.mode === 'strict') return;
    this.arm();
    await this.refresh();
  }

  /** Stops polling (the map is kept). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Polls the store now (a poll already running is joined, not doubled).
   *
   * @example
   * await revocations.refresh(); // other instances' revocations are now known here
   */
  refresh(): Promise<void> {
    this.polling ??= this.poll().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  /**
   * Revokes an access token: known to this process at once, then recorded in the store (which
   * other instances poll). Rejects with `StoreUnavailableError` when the store does not take it.
   *
   * @example
   * await revocations.revoke({ jti: claims.jti, clientId: claims.client_id, expiresAt: new Date(claims.exp * 1000) });
   */
  async revoke(entry: AccessTokenRevocation): Promise<void> {
    this.remember(entry.jti, entry.expiresAt.getTime());
    await withStoreDeadline(() => this.store.revokeAccessToken(entry, new Date(this.now())), this.storeTimeoutMs, TOKEN_STATE);
  }

  /**
   * The `requireToken` hook (bound: pass it as it is). `true` for a revoked token; throws when the
   * answer cannot be trusted (store down past the staleness bound, or any failure in strict mode).
   *
   * @example
   * requireToken({ keys, issuer, audience: 'api', isRevoked: revocations.isRevoked });
   */
  readonly isRevoked = (claims: Readonly<RevocableClaims>): boolean | Promise<boolean> => {
    if (this.knows(claims.jti)) return true;
    if (this.mode === 'strict') {
      return withStoreDeadline(() => this.store.isAccessTokenRevoked(claims.jti, new Date(this.now())), this.storeTimeoutMs, TOKEN_STATE);
    }
    if (this.isFresh()) return false;
    this.arm();
    return this.refresh().then(() => this.knows(claims.jti));
  };

  /** Whether this process knows `jti` as revoked (and not yet expired). */
  knows(jti: string): boolean {
    const exp = this.revoked.get(jti);
    if (exp === undefined) return false;
    if (exp > this.now()) return true;
    this.revoked.delete(jti);
    return false;
  }

  /** Revoked, unexpired tokens known to this process. */
  get size(): number {
    return this.revoked.size;
  }

  private isFresh(): boolean {
    return this.syncedFrom !== undefined && this.now() - this.syncedFrom <= this.maxStalenessMs;
  }

  private arm(): void {
    if (this.timer || this.mode === 'strict') return;
    this.timer = setInterval(() => {
      this.refresh().catch(noop);
    }, this.pollIntervalMs);
    this.timer.unref();
  }

  private remember(jti: string, expMs: number): void {
    if (expMs > this.now()) this.revoked.set(jti, expMs);
  }

  private async poll(): Promise<void> {
    const startedAt = this.now();
    let since = new Date(this.syncedFrom === undefined ? 0 : Math.max(0, this.syncedFrom - this.overlapMs));
    for (let page = 0; page < MAX_PAGES_PER_POLL; page += 1) {
      const from = since;
      const entries = await withStoreDeadline(() => this.store.revokedSince(from, this.pageSize), this.storeTimeoutMs, TOKEN_STATE);
      for (const entry of entries) this.remember(entry.jti, entry.expiresAt.getTime());
      const last = entries.at(-1);
      if (entries.length < this.pageSize || last === undefined || last.revokedAt.getTime() <= since.getTime()) break;
      since = last.revokedAt;
    }
    for (const [jti, exp] of this.revoked) if (exp <= startedAt) this.revoked.delete(jti);
    this.syncedFrom = startedAt;
  }
}
