/**
 * From a bearer token to `req.auth`, or the RFC 6750 §3 error that refuses it.
 *
 * Verification (signature, issuer, type, time: `lib/keys/jwt.ts`) is done once per token and
 * remembered in the token cache; what depends on the route — audience, time again, revocation,
 * scope — is checked for every request, so a cached token still fails a route it does not fit.
 * Of those checks, the ones whose answer cannot change (the claims are frozen, the route's
 * settings fixed at mount time: shape, issuer, audience, type, scope) run the first time a cached
 * token meets this route and are remembered with the cache entry; the clock and the revocation
 * check run on every request.
 */
import type { OAuthError } from '../errors';
import { describeErrorForLog, log } from '../logging';
import { checkAccessTokenClaims, checkClaimTimes } from '../keys/claims';
import { checkTokenType, verifyJwtNow } from '../keys/jwt';
import type { VerifiedJwt } from '../keys/jwt';
import type { AccessTokenClaims } from '../keys/types';
import { insufficientScope, invalidToken, verificationFailure, verificationUnavailable } from './bearer-errors';
import type { RequireTokenSettings } from './options';
import { hasRequiredScopes, tokenScopes } from './scope';
import type { CachedVerification } from './token-cache';
import type { AccessTokenAuth } from './types';

/**
 * The request's auth, or — when the revocation check answers asynchronously — a promise of it.
 * A refusal is an `OAuthError`: thrown, or the promise's rejection.
 */
export type AuthOutcome = AccessTokenAuth | Promise<AccessTokenAuth>;

export interface TokenAuthenticator {
  /**
   * Verifies the signature of a token that `authenticateCached` did not find (no second cache
   * lookup), remembers it, and checks it against this route. Synchronous when the key source and
   * the revocation check answer synchronously (a `Keyring`, an in-memory revocation list).
   */
  authenticate: (token: string) => AuthOutcome;
  /**
   * The same for a token whose signature was verified before: the route checks (clock, issuer,
   * audience, type, revocation, scope) run again, the signature check does not. `undefined` when the
   * token is not in the cache. Synchronous unless the revocation check is: the hot path allocates
   * no promise.
   */
  authenticateCached: (token: string) => AuthOutcome | undefined;
}

/** What a cached token proved against one route, once: it fits (shape, issuer, audience, type), and its scopes. */
interface RouteFit {
  readonly scopes: readonly string[];
  /** The scopes satisfy the route's required scopes. */
  readonly scopeFits: boolean;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    // for…in over own members: no array of the values per object (JSON objects have no inherited enumerables)
    for (const name in value) if (Object.hasOwn(value, name)) deepFreeze(value[name]);
  }
  return value;
}

