/**
 * The `BruteForceLimiter` over two rate-limiter-flexible limiters (one per key kind), whatever
 * store they keep their counters in. A failure is a `penalty` (one point) on both keys; an attempt
 * is refused while either key holds as many points as its limit allows; a success `delete`s its
 * own pair key. Keys are SHA-256 digests, so a client id of any length or content costs the store
 * the same few bytes and never appears in it.
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
export function failureCounterLimiter({ perClientAndAddress, perAddress }: FailureCounters): BruteForceLimiter {
  return {
    async check({ clientId, ip }): Promise<BruteForceVerdict> {
      const [pair, address] = await Promise.all([
        clientId === undefined ? null : perClientAndAddress.get(pairKey(clientId, ip)),
        perAddress.get(addressKey(ip)),
      ]);
      const waits = [blockedFor(pair, perClientAndAddress), blockedFor(address, perAddress)].filter((s) => s !== undefined);
      if (waits.length > 0) return { allowed: false, retryAfterSeconds: Math.max(...waits) };
      return { allowed: true, clean: pair === null || pair.consumedPoints <= 0 };
    },
    async recordFailure({ clientId, ip }) {
      await Promise.all([
        clientId === undefined ? undefined : perClientAndAddress.penalty(pairKey(clientId, ip)),
        perAddress.penalty(addressKey(ip)),
      ]);
    },
    async recordSuccess({ clientId, ip }) {
      if (clientId !== undefined) await perClientAndAddress.delete(pairKey(clientId, ip));
    },
  };
}
