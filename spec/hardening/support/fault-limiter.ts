/**
 * A real `BruteForceLimiter` for fault injection: it delegates to a `MemoryBruteForceLimiter` and
 * can be told to fail (every call rejects with a driver-like error) or hang (calls never answer
 * until `heal()`). It replaces nothing of the router: the router talks to it like any limiter.
 */
import type { AuthenticationAttempt, BruteForceLimiter, BruteForceLimits, BruteForceVerdict } from '../../../lib/hardening';
import { MemoryBruteForceLimiter } from '../../../lib/hardening';

export type LimiterFault = 'none' | 'reject' | 'hang';

/** What a failing limiter store might say; it must never reach a client or a log line. */
export const LIMITER_DRIVER_MESSAGE = 'MongoNetworkError: connect ECONNREFUSED mongodb://ratelimit:s3cr3t-pw@db:27017';

export class FaultInjectingLimiter implements BruteForceLimiter {
  fault: LimiterFault = 'none';
  readonly calls: string[] = [];
  private readonly parked: (() => void)[] = [];
  readonly inner: MemoryBruteForceLimiter;

  constructor(limits?: BruteForceLimits) {
    this.inner = new MemoryBruteForceLimiter(limits);
  }

  heal(): void {
    this.fault = 'none';
    for (const release of this.parked.splice(0)) release();
  }

  check(attempt: AuthenticationAttempt): Promise<BruteForceVerdict> {
    return this.call('check', () => this.inner.check(attempt));
  }

  recordFailure(attempt: AuthenticationAttempt): Promise<void> {
    return this.call('recordFailure', () => this.inner.recordFailure(attempt));
  }

  recordSuccess(attempt: AuthenticationAttempt): Promise<void> {
    return this.call('recordSuccess', () => this.inner.recordSuccess(attempt));
  }

  private call<T>(name: string, operation: () => Promise<T>): Promise<T> {
    this.calls.push(name);
    switch (this.fault) {
      case 'reject':
        return Promise.reject(Object.assign(new Error(LIMITER_DRIVER_MESSAGE), { name: 'MongoNetworkError' }));
      case 'hang':
        return new Promise<void>((resolve) => this.parked.push(resolve)).then(operation);
      default:
        return operation();
    }
  }
}
