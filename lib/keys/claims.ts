/**
 * Are the claims of a verified JWT acceptable as an access token? (RFC 9068 §4, RFC 7519 §4.1)
 *
 * Runs after the signature check (`jwt.ts`): `exp`, `iat`, `nbf` against the clock with a bounded
 * tolerance, `iss` and `aud` against what the caller expects, and the types of `sub`, `client_id`,
 * `jti` and `scope`. Each failure is a `JwtVerificationError` with a stable code and the claim name.
 */
import { JwtVerificationError } from './errors';
import type { AccessTokenClaims } from './types';

export interface ClaimExpectations {
  /** Accepted `iss` values; not checked when absent. */
  issuer?: string | string[];
  /** At least one of these must be among the token's `aud`; not checked when absent. */
  audience?: string | string[];
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. */
  clockTolerance: number;
  /** The time, in whole seconds since the epoch. */
  nowSeconds: number;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function claimError(claim: string, message: string): JwtVerificationError {
  return new JwtVerificationError('ERR_JWT_CLAIM', message, claim);
}

/** `value` is `list`, or one of its members. */
function isOneOf(value: string, list: string | readonly string[]): boolean {
  return typeof list === 'string' ? value === list : list.includes(value);
}

/** The two lists (each a string or an array) share at least one member. */
function overlaps(first: string | readonly string[], second: string | readonly string[]): boolean {
  if (typeof first === 'string') return isOneOf(first, second);
  for (const member of first) if (isOneOf(member, second)) return true;
  return false;
}

/** Throws unless every claim an access token needs is present and of the right type. */
function checkShape(payload: Record<string, unknown>): asserts payload is AccessTokenClaims {
  if (!isNumericDate(payload.exp)) throw claimError('exp', 'The exp claim is missing or not a number.');
  if (!isNumericDate(payload.iat)) throw claimError('iat', 'The iat claim is missing or not a number.');
  if (payload.nbf !== undefined && !isNumericDate(payload.nbf)) throw claimError('nbf', 'The nbf claim is not a number.');
  if (!isNonEmptyString(payload.iss)) throw claimError('iss', 'The iss claim is missing.');
  if (!isNonEmptyString(payload.sub)) throw claimError('sub', 'The sub claim is missing.');
  if (!isNonEmptyString(payload.client_id)) throw claimError('client_id', 'The client_id claim is missing.');
  if (!isNonEmptyString(payload.jti)) throw claimError('jti', 'The jti claim is missing.');
  const { aud, scope } = payload;
  const audOk = isNonEmptyString(aud) || (Array.isArray(aud) && aud.length > 0 && aud.every(isNonEmptyString));
  if (!audOk) throw claimError('aud', 'The aud claim is missing or malformed.');
  const scopeOk =
    scope === undefined || typeof scope === 'string' || (Array.isArray(scope) && scope.every((s) => typeof s === 'string'));
  if (!scopeOk) throw claimError('scope', 'The scope claim is malformed.');
}

/**
 * Throws unless the claims' lifetime covers `nowSeconds`, with `clockTolerance` seconds of skew:
 * not expired (`exp`), active (`nbf`), not issued in the future (`iat`). The part of
 * `checkAccessTokenClaims` that changes with the clock, for claims that passed it before.
 *
 * @example
 * checkClaimTimes(claims, { clockTolerance: 5, nowSeconds: Math.floor(Date.now() / 1000) });
 */
export function checkClaimTimes(
  claims: { readonly exp: number; readonly iat: number; readonly nbf?: unknown },
  { nowSeconds, clockTolerance }: Pick<ClaimExpectations, 'clockTolerance' | 'nowSeconds'>,
): void {
  if (nowSeconds >= claims.exp + clockTolerance) {
    throw new JwtVerificationError('ERR_JWT_EXPIRED', 'The token has expired.', 'exp');
  }
  if (claims.nbf !== undefined && (claims.nbf as number) > nowSeconds + clockTolerance) {
    throw new JwtVerificationError('ERR_JWT_NOT_ACTIVE', 'The token is not valid yet.', 'nbf');
  }
  if (claims.iat > nowSeconds + clockTolerance) throw claimError('iat', 'The token was issued in the future.');
}

/**
 * Checks a signature-verified payload and returns it typed as access-token claims.
 *
 * @example
 * const claims = checkAccessTokenClaims(payload, { issuer: 'https://as.example', audience: 'api',
 *   clockTolerance: 5, nowSeconds: Math.floor(Date.now() / 1000) });
 */
export function checkAccessTokenClaims(payload: unknown, expect: ClaimExpectations): AccessTokenClaims {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new JwtVerificationError('ERR_JWT_MALFORMED', 'The JWT payload is not a JSON object.');
  }
  const claims = payload as Record<string, unknown>;
  checkShape(claims);
  checkClaimTimes(claims, expect);
  if (expect.issuer !== undefined && !isOneOf(claims.iss, expect.issuer)) {
    throw claimError('iss', 'The token was issued by another issuer.');
  }
  if (expect.audience !== undefined && !overlaps(expect.audience, claims.aud)) {
    throw claimError('aud', 'The token is meant for another audience.');
  }
  return claims;
}
