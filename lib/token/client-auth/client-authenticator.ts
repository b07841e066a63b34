/**
 * RFC 6749 §2.3.1 — client authentication through Passport: `client_secret_basic` with
 * passport-http's `BasicStrategy` reading RFC 7617 credentials (`basic-strategy.ts`), `client_secret_post` (body, or query where a profile allows it)
 * with passport-oauth2-client-password's strategy.
 *
 * The strategies live on a PRIVATE `new Passport()` (never the global instance, no sessions), and
 * Passport runs against a facade that carries the request's headers and the collected parameters
 * as its `body` (`lib/passport-strategy-runner.ts`): whatever Passport sets on a request lands on
 * the facade, never on the host app's request. The carrier is decided before Passport runs, and
 * Passport runs the one strategy that applies.
 */
import type { Request } from 'express';
import { Passport } from 'passport';
import { Strategy as ClientPasswordStrategy } from 'passport-oauth2-client-password';
import type { ClientRecord, ClientStore } from '../../clients';
import type { AuthenticationFailureReason } from '../hooks';
import type { TokenRequestParameters } from '../request/parameters';
import type { CredentialCarrier } from '../wire';
import { formDecode, readBasicClientId } from './basic-credentials';
import { ClientBasicStrategy } from './basic-strategy';
import { carrierDecider } from './carrier';
import { clientVerifier } from './verify-client';
import type { StrategyFacade } from '../../passport-strategy-runner';
import { strategyRunner } from '../../passport-strategy-runner';

export type ClientAuthentication =
  | { ok: true; client: ClientRecord }
  | {
      ok: false;
      reason: AuthenticationFailureReason;
      /** The client id the request claimed, if any. */
      clientId: string | undefined;
      /** Answer with `WWW-Authenticate: Basic realm="…"`. */
      challenge: boolean;
    };

export interface ClientAuthenticatorOptions {
  clients: ClientStore;
  storeTimeoutMs: number;
  credentialCarriers: readonly CredentialCarrier[];
}

export interface ClientAuthenticationInput {
  parameters: TokenRequestParameters;
  /** Whether the raw query string carried `client_id` or `client_secret`. */
  credentialsInQuery: boolean;
}

/**
 * Authenticates the client of a token request. Throws `invalid_request` (`OAuthError`) when the
 * request carries credentials by two methods or in a refused place; rejects with
 * `StoreUnavailableError` when the store fails or does not answer in time.
 */
export type ClientAuthenticator = (req: Request, input: ClientAuthenticationInput) => Promise<ClientAuthentication>;

type Done = (error: unknown, client?: ClientRecord | false) => void;
interface Failure {
  reason: AuthenticationFailureReason;
  clientId: string | undefined;
}

/**
 * @example
 * const authenticate = clientAuthenticator({ clients, storeTimeoutMs: 5000, credentialCarriers: ['basic', 'body'] });
 * const result = await authenticate(req, { parameters, credentialsInQuery: false });
 * if (result.ok) issueTokenFor(result.client);
 */
export function clientAuthenticator(options: ClientAuthenticatorOptions): ClientAuthenticator {
  const decideCarrier = carrierDecider(options.credentialCarriers);
  const verifyClient = clientVerifier(options.clients, options.storeTimeoutMs);
  /** Why the verify callback refused a facade request (Passport's `fail` carries no reason). */
  const failures = new WeakMap<object, Failure>();

  function verify(req: Request, clientId: string, secret: string, done: Done): void {
    verifyClient(clientId, secret).then(
      (result) => {
        if (result.ok) return done(null, result.client);
        failures.set(req, { reason: result.reason, clientId });
        done(null, false);
      },
      (error: unknown) => done(error),
    );
  }

  const passport = new Passport();
  passport.use(
    'basic',
    new ClientBasicStrategy((req, encodedId, encodedSecret, done: Done) => {
      const clientId = formDecode(encodedId);
      const secret = formDecode(encodedSecret);
      if (clientId === undefined || secret === undefined) {
        failures.set(req, { reason: 'malformed', clientId });
        return done(null, false);
      }
      verify(req, clientId, secret, done);
    }),
  );
  passport.use(
    'oauth2-client-password',
    new ClientPasswordStrategy({ passReqToCallback: true }, (req, clientId, secret, done) => verify(req, clientId, secret, done)),
  );

  const runBasic = strategyRunner<ClientRecord>(passport, 'basic');
  const runClientPassword = strategyRunner<ClientRecord>(passport, 'oauth2-client-password');

  return async (req, { parameters, credentialsInQuery }) => {
    const decision = decideCarrier({ authorization: req.headers.authorization, parameters, credentialsInQuery });
    if (decision.method === 'none') {
      return { ok: false, reason: 'malformed', clientId: decision.clientId, challenge: decision.challenge };
    }
    const facade: StrategyFacade = {
      headers: req.headers,
      body: { client_id: parameters.get('client_id'), client_secret: parameters.get('client_secret') },
    };
    const client = await (decision.method === 'basic' ? runBasic : runClientPassword)(facade);
    if (client) return { ok: true, client };
    const failure = failures.get(facade);
    const claimedId =
      failure?.clientId ??
      (decision.method === 'basic' ? readBasicClientId(req.headers.authorization ?? '') : decision.clientId);
    return { ok: false, reason: failure?.reason ?? 'malformed', clientId: claimedId, challenge: decision.method === 'basic' };
  };
}