function authFrom(claims: Readonly<AccessTokenClaims>, scopes: readonly string[]): AccessTokenAuth {
  return {
    clientId: claims.client_id,
    scopes: [...scopes],
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

  /**
   * The cache entries that passed this route's fixed checks, with the token's scopes and whether
   * they satisfy the route. Weak: an entry the cache drops is forgotten here too.
   */
  const fits = new WeakMap<CachedVerification, RouteFit>();

  /** A cached verification still fits this route, now: every check the first time, the clock after that. */
  function recheck(cached: CachedVerification): RouteFit {
    const nowSeconds = Math.floor(now() / 1000);
    const known = fits.get(cached);
    if (known) {
      checkClaimTimes(cached.claims, { clockTolerance: settings.clockTolerance, nowSeconds });
      return known;
    }
    checkTokenType(cached.header, settings.acceptedTypes);
    checkAccessTokenClaims(cached.claims, {
      issuer: settings.issuer,
      audience: settings.audience,
      clockTolerance: settings.clockTolerance,
      nowSeconds,
    });
    const fit = routeFit(cached.claims);
    fits.set(cached, fit);
    return fit;
  }

  function routeFit(claims: Readonly<AccessTokenClaims>): RouteFit {
    const scopes = tokenScopes(claims.scope);
    return { scopes, scopeFits: hasRequiredScopes(scopes, settings.requiredScopes, settings.scopeMatch) };
  }

  const verifyOptions = {
    issuer: settings.issuer,
    audience: settings.audience,
    clockTolerance: settings.clockTolerance,
    maxClockTolerance: settings.maxClockTolerance,
    acceptedTypes: settings.acceptedTypes,
    maxTokenLength: settings.maxTokenLength,
    now,
  };

  function remembered(token: string, result: VerifiedJwt): CachedVerification {
    const entry: CachedVerification = {
      claims: deepFreeze(result.claims),
      // the verifier's own copy of the header, made for this token: frozen as it is
      header: Object.freeze(result.header),
      kid: result.key.kid,
      source: keys,
    };
    cache?.remember(token, entry, result.claims.exp * 1000 - now());
    return entry;
  }

  /** Admitted or refused (an `OAuthError`) by the route, once the signature is proved. */
  function routeOutcome(token: string, result: VerifiedJwt): AuthOutcome {
    const { claims } = remembered(token, result);
    return authorised(claims, routeFit(claims));
  }

  /** `isRevoked` threw or rejected: 503 (fail-closed) or nothing (fail-open). */
  function revocationCheckFailed(claims: Readonly<AccessTokenClaims>, error: unknown): OAuthError | undefined {
    const policy = settings.failOpenOnRevocationError ? 'fail-open' : 'fail-closed';
    const fields = { event: 'oauth.revocation_check_failed', policy, jti: claims.jti, error: describeErrorForLog(error) };
    log(settings.logger, 'warn', fields, `the revocation check failed (${policy})`);
    if (settings.failOpenOnRevocationError) return undefined;
    return verificationUnavailable('The access token could not be checked for revocation; try again later.');
  }

  /** Anything but `false` means revoked: a check that answers nonsense refuses. */
  function revocationRefusal(revoked: unknown): OAuthError | undefined {
    return revoked === false ? undefined : invalidToken(realm, 'The access token has been revoked.');
  }

  /** Scope, then the auth. */
  function admitted(claims: Readonly<AccessTokenClaims>, fit: RouteFit): AccessTokenAuth {
    if (!fit.scopeFits) throw insufficientScope(realm, settings.requiredScopes);
    return authFrom(claims, fit.scopes);
  }

  /** Refused by the revocation check, or admitted if the scope fits. */
  function afterRevocationCheck(claims: Readonly<AccessTokenClaims>, fit: RouteFit, refusal: OAuthError | undefined): AccessTokenAuth {
    if (refusal) throw refusal;
    return admitted(claims, fit);
  }

  /** Revocation and scope: checked on every request, cached token or not. Throws or rejects with an `OAuthError`. */
  function authorised(claims: Readonly<AccessTokenClaims>, fit: RouteFit): AuthOutcome {
    const { isRevoked } = settings;
    if (!isRevoked) return admitted(claims, fit);
    let answer: ReturnType<typeof isRevoked>;
    try {
      answer = isRevoked(claims);
    } catch (error) {
      return afterRevocationCheck(claims, fit, revocationCheckFailed(claims, error));
    }
    if (typeof answer === 'boolean') return afterRevocationCheck(claims, fit, revocationRefusal(answer));
    return Promise.resolve(answer).then(
      (revoked) => afterRevocationCheck(claims, fit, revocationRefusal(revoked)),
      (error: unknown) => afterRevocationCheck(claims, fit, revocationCheckFailed(claims, error)),
    );
  }

  return {
    authenticate: (token) => {
      let result: VerifiedJwt | Promise<VerifiedJwt>;
      try {
        result = verifyJwtNow(token, keys, verifyOptions);
      } catch (error) {
        throw verificationFailure(realm, error);
      }
      if (!(result instanceof Promise)) return routeOutcome(token, result);
      return result.then(
        (verified) => routeOutcome(token, verified),
        (error: unknown) => {
          throw verificationFailure(realm, error);
        },
      );
    },
    authenticateCached: (token) => {
      const cached = cachedVerification(token);
      if (!cached) return undefined;
      let fit: RouteFit;
      try {
        fit = recheck(cached);
      } catch (error) {
        throw verificationFailure(realm, error);
      }
      return authorised(cached.claims, fit);
    },
  };
}
