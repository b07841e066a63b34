/**
 * Brute-force protection of client authentication (RFC 6749 §10.10): the limiter port, its memory
 * and MongoDB adapters, and the guard the token router runs before authenticating.
 */
export type {
  AuthenticationAttempt,
  BruteForceLimiter,
  BruteForceLimits,
  BruteForceVerdict,
  FailureLimit,
} from './limiter';
export { DEFAULT_BRUTE_FORCE_LIMITS, resolveBruteForceLimits } from './limiter';
export type { MemoryBruteForceLimiterOptions } from './memory-limiter';
export { DEFAULT_MAX_COUNTERS, MemoryBruteForceLimiter } from './memory-limiter';
export type { MongoBruteForceLimiterOptions } from './mongo-limiter';
export { MongoBruteForceLimiter } from './mongo-limiter';
export type { BruteForceGuard, BruteForceOptions, BruteForceSettings } from './guard';
export { DEFAULT_LIMITER_TIMEOUT_MS, bruteForceGuard, resolveBruteForceOptions } from './guard';
