/**
 * A bounded cache of verified access tokens, so a hot route does not re-check the same signature.
 *
 * Keyed by the SHA-256 of the token (the token itself is never kept as a key); an entry lives no
 * longer than the token's own `exp` and the cache holds at most `max` entries (least recently used
 * go first). It holds what verification proved — the claims, the header, the key that verified —
 * and nothing route-specific: audience, scope, time and revocation are checked again on every
 * request. Revocation (RFC 7009) evicts through `evict(token)` or `evictJti(jti)`; a key rotation
 * evicts through `evictKid(kid)`.
 */
import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { JwtHeader } from '../keys/jwt';
import type { AccessTokenClaims, VerificationKeySource } from '../keys/types';

export const DEFAULT_TOKEN_CACHE_MAX = 10_000;

export interface TokenCacheOptions {
  /** Most tokens held at once; 10000 by default. */
  max?: number;
}

/** What a verification proved about a token. */
export interface CachedVerification {
  /** The verified claims, frozen. */
  claims: Readonly<AccessTokenClaims>;
  header: Readonly<JwtHeader>;
  /** The kid of the key that verified the signature. */
  kid: string;
  /** The key source that verified it: an entry serves only middlewares that use the same source. */
  source: VerificationKeySource;
}

function tokenDigest(token: string): string {
  return hash('sha256', token, 'base64url');
}

/**
 * @example
 * const cache = createTokenCache({ max: 50_000 });
 * app.get('/records', requireToken({ keys, issuer, audience: 'api', cache }), handler);
 * // on revocation:
 * cache.evictJti(jti);
 */
export class TokenCache {
  private readonly entries: LRUCache<string, CachedVerification>;

  constructor(options: TokenCacheOptions = {}) {
    const max = options.max ?? DEFAULT_TOKEN_CACHE_MAX;
    if (!Number.isInteger(max) || max <= 0) throw new RangeError('TokenCache: max must be a positive whole number.');
    this.entries = new LRUCache<string, CachedVerification>({ max });
  }

  /** The entry for this token, if it was verified and has not expired from the cache. */
  lookup(token: string): CachedVerification | undefined {
    return this.entries.get(tokenDigest(token));
  }

  /** Remembers a verified token for `ttlMs` milliseconds (the time left before its `exp`); nothing when ≤ 0. */
  remember(token: string, entry: CachedVerification, ttlMs: number): void {
    const ttl = Math.floor(ttlMs);
    if (!Number.isFinite(ttl) || ttl <= 0) return;
    this.entries.set(tokenDigest(token), entry, { ttl });
  }

  /** Forgets one token; true when it was cached. */
  evict(token: string): boolean {
    return this.entries.delete(tokenDigest(token));
  }

  /** Forgets every token with this `jti`; returns how many. */
  evictJti(jti: string): number {
    return this.evictWhere((entry) => entry.claims.jti === jti);
  }

  /** Forgets every token verified with this `kid` (a retired key); returns how many. */
  evictKid(kid: string): number {
    return this.evictWhere((entry) => entry.kid === kid);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private evictWhere(matches: (entry: CachedVerification) => boolean): number {
    const doomed: string[] = [];
    this.entries.forEach((entry, digest) => {
      if (matches(entry)) doomed.push(digest);
    });
    for (const digest of doomed) this.entries.delete(digest);
    return doomed.length;
  }
}

/**
 * A token cache to share between `requireToken` middlewares (and with revocation).
 *
 * @example
 * const cache = createTokenCache();
 */
export function createTokenCache(options: TokenCacheOptions = {}): TokenCache {
  return new TokenCache(options);
}
