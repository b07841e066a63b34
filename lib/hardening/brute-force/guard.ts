/**
 * How a client-authenticating endpoint uses a `BruteForceLimiter` (RFC 6749 §10.10, DESIGN.md
 * "Brute force"): `admit` runs BEFORE any credential is read from the store or hashed, so a
 * refused attempt is the cheapest answer the endpoint gives; `failed` counts a failed
 * authentication before it is answered; `succeeded` clears the pair in the background.
 *
 * A refused attempt is 429 `too_many_requests` with `Retry-After` (seconds) and one description,
 * whichever limit was reached and whether or not the client exists. A limiter that fails or does
 * not answer within `timeoutMs` is logged (a warning, at most once a minute) and, by default,
 * ignored: the attempt goes on to the secret check, which still protects the client
 * (`onLimiterError: 'fail-open'`); `'fail-closed'` answers 503 instead.
 */
import { StoreUnavailableError } from '../../clients/errors';
import { withDeadline } from '../../clients/store-deadline';
import { OAuthError } from '../../errors';
import type { Logger } from '../../logging';
import { describeErrorForLog, log, loggableClientId } from '../../logging';
import type { AuthenticationAttempt, BruteForceLimiter, BruteForceLimits } from './limiter';
import { MemoryBruteForceLimiter } from './memory-limiter';

/** The `bruteForce` option of `tokenRouter` (or `false` to turn the limiter off). */
export interface BruteForceOptions {
  /** Where failures are counted; default a `MemoryBruteForceLimiter` with `limits`. Share one across routers to share counts. */
  limiter?: BruteForceLimiter;
  /** Limits of the default memory limiter (give them to your own limiter's constructor instead). */
  limits?: BruteForceLimits;
  /** Milliseconds a limiter call may take before it counts as failed; default 1000. */
  timeoutMs?: number;
  /** When the limiter fails: go on to authentication (`fail-open`, default) or answer 503 (`fail-closed`). */
  onLimiterError?: 'fail-open' | 'fail-closed';
}

/** `bruteForce` after validation. */
export interface BruteForceSettings {
  limiter: BruteForceLimiter;
  timeoutMs: number;
  failClosed: boolean;
}

export const DEFAULT_LIMITER_TIMEOUT_MS = 1_000;
const MAX_TIMEOUT_MS = 60_000;
const LIMITER_METHODS = ['check', 'recordFailure', 'recordSuccess'] as const;
const OPTION_KEYS = ['limiter', 'limits', 'timeoutMs', 'onLimiterError'];
/** At most one limiter-failure warning per interval (a down store would otherwise log every request). */
const WARNING_INTERVAL_MS = 60_000;

/**
 * Validates a `bruteForce` option (`option` names it in errors); `undefined` means on with the
 * defaults, `false` off.
 *
 * @example
 * resolveBruteForceOptions(undefined, 'tokenRouter: options.bruteForce'); // memory limiter, 10 and 100 per 15 min
 * resolveBruteForceOptions(false, 'tokenRouter: options.bruteForce');     // undefined: no limiter
 */
