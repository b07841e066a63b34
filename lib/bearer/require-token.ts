/**
 * RFC 6750 — the bearer middleware: protects a route with an access token (RFC 9068 JWT).
 *
 * Built on passport-http-bearer's `Strategy`, registered on a PRIVATE `new Passport()` (never the
 * global instance, no sessions). Passport runs against a per-request facade (`Object.create(req)`)
 * that carries only the one token found by `extract.ts`, so whatever Passport sets on a request
 * (`login`, `_sessionManager`, …) lands on the facade, never on the host app's request; the host's
 * body parsers and error handlers are never involved. Every outcome for any token input is a 2xx
 * pass-through, a 400, 401, 403 or — when a key source or revocation check is down — a 503.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Passport } from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { isOAuthError, renderOAuthError } from '../errors';
import { log } from '../logging';
import type { OAuthError } from '../errors';
import { invalidToken, missingToken } from './bearer-errors';
import { extractBearerToken } from './extract';
import { resolveRequireTokenOptions } from './options';
import type { RequireTokenOptions } from './options';
import { tokenAuthenticator } from './authenticate-token';
import type { TokenCache } from './token-cache';
import type { AccessTokenAuth } from './types';

/** The middleware, with the token cache it uses (to evict on revocation), if any. */
export type RequireTokenMiddleware = RequestHandler & { readonly cache: TokenCache | undefined };

type Done = (error: unknown, auth?: AccessTokenAuth | false) => void;

/**
 * Express middleware that admits a request only with a valid access token for `audience` that
 * carries the required scopes. On success `req.auth` (and `req.user`) hold the token's claims.
 *
 * @example
 * // same process as the token router:
 * app.get('/api/records', requireToken({ keys: keyring, issuer, audience: 'records-api', scope: 'records:read' }), handler);
 * // a separate resource server:
 * app.use('/api', requireToken({ jwksUri: 'https://as.example/.well-known/jwks.json', issuer, audience: 'records-api' }));
 */
export function requireToken(options: RequireTokenOptions): RequireTokenMiddleware {
  const settings = resolveRequireTokenOptions(options);
  const { cache, realm } = settings;
  const { authenticate: authenticateToken, authenticateCached } = tokenAuthenticator(settings);
  if (cache && settings.keys.onChange) {
    settings.keys.onChange((change) => {
      if (change.type === 'retired') cache.evictKid(change.kid);
    });
  }

  const passport = new Passport();
  passport.use(
    'bearer',
    new BearerStrategy({ realm, passReqToCallback: true }, (_req: Request, token: string, done: Done) => {
      authenticateToken(token).then(
        (auth) => done(null, auth),
        (error: unknown) => done(error),
      );
    }),
  );

  function runPassport(facade: Request, res: Response): Promise<AccessTokenAuth | undefined> {
    return new Promise((resolve, reject) => {
      const authenticate = passport.authenticate(
        'bearer',
        { session: false },
        (error: unknown, auth?: AccessTokenAuth | false) => {
          if (error) reject(error instanceof Error ? error : new Error('bearer authentication failed'));
          else resolve(auth || undefined);
        },
      ) as RequestHandler;
      void authenticate(facade, res, () => reject(new Error('passport passed the request on')));
    });
  }

  function refuse(res: Response, error: OAuthError): void {
    if (error.status >= 500) {
      const fields = { event: 'oauth.token_check_unavailable', code: error.code, audience: settings.audience };
      log(settings.logger, 'error', fields, `${error.description} (${error.status})`);
    }
    renderOAuthError(res, error, settings.errorFormat);
  }

  async function middleware(req: Request, res: Response, next: NextFunction): Promise<void> {
    const found = extractBearerToken(req, settings);
    if (found.kind === 'refused') return refuse(res, found.error);
    // The hot path: a token whose signature this middleware verified before. Passport would only hand
    // it to the same checks, so they run directly; a token not in the cache goes through Passport.
    const fast = found.kind === 'token' ? authenticateCached(found.token) : undefined;
    if (fast) {
      let cachedAuth: AccessTokenAuth;
      try {
        cachedAuth = await fast;
      } catch (error) {
        return refuse(res, isOAuthError(error) ? error : invalidToken(realm));
      }
      req.auth = cachedAuth;
      req.user = cachedAuth;
      return next();
    }
    const facade = Object.create(req, {
      headers: { value: found.kind === 'token' ? { authorization: `Bearer ${found.token}` } : {} },
      body: { value: undefined },
      query: { value: {} },
    }) as Request;
    let auth: AccessTokenAuth | undefined;
    try {
      auth = await runPassport(facade, res);
    } catch (error) {
      return refuse(res, isOAuthError(error) ? error : invalidToken(realm));
    }
    if (!auth) return refuse(res, missingToken(realm));
    req.auth = auth;
    req.user = auth;
    next();
  }

  return Object.assign(middleware, { cache }) as RequireTokenMiddleware;
}
