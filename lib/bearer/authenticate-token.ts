/**
 * From a bearer token to `req.auth`, or the RFC 6750 §3 error that refuses it.
 *
 * Verification (signature, issuer, type, time: `lib/keys/jwt.ts`) is done once per token and
 * remembered in the token cache; what depends on the route — audience, time again, revocation,
 * scope — runs on every request, so a cached token still fails a route it does not fit.
 */
import type { OAuthError } from '../errors';
import { describeErrorForLog, log } from '../logging';
import { checkAccessTokenClaims } from '../keys/claims';
import { checkTokenType, verifyJwt } from '../keys/jwt';
import type { AccessTokenClaims } from '../keys/types';
import { insufficientScope, invalidToken, verificationFailure, verificationUnavailable } from './bearer-errors';
import type { RequireTokenSettings } from './options';
import { hasRequiredScopes, tokenScopes } from './scope';
import type { CachedVerification } from './token-cache';
import type { AccessTokenAuth } from './types';

/** Resolves with the request's auth, rejects with an `OAuthError`. */
export interface TokenAuthenticator {
  /**
   * Verifies the signature of a token that `authenticateCached` did not find (no second cache
   * lookup), remembers it, and checks it against this route.
   */
  authenticate: (token: string) => Promise<AccessTokenAuth>;
  /**
   * The same for a token whose signature was verified before: the route checks (clock, issuer,
   * audience, type, revocation, scope) run again, the signature check does not. `undefined` when the
   * token is not in the cache.
   */
  authenticateCached: (token: string) => Promise<AccessTokenAuth> | undefined;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

function authFrom(claims: Readonly<AccessTokenClaims>, scopes: string[]): AccessTokenAuth {
  return {
    clientId: claims.client_id,
    scopes,
    audience: Array.isArray(claims.aud) ? [...claims.aud] : [claims.aud],
    jti: claims.jti,
    expiresAt: new Date(claims.exp * 1000),
    claims,
  };
}

/**
 * @example
 * const authenticate = tokenAuthenticator(resolveRequireTokenOptions(options));
 * const auth = await authenticate(token); // or throws OAuthError
 */
export function tokenAuthenticator(settings: RequireTokenSettings): TokenAuthenticator {
  const { keys, cache, realm, now } = settings;

  /** The route-independent proof about a token: from the cache (re-checked against this route's clock, issuer and types) or fresh. */
  function cachedVerification(token: string): CachedVerification | undefined {
    const cached = cache?.lookup(token);
    return cached && cached.source === keys ? cached : undefined;
  }

  /** A cached verification still fits this route, now. */
  function recheck(cached: CachedVerification): CachedVerification {
    checkTokenType(cached.header, settings.acceptedTypes);
    checkAccessTokenClaims(cached.claims, {
      issuer: settings.issuer,
      audience: settings.audience,
      clockTolerance: settings.clockTolerance,
      nowSeconds: Math.floor(now() / 1000),
    });
    return cached;
  }

  async function verifyAndRemember(token: string): Promise<CachedVerification> {
    const result = await verifyJwt(token, keys, {
      issuer: settings.issuer,
      audience: settings.audience,
      clockTolerance: settings.clockTolerance,
      maxClockTolerance: settings.maxClockTolerance,
      acceptedTypes: settings.acceptedTypes,
      maxTokenLength: settings.maxTokenLength,
      now,
    });
    const entry: CachedVerification = {
      claims: deepFreeze(result.claims),
      header: Object.freeze({ ...result.header }),
      kid: result.key.kid,
      source: keys,
    };
    cache?.remember(token, entry, result.claims.exp * 1000 - now());
    return entry;
  }

  async function checkRevocation(claims: Readonly<AccessTokenClaims>): Promise<OAuthError | undefined> {
    const { isRevoked } = settings;
    if (!isRevoked) return undefined;
    let revoked: boolean;
    try {
      revoked = await isRevoked(claims);
    } catch (error) {
      const policy = settings.failOpenOnRevocationError ? 'fail-open' : 'fail-closed';
      const fields = { event: 'oauth.revocation_check_failed', policy, jti: claims.jti, error: describeErrorForLog(error) };
      log(settings.logger, 'warn', fields, `the revocation check failed (${policy})`);
      if (settings.failOpenOnRevocationError) return undefined;
      return verificationUnavailable('The access token could not be checked for revocation; try again later.');
    }
    return revoked === false ? undefined : invalidToken(realm, 'The access token has been revoked.');
  }

  /** Revocation and scope: checked on every request, cached token or not. */
  async function authorised(entry: CachedVerification): Promise<AccessTokenAuth> {
    const revoked = await checkRevocation(entry.claims);
    if (revoked) throw revoked;
    const scopes = tokenScopes(entry.claims.scope);
    if (!hasRequiredScopes(scopes, settings.requiredScopes, settings.scopeMatch)) {
      throw insufficientScope(realm, settings.requiredScopes);
    }
    return authFrom(entry.claims, scopes);
  }

  return {
    authenticate: async (token) => {
      let entry: CachedVerification;
      try {
        entry = await verifyAndRemember(token);
      } catch (error) {
        throw verificationFailure(realm, error);
      }
      return authorised(entry);
    },
    authenticateCached: (token) => {
      const cached = cachedVerification(token);
      if (!cached) return undefined;
      try {
        return authorised(recheck(cached));
      } catch (error) {
        return Promise.reject(verificationFailure(realm, error));
      }
    },
  };
}
