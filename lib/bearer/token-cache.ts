/**
 * A bounded cache of verified access tokens, so a hot route does not re-check the same signature.
 *
 * Keyed by the SHA-256 of the token (the token itself is never kept as a key); an entry lives no
 * longer than the token's own `exp` and the cache holds at most `max` entries (least recently used
 * go first). It holds what verification proved — the claims, the header, the key that verified —
 * and nothing route-specific: audience, scope, time and revocation are checked again on every
 * request. Revocation (RFC 7009) evicts through `evict(token)` or `evictJti(jti)`; a key rotation
 * evicts through `evictKid(kid)`.
 *
 * Admission: by default a token enters the cache the SECOND time it is verified. Clients reuse a
 * token for its lifetime, so the working set gets in after one extra verification, while tokens
 * seen once (cold traffic, a flood of fresh tokens) never displace it and cost no cache insert —
 * an entry that lives long enough to be promoted to the old generation and then evicted is the
 * dearest garbage a Node process makes. Which digests were seen once is kept approximately, in a
 * fixed-size table of 32-bit fingerprints (no allocation per token).
 */
import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { JwtHeader } from '../keys/jwt';
import type { AccessTokenClaims, VerificationKeySource } from '../keys/types';

export const DEFAULT_TOKEN_CACHE_MAX = 10_000;

export interface TokenCacheOptions {
  /** Most tokens held at once; 10000 by default. */
  max?: number;
  /**
   * When a verified token enters the cache: `'second-use'` (default: the second time it is
   * verified, so one-off tokens never displace the working set) or `'first-use'` (at once).
   */
  admission?: TokenCacheAdmission;
}

export type TokenCacheAdmission = 'first-use' | 'second-use';

/** Slots of the seen-once table: about two per cached token, within these bounds. */
const MIN_SEEN_ONCE_SLOTS = 1024;
const MAX_SEEN_ONCE_SLOTS = 1 << 22;
/** Slots per bucket: a digest may sit in any slot of its bucket. */
const BUCKET_SLOTS = 4;

/**
 * Which token digests were verified once, approximately and in fixed memory: one 32-bit
 * fingerprint per slot, in buckets of four slots. A digest is marked in a free slot of its bucket,
 * or over a slot picked at random when none is free. So tokens that share a bucket do not keep
 * overwriting each other's marks for good, as two tokens used alternately would with one slot per
 * digest, or more than four used in turn with slots overwritten in order: some get in, which frees
 * their slots, and the rest follow. Marks of tokens never seen again are overwritten in the same
 * way. A collision costs a token one more verification (its mark was overwritten) or lets one in a
 * use early (a fingerprint matched by chance, about 1 in 2³⁰).
 */
class SeenOnce {
  private readonly slots: Uint32Array;
  private readonly bucketMask: number;
  /** Picks the slot of a full bucket that a mark overwrites (xorshift32). */
  private random = 0x9e3779b9;

  constructor(max: number) {
    let size = MIN_SEEN_ONCE_SLOTS;
    while (size < max * 2 && size < MAX_SEEN_ONCE_SLOTS) size *= 2;
    this.slots = new Uint32Array(size);
    this.bucketMask = size - BUCKET_SLOTS;
  }

  /** True when `digest` was marked before (and forgets it); otherwise marks it and returns false. */
  confirm(digest: TokenDigest): boolean {
    const bucket = wordAt(digest, 0) & this.bucketMask;
    const fingerprint = wordAt(digest, 4) || 1;
    let free = -1;
    for (let slot = bucket; slot < bucket + BUCKET_SLOTS; slot += 1) {
      const mark = this.slots[slot];
      if (mark === fingerprint) {
        this.slots[slot] = 0;
        return true;
      }
      if (mark === 0 && free === -1) free = slot;
    }
    this.slots[free === -1 ? bucket + this.nextRandom() % BUCKET_SLOTS : free] = fingerprint;
    return false;
  }

  private nextRandom(): number {
    let x = this.random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.random = x >>> 0;
    return this.random;
  }

  clear(): void {
    this.slots.fill(0);
  }
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

/**
 * The SHA-256 of a token as a 32-character latin1 string: one byte per character, so it is the
 * cache key as it is, and no Buffer (an off-heap allocation per request) is made on the hot path.
 */
type TokenDigest = string;

function tokenDigest(token: string): TokenDigest {
  return hash('sha256', token, 'binary');
}

/** Four digest bytes from `offset` as an unsigned 32-bit number (little-endian). */
function wordAt(digest: TokenDigest, offset: number): number {
  return (
    (digest.charCodeAt(offset) |
      (digest.charCodeAt(offset + 1) << 8) |
      (digest.charCodeAt(offset + 2) << 16) |
      (digest.charCodeAt(offset + 3) << 24)) >>>
    0
  );
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
  private readonly seenOnce: SeenOnce | undefined;
  /**
   * The last token looked up and its digest: a token that missed is verified and remembered in
   * the same turn of the event loop, so `remember` finds its digest here instead of hashing again.
   * Holds one token at most, until the next lookup or remember.
   */
  private lastToken: string | undefined;
  private lastDigest: TokenDigest | undefined;

  constructor(options: TokenCacheOptions = {}) {
    const max = options.max ?? DEFAULT_TOKEN_CACHE_MAX;
    if (!Number.isInteger(max) || max <= 0) throw new RangeError('TokenCache: max must be a positive whole number.');
    const admission = options.admission ?? 'second-use';
    if (admission !== 'first-use' && admission !== 'second-use') {
      throw new RangeError("TokenCache: admission must be 'first-use' or 'second-use'.");
    }
    // ttlResolution 0: lru-cache would otherwise remember the time for a millisecond with a new
    // timer each millisecond, one timer every few requests on a busy route.
    this.entries = new LRUCache<string, CachedVerification>({ max, ttlResolution: 0 });
    this.seenOnce = admission === 'second-use' ? new SeenOnce(max) : undefined;
  }

  /** The entry for this token, if it was verified and has not expired from the cache. */
  lookup(token: string): CachedVerification | undefined {
    const digest = tokenDigest(token);
    this.lastToken = token;
    this.lastDigest = digest;
    return this.entries.get(digest);
  }

  /**
   * Remembers a verified token for `ttlMs` milliseconds (the time left before its `exp`); nothing
   * when ≤ 0. Under `'second-use'` admission, only from the second call for the same token on.
   */
  remember(token: string, entry: CachedVerification, ttlMs: number): void {
    const ttl = Math.floor(ttlMs);
    if (!Number.isFinite(ttl) || ttl <= 0) return;
    const digest = this.lastToken === token && this.lastDigest ? this.lastDigest : tokenDigest(token);
    this.lastToken = undefined;
    this.lastDigest = undefined;
    if (this.seenOnce && !this.seenOnce.confirm(digest)) return;
    this.entries.set(digest, entry, { ttl });
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

  /** Forgets every token (and which were seen once). */
  clear(): void {
    this.entries.clear();
    this.seenOnce?.clear();
    this.lastToken = undefined;
    this.lastDigest = undefined;
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
