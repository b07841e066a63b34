/**
 * RFC 6750 — the bearer middleware: protects a route with an access token (RFC 9068 JWT).
 *
 * Built on passport-http-bearer's `Strategy`, registered on a PRIVATE `new Passport()` (never the
 * global instance, no sessions). Passport runs against a facade that carries only the one token
 * found by `extract.ts` (`lib/passport-strategy-runner.ts`), so whatever Passport sets on a request
 * lands on the facade, never on the host app's request; the host's
 * body parsers and error handlers are never involved. Every outcome for any token input is a 2xx
 * pass-through, a 400, 401, 403 or — when a key source or revocation check is down — a 503.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Passport } from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { isOAuthError, renderOAuthError } from '../errors';
import { log } from '../logging';
import { invalidToken, missingToken } from './bearer-errors';
import { extractBearerToken, syntaxRefusal } from './extract';
import type { FoundToken } from './extract';
import { resolveRequireTokenOptions } from './options';
import type { RequireTokenOptions } from './options';
import type { AuthOutcome } from './authenticate-token';
import { tokenAuthenticator } from './authenticate-token';
import type { StrategyFacade } from '../passport-strategy-runner';
import { strategyCall } from '../passport-strategy-runner';
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
    new BearerStrategy({ realm }, (token: string, done: Done) => {
      let outcome: AuthOutcome;
      try {
        outcome = authenticateToken(token);
      } catch (error) {
        return done(error);
      }
      if (!(outcome instanceof Promise)) return done(null, outcome);
      outcome.then(
        (auth) => done(null, auth),
        (error: unknown) => done(error),
      );
    }),
  );
  const callBearer = strategyCall<AccessTokenAuth>(passport, 'bearer');

  function refuse(res: Response, error: unknown): void {
    const refusal = isOAuthError(error) ? error : invalidToken(realm);
    if (refusal.status >= 500) {
      const fields = { event: 'oauth.token_check_unavailable', code: refusal.code, audience: settings.audience };
      log(settings.logger, 'error', fields, `${refusal.description} (${refusal.status})`);
    }
    renderOAuthError(res, refusal, settings.errorFormat);
  }

  /**
   * Hands an admitted request on, always on a later turn of the event loop (`setImmediate`, as
   * express-jwt does), never synchronously: the route runs the same way whether its token was
   * verified now, taken from the cache or waited for a key. Under load the requests read in one
   * poll phase are checked together and their handlers then run together, which served 20–25 %
   * more requests per second in the benchmark than handing each on at once (bench/README.md).
   */
  function admit(req: Request, auth: AccessTokenAuth, next: NextFunction): void {
    req.auth = auth;
    req.user = auth;
    setImmediate(next);
  }

  /**
   * A token not in the cache (or none at all) goes through Passport and passport-http-bearer. The
   * facade hands the strategy the token as its `access_token` parameter, which it takes as it is (an
   * Authorization header would be built here only to be split again). The token68 syntax is checked
   * only for a token that is refused: one that verified is three base64url segments, a token68.
   */
  function authenticateThroughPassport(req: Request, res: Response, next: NextFunction, found: FoundToken | undefined): void {
    const facade: StrategyFacade = { headers: {}, query: found ? { access_token: found.token } : {} };
    callBearer(facade, (error, auth) => {
      if (auth) return admit(req, auth, next);
      const malformed = found && syntaxRefusal(found, realm);
      refuse(res, malformed ?? error ?? missingToken(realm));
    });
  }

  function middleware(req: Request, res: Response, next: NextFunction): void {
    const found = extractBearerToken(req, settings);
    if (found.kind === 'refused') return refuse(res, found.error);
    if (found.kind === 'none') return authenticateThroughPassport(req, res, next, undefined);
    // The hot path: a token whose signature this middleware verified before. Passport would only hand
    // it to the same checks, so they run directly — synchronously unless the revocation check is not.
    let outcome: AuthOutcome | undefined;
    try {
      outcome = authenticateCached(found.token);
    } catch (error) {
      return refuse(res, error);
    }
    if (outcome === undefined) return authenticateThroughPassport(req, res, next, found);
    if (outcome instanceof Promise) {
      outcome.then(
        (auth) => admit(req, auth, next),
        (error: unknown) => refuse(res, error),
      );
      return;
    }
    admit(req, outcome, next);
  }

  return Object.assign(middleware, { cache }) as RequireTokenMiddleware;
}
