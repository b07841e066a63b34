/**
 * `requireToken` options, composed from small named interfaces, and their validation: once, when
 * the middleware is built, with an error that names the bad option. Request handling never
 * re-checks them.
 */
import type { ErrorBodyFormat } from '../errors';
import type { Logger } from '../logging';
import { resolveLogger } from '../logging';
import {
  DEFAULT_CLOCK_TOLERANCE,
  DEFAULT_MAX_TOKEN_LENGTH,
  DEFAULT_TOKEN_TYPE,
  MAX_CLOCK_TOLERANCE,
} from '../keys/jwt';
import { RemoteJwks } from '../keys/remote-jwks';
import type { RemoteJwksOptions } from '../keys/remote-jwks';
import type { AccessTokenClaims, VerificationKeySource } from '../keys/types';
import type { TokenPlacementOptions } from './extract';
import { SCOPE_TOKEN } from './scope';
import type { ScopeMatch } from './scope';
import { TokenCache } from './token-cache';
import type { TokenCacheOptions } from './token-cache';

/** Where the verification keys come from: a local keyring (same process) or a remote JWKS. Exactly one. */
export interface KeySourceOptions {
  /** A local key source, e.g. the token router's `Keyring`. */
  keys?: VerificationKeySource;
  /** The issuer's JWKS, e.g. `https://as.example/.well-known/jwks.json` (a separate resource server). */
  jwksUri?: string;
  /** Fetching and caching of the remote JWKS (with `jwksUri`). */
  jwks?: Omit<RemoteJwksOptions, 'jwksUri'>;
}

/** What the token must say about who issued it and whom it is for (RFC 9068 §4). */
export interface TokenTargetOptions {
  /** Accepted `iss` values. */
  issuer: string | string[];
  /** This route's audience: must be among the token's `aud`. */
  audience: string;
}

/** What the token must allow (RFC 6750 §3.1 `insufficient_scope`). */
export interface ScopeOptions {
  /** One required scope (or several, space-delimited). */
  scope?: string;
  /** Required scopes; give `scope` or `scopes`, not both. */
  scopes?: string[];
  /** `all` (default): every required scope; `any`: at least one. */
  scopeMatch?: ScopeMatch;
}

/** How errors look on the wire. */
export interface ChallengeOptions {
  /** The `realm` of `WWW-Authenticate: Bearer`; `api` by default. */
  realm?: string;
  /** The JSON error body; `{error, error_description}` by default. */
  errorFormat?: ErrorBodyFormat;
}

/** Verification details a profile may tune. */
export interface VerificationOptions {
  /** Seconds of clock skew on `exp`/`nbf`/`iat`; 5 by default, at most `maxClockTolerance`. */
  clockTolerance?: number;
  /** Ceiling for `clockTolerance` (5 by default); raise it explicitly to allow more skew. */
  maxClockTolerance?: number;
  /** Accepted `typ` header values when present; `['at+jwt']` by default (e.g. `['at+jwt', 'JWT']`). */
  acceptedTypes?: string[];
  /** Tokens longer than this are refused before parsing; 8192 by default. */
  maxTokenLength?: number;
  /** The time in milliseconds since the epoch; `Date.now` by default. */
  now?: () => number;
}

export interface TokenCacheOption {
  /** A shared `TokenCache`, options for this middleware's own (`{ max }`, default 10000), or `false` for none. */
  cache?: TokenCache | TokenCacheOptions | false;
}

/** A hook for revocation (RFC 7009): consulted on every request, cached token or not. */
export interface RevocationOptions {
  /** True when the token has been revoked (→ 401 invalid_token). */
  isRevoked?: (claims: Readonly<AccessTokenClaims>) => Promise<boolean> | boolean;
  /** When `isRevoked` throws: refuse with 503 (`fail-closed`, default) or let the request through (`fail-open`). */
  onRevocationCheckError?: 'fail-closed' | 'fail-open';
}

export interface LoggingOptions {
  /** Logs 503s (key source or revocation check down) and revocation-check failures; never a token. A pino logger fits. */
  logger?: Logger;
}

export interface RequireTokenOptions
  extends KeySourceOptions,
    LoggingOptions,
    TokenTargetOptions,
    ScopeOptions,
    ChallengeOptions,
    TokenPlacementOptions,
    VerificationOptions,
    TokenCacheOption,
    RevocationOptions {}

