/**
 * The `BruteForceLimiter` over two rate-limiter-flexible limiters (one per key kind), whatever
 * store they keep their counters in. A failure is a `penalty` (one point) on both keys; an attempt
 * is refused while either key holds as many points as its limit allows; a success `delete`s its
 * own pair key. Keys are SHA-256 digests by default, so a client id of any length or content costs
 * the store the same few bytes and never appears in it. `inMemoryKeys` are the keys of
 * `MemoryBruteForceLimiter`, which keeps its counters itself: short keys as they are.
 */
import { createHash } from 'node:crypto';
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { BruteForceLimiter, BruteForceVerdict } from './limiter';

/** The limiters of one adapter; `points` is the number of failures allowed, `duration` the window. */
export interface FailureCounters {
  perClientAndAddress: RateLimiterAbstract;
  perAddress: RateLimiterAbstract;
}

function digest(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  return hash.digest('base64url');
}

/** The (client id, address) key; the NUL separator keeps `('a', 'b:c')` and `('a:b', 'c')` apart. */
export function pairKey(clientId: string, ip: string): string {
  return digest(ip, clientId);
}

export function addressKey(ip: string): string {
  return digest(ip);
}

/** Longest raw key kept in process memory; longer ones are digested so an entry stays small. */
const MAX_RAW_KEY_LENGTH = 256;

/**
 * Keys for counters in this process's memory: the key itself when short (no hash on the hot path),
 * its digest when long. A raw key holds a NUL (or is an address), a digest never does, so the two
 * forms cannot meet.
 */
export const inMemoryKeys: CounterKeys = {
  pair(clientId, ip) {
    return ip.length + clientId.length < MAX_RAW_KEY_LENGTH ? `${ip}\u0000${clientId}` : pairKey(clientId, ip);
  },
  address(ip) {
    return ip.length < MAX_RAW_KEY_LENGTH ? ip : addressKey(ip);
  },
};

/** How counter keys are made: SHA-256 digests by default (a shared store never sees a client id). */
export interface CounterKeys {
  pair(clientId: string, ip: string): string;
  address(ip: string): string;
}

const DIGEST_KEYS: CounterKeys = { pair: pairKey, address: addressKey };

function blockedFor(counter: RateLimiterRes | null, limiter: RateLimiterAbstract): number | undefined {
  if (counter === null || counter.consumedPoints < limiter.points) return undefined;
  const ms = counter.msBeforeNext > 0 ? counter.msBeforeNext : limiter.duration * 1000;
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * @example
 * const limiter = failureCounterLimiter({
 *   perClientAndAddress: new RateLimiterMongo({ storeClient: connection, points: 10, duration: 900 }),
 *   perAddress: new RateLimiterMongo({ storeClient: connection, points: 100, duration: 900 }),
 * });
 */
export function failureCounterLimiter({ perClientAndAddress, perAddress }: FailureCounters, keys: CounterKeys = DIGEST_KEYS): BruteForceLimiter {
  return {
    async check({ clientId, ip }): Promise<BruteForceVerdict> {
      const [pair, address] = await Promise.all([
        clientId === undefined ? null : perClientAndAddress.get(keys.pair(clientId, ip)),
        perAddress.get(keys.address(ip)),
      ]);
      const waits = [blockedFor(pair, perClientAndAddress), blockedFor(address, perAddress)].filter((s) => s !== undefined);
      if (waits.length > 0) return { allowed: false, retryAfterSeconds: Math.max(...waits) };
      return { allowed: true, clean: pair === null || pair.consumedPoints <= 0 };
    },
    async recordFailure({ clientId, ip }) {
      await Promise.all([
        clientId === undefined ? undefined : perClientAndAddress.penalty(keys.pair(clientId, ip)),
        perAddress.penalty(keys.address(ip)),
      ]);
    },
    async recordSuccess({ clientId, ip }) {
      if (clientId !== undefined) await perClientAndAddress.delete(keys.pair(clientId, ip));
    },
  };
}
