/**
 * The brute-force limiter port (RFC 6749 §10.10: "the authorization server MUST prevent brute force
 * attacks"; DESIGN.md "Brute force"). Failed client authentications are counted per (client id,
 * source address) and per source address, whether or not the client exists; past either limit
 * further attempts are refused before any credential is checked. Adapters keep the counters in
 * process memory (`MemoryBruteForceLimiter`) or in MongoDB (`MongoBruteForceLimiter`, shared by
 * every instance of the service).
 */

/** One client authentication attempt, as the limiter sees it. */
export interface AuthenticationAttempt {
  /** The client id the request claims (not proof that such a client exists); `undefined` when it carries none. */
  clientId: string | undefined;
  /** The source address: `req.ip`, which follows the host app's `trust proxy` setting. */
  ip: string;
}

/**
 * Whether an attempt may go on to authentication. An allowed verdict may say that no failure is
 * recorded for its (client id, address) pair (`clean: true`): a success then has nothing to clear,
 * and the router skips `recordSuccess` (one store write less per token on a shared limiter). A
 * verdict without `clean` is treated as "failures may be recorded".
 */
export type BruteForceVerdict = { allowed: true; clean?: boolean } | { allowed: false; retryAfterSeconds: number };

/** How many failures a key may collect within a window before attempts are refused. */
export interface FailureLimit {
  /** Failures allowed within the window; the next attempt is refused. */
  failures: number;
  /** The window, in seconds, counted from the first failure. */
  windowSeconds: number;
}

/** The two limits of DESIGN.md; each absent one keeps its default. */
export interface BruteForceLimits {
  /** Per (client id, source address); default 10 failures per 15 minutes. */
  perClientAndAddress?: FailureLimit;
  /** Per source address, whatever the client id; default 100 failures per 15 minutes. */
  perAddress?: FailureLimit;
}

export const DEFAULT_BRUTE_FORCE_LIMITS: Readonly<Required<BruteForceLimits>> = Object.freeze({
  perClientAndAddress: Object.freeze({ failures: 10, windowSeconds: 900 }),
  perAddress: Object.freeze({ failures: 100, windowSeconds: 900 }),
});

/**
 * Counts failed client authentications. A method may reject when its store fails; the token
 * router decides what that means (`onLimiterError`).
 */
export interface BruteForceLimiter {
  /** Before authenticating: may this attempt go on? Changes nothing. */
  check(attempt: AuthenticationAttempt): Promise<BruteForceVerdict>;
  /** After a failed authentication: counts it for the pair and for the address. */
  recordFailure(attempt: AuthenticationAttempt): Promise<void>;
  /** After a successful authentication: clears this pair's count only (never the address's, never another address's). */
  recordSuccess(attempt: AuthenticationAttempt): Promise<void>;
}

const ONE_DAY_SECONDS = 86_400;
const MAX_FAILURES = 1_000_000;

/**
 * The limits with their defaults; throws a `TypeError` naming the bad one (`option` prefixes it).
 *
 * @example
 * resolveBruteForceLimits({ perAddress: { failures: 50, windowSeconds: 600 } }, 'limits');
 * // { perClientAndAddress: { failures: 10, windowSeconds: 900 }, perAddress: { failures: 50, windowSeconds: 600 } }
 */
export function resolveBruteForceLimits(limits: BruteForceLimits | undefined, option: string): Required<BruteForceLimits> {
  if (limits === undefined) return DEFAULT_BRUTE_FORCE_LIMITS;
  if (typeof limits !== 'object' || limits === null) throw new TypeError(`${option} must be an object`);
  for (const key of Object.keys(limits)) {
    if (key !== 'perClientAndAddress' && key !== 'perAddress') throw new TypeError(`${option} has an unknown option '${key}'`);
  }
  return {
    perClientAndAddress: resolveLimit(limits.perClientAndAddress, DEFAULT_BRUTE_FORCE_LIMITS.perClientAndAddress, `${option}.perClientAndAddress`),
    perAddress: resolveLimit(limits.perAddress, DEFAULT_BRUTE_FORCE_LIMITS.perAddress, `${option}.perAddress`),
  };
}

function resolveLimit(limit: FailureLimit | undefined, fallback: FailureLimit, option: string): FailureLimit {
  if (limit === undefined) return fallback;
  if (typeof limit !== 'object' || limit === null) throw new TypeError(`${option} must be { failures, windowSeconds }`);
  const { failures, windowSeconds } = limit;
  if (!isWholeNumber(failures, MAX_FAILURES)) throw new TypeError(`${option}.failures must be a whole number from 1 to ${MAX_FAILURES}`);
  if (!isWholeNumber(windowSeconds, ONE_DAY_SECONDS)) {
    throw new TypeError(`${option}.windowSeconds must be a whole number of seconds from 1 to ${ONE_DAY_SECONDS}`);
  }
  return Object.freeze({ failures, windowSeconds });
}

function isWholeNumber(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max;
}