/** The validated settings the middleware runs with. */
export interface RequireTokenSettings {
  keys: VerificationKeySource;
  issuer: string | string[];
  audience: string;
  requiredScopes: string[];
  scopeMatch: ScopeMatch;
  realm: string;
  errorFormat: ErrorBodyFormat | undefined;
  allowQueryToken: boolean;
  allowBodyToken: boolean;
  clockTolerance: number;
  maxClockTolerance: number;
  acceptedTypes: string[];
  maxTokenLength: number;
  now: () => number;
  cache: TokenCache | undefined;
  isRevoked: RevocationOptions['isRevoked'];
  failOpenOnRevocationError: boolean;
  logger: Logger | undefined;
}

const KNOWN_OPTIONS = new Set<string>([
  'keys',
  'jwksUri',
  'jwks',
  'issuer',
  'audience',
  'scope',
  'scopes',
  'scopeMatch',
  'realm',
  'errorFormat',
  'allowQueryToken',
  'allowBodyToken',
  'clockTolerance',
  'maxClockTolerance',
  'acceptedTypes',
  'maxTokenLength',
  'now',
  'cache',
  'isRevoked',
  'onRevocationCheckError',
  'logger',
]);

/** A `requireToken` option that cannot work; the message names it. */
export class RequireTokenOptionError extends TypeError {
  constructor(option: string, problem: string) {
    super(`requireToken: option "${option}" ${problem}`);
    this.name = 'RequireTokenOptionError';
  }
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isKeySource(value: unknown): value is VerificationKeySource {
  if (typeof value !== 'object' || value === null) return false;
  const source = value as Partial<VerificationKeySource>;
  return typeof source.getVerificationKey === 'function' && typeof source.algorithms === 'function';
}

function optionalBoolean(options: RequireTokenOptions, name: 'allowQueryToken' | 'allowBodyToken'): boolean {
  const value = options[name];
  if (value !== undefined && typeof value !== 'boolean') throw new RequireTokenOptionError(name, 'must be a boolean.');
  return value === true;
}

function optionalFunction<T>(options: RequireTokenOptions, name: keyof RequireTokenOptions): T | undefined {
  const value = options[name];
  if (value !== undefined && typeof value !== 'function') throw new RequireTokenOptionError(name, 'must be a function.');
  return value as T | undefined;
}

function resolveKeys(options: RequireTokenOptions): VerificationKeySource {
  const hasKeys = options.keys !== undefined;
  const hasUri = options.jwksUri !== undefined;
  if (hasKeys === hasUri) throw new RequireTokenOptionError('keys', 'or "jwksUri" is required (exactly one of them).');
  if (options.jwks !== undefined && !hasUri) throw new RequireTokenOptionError('jwks', 'is only used with "jwksUri".');
  if (hasKeys) {
    if (!isKeySource(options.keys)) {
      throw new RequireTokenOptionError('keys', 'must be a key source (a Keyring or a RemoteJwks).');
    }
    return options.keys;
  }
  if (options.jwks !== undefined && (typeof options.jwks !== 'object' || options.jwks === null)) {
    throw new RequireTokenOptionError('jwks', 'must be an object.');
  }
  try {
    return new RemoteJwks({ ...options.jwks, jwksUri: options.jwksUri as string });
  } catch (error) {
    throw new RequireTokenOptionError('jwksUri', `is not usable: ${(error as Error).message}`);
  }
}

function resolveIssuer(issuer: unknown): string | string[] {
  if (isNonEmptyString(issuer)) return issuer;
  if (Array.isArray(issuer) && issuer.length > 0 && issuer.every(isNonEmptyString)) return [...issuer];
  throw new RequireTokenOptionError('issuer', 'must be a non-empty string or a non-empty list of them.');
}

function resolveScopes(options: RequireTokenOptions): string[] {
  if (options.scope !== undefined && options.scopes !== undefined) {
    throw new RequireTokenOptionError('scopes', 'cannot be given together with "scope".');
  }
  let scopes: unknown[];
  let name: 'scope' | 'scopes';
  if (options.scope !== undefined) {
    if (typeof options.scope !== 'string') throw new RequireTokenOptionError('scope', 'must be a string.');
    name = 'scope';
    scopes = options.scope.split(' ').filter((s) => s.length > 0);
    if (scopes.length === 0) throw new RequireTokenOptionError('scope', 'must name at least one scope.');
  } else if (options.scopes !== undefined) {
    if (!Array.isArray(options.scopes)) throw new RequireTokenOptionError('scopes', 'must be a list of scopes.');
    name = 'scopes';
    scopes = options.scopes;
  } else {
    return [];
  }
  if (!scopes.every((s) => typeof s === 'string' && SCOPE_TOKEN.test(s))) {
    throw new RequireTokenOptionError(name, 'must hold RFC 6749 §3.3 scope tokens (printable ASCII, no space, quote or backslash).');
  }
  return [...new Set(scopes as string[])];
}

function resolveCache(cache: unknown): TokenCache | undefined {
  if (cache === false) return undefined;
  if (cache instanceof TokenCache) return cache;
  if (cache === undefined) return new TokenCache();
  if (typeof cache !== 'object' || cache === null) {
    throw new RequireTokenOptionError('cache', 'must be a TokenCache, { max, admission }, or false.');
  }
  try {
    return new TokenCache(cache);
  } catch (error) {
    const detail = error instanceof RangeError ? error.message.replace(/^TokenCache: /, '') : 'is not valid.';
    throw new RequireTokenOptionError('cache', detail);
  }
}

function resolveVerification(options: RequireTokenOptions): Pick<
  RequireTokenSettings,
  'clockTolerance' | 'maxClockTolerance' | 'acceptedTypes' | 'maxTokenLength' | 'now'
> {
  const maxClockTolerance = options.maxClockTolerance ?? MAX_CLOCK_TOLERANCE;
  if (typeof maxClockTolerance !== 'number' || !Number.isFinite(maxClockTolerance) || maxClockTolerance < 0) {
    throw new RequireTokenOptionError('maxClockTolerance', 'must be a non-negative number of seconds.');
  }
  const clockTolerance = options.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE;
  if (
    typeof clockTolerance !== 'number' ||
    !Number.isFinite(clockTolerance) ||
    clockTolerance < 0 ||
    clockTolerance > maxClockTolerance
  ) {
    throw new RequireTokenOptionError(
      'clockTolerance',
      `must be a number of seconds from 0 to ${maxClockTolerance} (raise maxClockTolerance to allow more).`,
    );
  }
  const acceptedTypes = options.acceptedTypes ?? [DEFAULT_TOKEN_TYPE];
  if (!Array.isArray(acceptedTypes) || acceptedTypes.length === 0 || !acceptedTypes.every(isNonEmptyString)) {
    throw new RequireTokenOptionError('acceptedTypes', 'must be a non-empty list of type names.');
  }
  const maxTokenLength = options.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH;
  if (!Number.isInteger(maxTokenLength) || maxTokenLength <= 0) {
    throw new RequireTokenOptionError('maxTokenLength', 'must be a positive whole number.');
  }
  const now = optionalFunction<() => number>(options, 'now') ?? Date.now;
  return { clockTolerance, maxClockTolerance, acceptedTypes: [...acceptedTypes], maxTokenLength, now };
}

/**
 * Validates `requireToken` options and fills in the defaults.
 *
 * @example
 * resolveRequireTokenOptions({ keys, issuer: 'https://as.example', audience: 'api', scope: 'read' });
 */
export function resolveRequireTokenOptions(options: RequireTokenOptions): RequireTokenSettings {
  if (typeof options !== 'object' || options === null) throw new TypeError('requireToken: options are required.');
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) throw new RequireTokenOptionError(name, 'is not a requireToken option.');
  }
  if (!isNonEmptyString(options.audience)) throw new RequireTokenOptionError('audience', 'must be a non-empty string.');
  const realm = options.realm ?? 'api';
  // eslint-disable-next-line no-control-regex
  if (!isNonEmptyString(realm) || /[\u0000-\u001f\u007f"\\]/.test(realm)) {
    throw new RequireTokenOptionError('realm', 'must be a non-empty string without quotes, backslashes or control characters.');
  }
  const scopeMatch = options.scopeMatch ?? 'all';
  if (scopeMatch !== 'all' && scopeMatch !== 'any') throw new RequireTokenOptionError('scopeMatch', 'must be "all" or "any".');
  const onError = options.onRevocationCheckError ?? 'fail-closed';
  if (onError !== 'fail-closed' && onError !== 'fail-open') {
    throw new RequireTokenOptionError('onRevocationCheckError', 'must be "fail-closed" or "fail-open".');
  }
  return {
    keys: resolveKeys(options),
    issuer: resolveIssuer(options.issuer),
    audience: options.audience,
    requiredScopes: resolveScopes(options),
    scopeMatch,
    realm,
    errorFormat: optionalFunction<ErrorBodyFormat>(options, 'errorFormat'),
    allowQueryToken: optionalBoolean(options, 'allowQueryToken'),
    allowBodyToken: optionalBoolean(options, 'allowBodyToken'),
    ...resolveVerification(options),
    cache: resolveCache(options.cache),
    isRevoked: optionalFunction<RevocationOptions['isRevoked']>(options, 'isRevoked'),
    failOpenOnRevocationError: onError === 'fail-open',
    logger: resolveLogger(options.logger, 'requireToken: option "logger"'),
  };
}