export function resolveBruteForceOptions(value: false | BruteForceOptions | undefined, option: string): BruteForceSettings | undefined {
  if (value === false) return undefined;
  const options = value ?? {};
  if (typeof options !== 'object' || options === null) throw new TypeError(`${option} must be false or an object`);
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) throw new TypeError(`${option} has an unknown option '${key}'`);
  }
  if (options.limiter !== undefined && options.limits !== undefined) {
    throw new TypeError(`${option}.limits configures the default limiter; give them to your limiter instead`);
  }
  const limiter = options.limiter ?? new MemoryBruteForceLimiter(options.limits);
  const isLimiter =
    typeof limiter === 'object' &&
    limiter !== null &&
    LIMITER_METHODS.every((method) => typeof (limiter as unknown as Record<string, unknown>)[method] === 'function');
  if (!isLimiter) throw new TypeError(`${option}.limiter must be a BruteForceLimiter (check, recordFailure, recordSuccess)`);

  const timeoutMs = options.timeoutMs ?? DEFAULT_LIMITER_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new TypeError(`${option}.timeoutMs must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  }
  const policy = options.onLimiterError ?? 'fail-open';
  if (policy !== 'fail-open' && policy !== 'fail-closed') throw new TypeError(`${option}.onLimiterError must be 'fail-open' or 'fail-closed'`);
  return { limiter, timeoutMs, failClosed: policy === 'fail-closed' };
}

/** What `admit` learnt: whether failures may be recorded for the attempt's pair (a success then clears them). */
export interface Admission {
  failuresMayBeRecorded: boolean;
}

const CLEAN: Admission = Object.freeze({ failuresMayBeRecorded: false });
const MAYBE_RECORDED: Admission = Object.freeze({ failuresMayBeRecorded: true });

/** The limiter as an endpoint uses it. */
export interface BruteForceGuard {
  /**
   * Before authenticating. Resolves with the admission to hand to `succeeded`; rejects with the
   * 429 `OAuthError` when a limit is reached, with `StoreUnavailableError` when the limiter failed
   * and the policy is `fail-closed`.
   */
  admit(attempt: AuthenticationAttempt): Promise<Admission>;
  /** After a failed authentication, before answering it; never rejects. */
  failed(attempt: AuthenticationAttempt): Promise<void>;
  /** After a successful authentication: clears the pair's failures, if it has any; returns at once. */
  succeeded(attempt: AuthenticationAttempt, admission: Admission): void;
}

const TOO_MANY_DESCRIPTION = 'Too many failed client authentication attempts; retry later.';

/**
 * @example
 * const guard = bruteForceGuard(resolveBruteForceOptions(undefined, 'bruteForce')!, logger);
 * await guard.admit({ clientId, ip: req.ip }); // throws the 429 OAuthError when blocked
 */
export function bruteForceGuard(settings: BruteForceSettings, logger?: Logger): BruteForceGuard {
  const { limiter, timeoutMs, failClosed } = settings;
  // Counters in this process's memory answer at once: no deadline timer around them.
  const inProcess = Object.getPrototypeOf(limiter) === MemoryBruteForceLimiter.prototype;
  const call = <T>(operation: () => Promise<T>): Promise<T> =>
    inProcess ? settle(operation) : withDeadline(operation, timeoutMs, () => new Error('the brute-force limiter did not answer in time'));
  let lastWarningAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;

  function limiterFailed(operation: string, error: unknown): void {
    const now = Date.now();
    if (now - lastWarningAt < WARNING_INTERVAL_MS) {
      suppressed += 1;
      return;
    }
    lastWarningAt = now;
    const fields = {
      event: 'oauth.brute_force_limiter_error',
      operation,
      policy: failClosed ? 'fail-closed' : 'fail-open',
      error: describeErrorForLog(error),
      suppressedSinceLastWarning: suppressed,
    };
    suppressed = 0;
    log(logger, 'warn', fields, 'the brute-force limiter failed');
  }

  return {
    async admit(attempt) {
      let verdict;
      try {
        verdict = await call(() => limiter.check(attempt));
      } catch (error) {
        limiterFailed('check', error);
        if (failClosed) throw new StoreUnavailableError('the brute-force limiter is unavailable', { cause: error });
        return MAYBE_RECORDED;
      }
      if (verdict.allowed) return verdict.clean === true ? CLEAN : MAYBE_RECORDED;
      const retryAfterSeconds = Math.max(1, Math.ceil(verdict.retryAfterSeconds));
      const fields: Record<string, unknown> = { event: 'oauth.brute_force_blocked', ip: attempt.ip, retryAfterSeconds };
      if (attempt.clientId !== undefined) fields.clientId = loggableClientId(attempt.clientId);
      log(logger, 'warn', fields, 'client authentication refused: too many failed attempts');
      throw new OAuthError('too_many_requests', TOO_MANY_DESCRIPTION, { headers: { 'Retry-After': String(retryAfterSeconds) } });
    },
    async failed(attempt) {
      try {
        await call(() => limiter.recordFailure(attempt));
      } catch (error) {
        limiterFailed('recordFailure', error);
      }
    },
    succeeded(attempt, admission) {
      if (!admission.failuresMayBeRecorded) return;
      call(() => limiter.recordSuccess(attempt)).catch((error: unknown) => limiterFailed('recordSuccess', error));
    },
  };
}

/** `operation()`, with a synchronous throw turned into a rejection. */
function settle<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return operation();
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error('the brute-force limiter failed'));
  }
}
