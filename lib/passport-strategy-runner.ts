/**
 * Runs one strategy of a PRIVATE Passport instance against a facade request, with the
 * authenticate middleware built once (not per request) and nothing written to the real response.
 *
 * The facade is a plain object with only what the strategy reads (headers, body, query), never
 * `Object.create(req)`: making the host's request a prototype changes its hidden class and slows
 * every later access to it, and whatever Passport writes (`login`, `_sessionManager`, the result)
 * lands on the facade, never on the host's request. Passport reports the result through
 * `assignProperty` and a refusal as an `AuthenticationError` (`failWithError`); the caller renders
 * every answer itself, so the response Passport is given is a stub that swallows its status and
 * challenge.
 */
import type { Request, RequestHandler, Response } from 'express';

const RESULT_PROPERTY = 'strategyResult';
const PASSPORT_OPTIONS = { session: false, failWithError: true, assignProperty: RESULT_PROPERTY, authInfo: false };
/** The one method of a Passport instance the runner uses. */
export interface PassportAuthenticate {
  authenticate(strategy: string, options: typeof PASSPORT_OPTIONS): unknown;
}
const STUB_RESPONSE = { statusCode: 200, setHeader: () => undefined, end: () => undefined } as unknown as Response;

/** What a strategy may read of a request. */
export interface StrategyFacade {
  headers: Request['headers'];
  body?: unknown;
  query?: unknown;
}

/**
 * Called once with what the strategy's verify callback accepted (`undefined` when the strategy
 * refused: no credentials, or the verify callback said `false`), or with the error the verify
 * callback reported.
 */
export type StrategyCallback<T> = (error: Error | undefined, result: T | undefined) => void;

/** Runs the strategy against a facade and reports through `done`: no promise per request. */
export type StrategyCall<T> = (facade: StrategyFacade, done: StrategyCallback<T>) => void;

/**
 * `strategyRunner` without a promise, for a hot path: `done` is called once, synchronously when the
 * verify callback answers synchronously.
 *
 * @example
 * const callBearer = strategyCall<AccessTokenAuth>(passport, 'bearer');
 * callBearer({ headers: {}, query: { access_token: token } }, (error, auth) => { … });
 */
export function strategyCall<T>(passport: PassportAuthenticate, strategy: string): StrategyCall<T> {
  const authenticate = passport.authenticate(strategy, PASSPORT_OPTIONS) as RequestHandler;
  return (facade, done) => {
    const request = facade as unknown as Request & { [RESULT_PROPERTY]?: T | false };
    void authenticate(request, STUB_RESPONSE, (error?: unknown) => {
      if (error === undefined || error === null) return done(undefined, request[RESULT_PROPERTY] || undefined);
      if (error instanceof Error && error.name === 'AuthenticationError') return done(undefined, undefined);
      done(error instanceof Error ? error : new Error('the passport strategy failed'), undefined);
    });
  };
}

/**
 * Resolves with what the strategy's verify callback accepted, `undefined` when the strategy
 * refused (no credentials, or the verify callback said `false`), rejects with what the verify
 * callback reported as an error.
 */
export type StrategyRunner<T> = (facade: StrategyFacade) => Promise<T | undefined>;

/**
 * @example
 * const passport = new Passport();
 * passport.use('basic', new BasicStrategy(verify));
 * const runBasic = strategyRunner<ClientRecord>(passport, 'basic');
 * const client = await runBasic({ headers: req.headers });
 */
export function strategyRunner<T>(passport: PassportAuthenticate, strategy: string): StrategyRunner<T> {
  const call = strategyCall<T>(passport, strategy);
  return (facade) =>
    new Promise((resolve, reject) => {
      call(facade, (error, result) => (error ? reject(error) : resolve(result)));
    });
}
