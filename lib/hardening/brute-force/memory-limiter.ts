/**
 * The brute-force limiter with its counters in this process's memory (rate-limiter-flexible's
 * `RateLimiterMemory`): the token router's default. Each process counts on its own, so N
 * instances behind a load balancer allow up to N times the limits; use `MongoBruteForceLimiter`
 * to share the counters.
 */
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { failureCounterLimiter, inMemoryKeys } from './counters';
import type { AuthenticationAttempt, BruteForceLimiter, BruteForceLimits, BruteForceVerdict } from './limiter';
import { resolveBruteForceLimits } from './limiter';

/**
 * @example
 * const limiter = new MemoryBruteForceLimiter({ perClientAndAddress: { failures: 5, windowSeconds: 600 } });
 * app.use('/oauth2', tokenRouter({ clients, keys, issuer, bruteForce: { limiter } }));
 */
export class MemoryBruteForceLimiter implements BruteForceLimiter {
  /** The limits in force, defaults applied. */
  readonly limits: Required<BruteForceLimits>;
  private readonly counters: BruteForceLimiter;

  constructor(limits?: BruteForceLimits) {
    this.limits = resolveBruteForceLimits(limits, 'MemoryBruteForceLimiter: limits');
    const { perClientAndAddress, perAddress } = this.limits;
    this.counters = failureCounterLimiter({
      perClientAndAddress: new RateLimiterMemory({
        keyPrefix: 'pair',
        points: perClientAndAddress.failures,
        duration: perClientAndAddress.windowSeconds,
      }),
      perAddress: new RateLimiterMemory({ keyPrefix: 'address', points: perAddress.failures, duration: perAddress.windowSeconds }),
    }, inMemoryKeys);
  }

  check(attempt: AuthenticationAttempt): Promise<BruteForceVerdict> {
    return this.counters.check(attempt);
  }

  recordFailure(attempt: AuthenticationAttempt): Promise<void> {
    return this.counters.recordFailure(attempt);
  }

  recordSuccess(attempt: AuthenticationAttempt): Promise<void> {
    return this.counters.recordSuccess(attempt);
  }
}
