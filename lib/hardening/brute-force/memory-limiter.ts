/**
 * The brute-force limiter with its counters in this process's memory: the token router's default.
 * Each process counts on its own, so N instances behind a load balancer allow up to N times the
 * limits; use `MongoBruteForceLimiter` to share the counters.
 *
 * Memory is bounded: each limit keeps at most `maxCounters` keys (least recently used first out),
 * so failures from ever-new source addresses (an IPv6 prefix holds billions) cost a fixed amount of
 * memory rather than an entry per address for the whole window. Pushing a counter out takes that
 * many failures from other addresses; an attacker with that many addresses is not held back by
 * per-address counting anyway.
 */
import { addressKey, pairKey } from './counters';
import { FailureWindows } from './failure-windows';
import type { AuthenticationAttempt, BruteForceLimiter, BruteForceLimits, BruteForceVerdict } from './limiter';
import { resolveBruteForceLimits } from './limiter';

export interface MemoryBruteForceLimiterOptions {
  /** Most keys each limit holds (per (client id, address) and per address); default 100 000, ≈ 20 MiB each at most. */
  maxCounters?: number;
}

export const DEFAULT_MAX_COUNTERS = 100_000;
const MAX_MAX_COUNTERS = 10_000_000;

/** Longest raw key kept; longer ones are digested so an entry stays small. */
const MAX_RAW_KEY_LENGTH = 256;

/**
 * The counters' keys: the key itself when short (no hash on the hot path), its digest when long. A
 * raw key holds a NUL (or is an address), a digest never does, so the two forms cannot meet.
 */
const inMemoryKeys = {
  pair(clientId: string, ip: string): string {
    return ip.length + clientId.length < MAX_RAW_KEY_LENGTH ? `${ip}\u0000${clientId}` : pairKey(clientId, ip);
  },
  address(ip: string): string {
    return ip.length < MAX_RAW_KEY_LENGTH ? ip : addressKey(ip);
  },
};

/**
 * @example
 * const limiter = new MemoryBruteForceLimiter({ perClientAndAddress: { failures: 5, windowSeconds: 600 } });
 * app.use('/oauth2', tokenRouter({ clients, keys, issuer, bruteForce: { limiter } }));
 */
export class MemoryBruteForceLimiter implements BruteForceLimiter {
  /** The limits in force, defaults applied. */
  readonly limits: Required<BruteForceLimits>;
  /** The most keys each limit holds. */
  readonly maxCounters: number;
  private readonly pairs: FailureWindows;
  private readonly addresses: FailureWindows;

  constructor(limits?: BruteForceLimits, options: MemoryBruteForceLimiterOptions = {}) {
    this.limits = resolveBruteForceLimits(limits, 'MemoryBruteForceLimiter: limits');
    this.maxCounters = resolveMaxCounters(options);
    this.pairs = new FailureWindows(this.limits.perClientAndAddress, this.maxCounters);
    this.addresses = new FailureWindows(this.limits.perAddress, this.maxCounters);
  }

  /** How many keys each limit holds now (for metrics; never more than `maxCounters`). */
  get counters(): { perClientAndAddress: number; perAddress: number } {
    return { perClientAndAddress: this.pairs.size, perAddress: this.addresses.size };
  }

  check(attempt: AuthenticationAttempt): Promise<BruteForceVerdict> {
    return Promise.resolve(this.verdict(attempt, Date.now()));
  }

  recordFailure({ clientId, ip }: AuthenticationAttempt): Promise<void> {
    const now = Date.now();
    if (clientId !== undefined) this.pairs.add(inMemoryKeys.pair(clientId, ip), now);
    this.addresses.add(inMemoryKeys.address(ip), now);
    return Promise.resolve();
  }

  recordSuccess({ clientId, ip }: AuthenticationAttempt): Promise<void> {
    if (clientId !== undefined) this.pairs.clear(inMemoryKeys.pair(clientId, ip));
    return Promise.resolve();
  }

  private verdict({ clientId, ip }: AuthenticationAttempt, now: number): BruteForceVerdict {
    const pairCount = clientId === undefined ? undefined : this.pairs.current(inMemoryKeys.pair(clientId, ip), now);
    const pairWait = this.pairs.blockedFor(pairCount, now);
    const addressWait = this.addresses.blockedFor(this.addresses.current(inMemoryKeys.address(ip), now), now);
    if (pairWait !== undefined || addressWait !== undefined) {
      return { allowed: false, retryAfterSeconds: Math.max(pairWait ?? 0, addressWait ?? 0) };
    }
    // a count exists only with at least one failure in its window
    return { allowed: true, clean: pairCount === undefined };
  }
}

function resolveMaxCounters(options: MemoryBruteForceLimiterOptions): number {
  if (typeof options !== 'object' || options === null) throw new TypeError('MemoryBruteForceLimiter: options must be an object');
  for (const key of Object.keys(options)) {
    if (key !== 'maxCounters') throw new TypeError(`MemoryBruteForceLimiter: options has an unknown option '${key}'`);
  }
  const { maxCounters = DEFAULT_MAX_COUNTERS } = options;
  if (typeof maxCounters !== 'number' || !Number.isInteger(maxCounters) || maxCounters < 1 || maxCounters > MAX_MAX_COUNTERS) {
    throw new TypeError(`MemoryBruteForceLimiter: options.maxCounters must be a whole number from 1 to ${MAX_MAX_COUNTERS}`);
  }
  return maxCounters;
}
