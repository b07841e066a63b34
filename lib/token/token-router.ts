/**
 * The token endpoint (RFC 6749 §3.2, §4.4, §5): a mountable Express router. Mounted at `/oauth2`
 * it serves `POST /oauth2/token`; with `tokenState` also `POST /oauth2/revoke` (RFC 7009) and
 * `POST /oauth2/introspect` (RFC 7662), and the `refresh_token` grant (RFC 6749 §6). Any other
 * method on those paths is 405 with `Allow: POST`.
 *
 * One request goes: required headers → body (parsers private to the router) → parameters →
 * `grant_type` → the brute-force check (lib/hardening: 429 before any store call or hash) → client
 * authentication (a private Passport) → the grant → the response. The
 * revocation and introspection endpoints share every step but the grant. Every failure on the way
 * is an `OAuthError` rendered here, inside the router: nothing reaches the host app's error
 * handler, nothing touches its passport or body parsers. Everything that does not depend on the
 * request (parsers, grant map, error answers, challenge) is built once, below.
 */
import { Router } from 'express';
import type { ErrorRequestHandler, Request, RequestHandler, Response, Router as ExpressRouter } from 'express';
import type { ClientRecord } from '../clients';
import { StoreUnavailableError } from '../clients';
import { basicChallenge, OAuthError, renderOAuthError } from '../errors';
import { SigningPoolError } from '../keys';
import type { AuthenticationAttempt } from '../hardening/brute-force';
import { bruteForceGuard } from '../hardening/brute-force';
import { describeErrorForLog, log, loggableClientId } from '../logging';
import { audienceResolver } from './audience';
import { isBasicAuthorization, readBasicClientId } from './client-auth/basic-credentials';
import { clientAuthenticator } from './client-auth/client-authenticator';
import { usageRecorder } from './client-auth/usage-recorder';
import { buildGrants } from './grants';
import type { AuthenticationFailedEvent, TokenIssuedEvent } from './hooks';
import { callHookSafely } from './hooks';
import { tokenIntrospector } from './introspect';
import { accessTokenIssuer } from './issue-access-token';
import type { TokenRouterConfig, TokenRouterOptions } from './options';
import { resolveTokenRouterOptions } from './options';
import { refreshTokenService } from './refresh-tokens';
import { createBodyReader } from './request/body';
import type { TokenRequestParameters } from './request/parameters';
import { collectParameters, CREDENTIAL_PARAMETERS, queryOf } from './request/parameters';
import { responder } from './respond';
import { tokenRevoker } from './revoke';
import { tokenLookup } from './token-lookup';

/** Seconds a client should wait after a 503 before retrying. */
const RETRY_AFTER_SECONDS = '5';

/** The router, with the resolved configuration it serves (for `authorizationServerMetadataFor`). */
export type TokenRouter = ExpressRouter & { readonly config: TokenRouterConfig };

/** What a client-authenticated endpoint other than the token endpoint does; `undefined` answers an empty 200. */
type ClientOperation = (client: ClientRecord, parameters: TokenRequestParameters) => Promise<object | undefined>;

function methodNotAllowed(endpoint: string): OAuthError {
  return new OAuthError('method_not_allowed', `The ${endpoint} endpoint accepts POST only.`, { headers: { Allow: 'POST' } });
}

/**
 * The token endpoint as an Express router. Options are validated here, once: a bad one throws a
 * `TypeError` that names it.
 *
 * @example
 * const keys = await Keyring.generate('RS256');
 * app.use('/oauth2', tokenRouter({ clients: new MemoryClientStore(), keys, issuer: 'https://auth.example' }));
 * // POST /oauth2/token  grant_type=client_credentials, Basic client credentials
 */
export function tokenRouter(options: TokenRouterOptions): TokenRouter {
  const config = resolveTokenRouterOptions(options);
  const { wire, hooks } = config;

  const readBody = createBodyReader({ formats: wire.bodyFormats, limit: config.bodyLimit });
  const parameterRules = {
    readQuery: wire.credentialCarriers.includes('query'),
    allowRepeated: wire.allowRepeatedParameters,
  };
  const authenticateClient = clientAuthenticator({
    clients: config.clients,
    storeTimeoutMs: config.storeTimeoutMs,
    credentialCarriers: wire.credentialCarriers,
  });
  const recordUse = usageRecorder(config.clients);
  const bruteForce = config.bruteForce ? bruteForceGuard(config.bruteForce, config.logger) : undefined;
  const issueAccessToken = accessTokenIssuer({
    issuer: config.issuer,
    keys: config.keys,
    ...(config.signingPool ? { signingPool: config.signingPool } : {}),
    defaultTtl: config.accessTokenTtl,
    maxTtl: config.maxAccessTokenTtl,
    shape: wire,
    ...(hooks.onTokenIssued ? { onIssued: (event: TokenIssuedEvent) => callHookSafely(() => hooks.onTokenIssued?.(event)) } : {}),
  });
  const audienceFor = audienceResolver({ parameters: wire.audienceParameters, defaultAudience: config.defaultAudience });
  const refreshTokens = config.tokenState
    ? refreshTokenService({
        store: config.tokenState,
        defaultTtl: config.refreshTokenTtl,
        maxTtl: config.maxRefreshTokenTtl,
        storeTimeoutMs: config.storeTimeoutMs,
      })
    : undefined;
  const grants = buildGrants(config.grantTypes, {
    issueAccessToken,
    audienceFor,
    wire,
    ...(refreshTokens && config.grantTypes.includes('refresh_token') ? { refreshTokens } : {}),
  });
  const respond = responder(wire);

  const invalidClient = new OAuthError('invalid_client', 'Client authentication failed.');
  const invalidClientWithChallenge = invalidClient.withHeaders({ 'WWW-Authenticate': basicChallenge(config.realm) });
  const unavailable = new OAuthError('temporarily_unavailable', 'The service is temporarily unavailable; retry later.', {
    headers: { 'Retry-After': RETRY_AFTER_SECONDS },
  });
  const missingGrantType = new OAuthError('invalid_request', 'The grant_type parameter is required.');
  const unsupportedGrantType = new OAuthError('unsupported_grant_type', 'The grant type is not supported.');
  const unauthorizedClient = new OAuthError('unauthorized_client', 'The client is not allowed to use this grant type.');
  const missingHeaders = new Map(
    wire.requiredHeaders.map((name) => [name, new OAuthError('invalid_request', `The ${name} header is required.`)]),
  );

  function checkHeaders(req: Request): void {
    for (const [name, error] of missingHeaders) if (req.headers[name] === undefined) throw error;
    const refusal = wire.validateRequest?.(req);
    if (refusal) throw refusal;
  }

  function authenticationFailed(req: Request, reason: AuthenticationFailedEvent['reason'], clientId: string | undefined): void {
    const event: AuthenticationFailedEvent = clientId === undefined ? { reason, ip: req.ip } : { clientId, reason, ip: req.ip };
    callHookSafely(() => hooks.onAuthenticationFailed?.(event));
    const fields = { event: 'oauth.client_authentication_failed', reason, ip: req.ip, path: loggedPath(req) };
    log(config.logger, 'warn', clientId === undefined ? fields : { ...fields, clientId: loggableClientId(clientId) }, 'client authentication failed');
  }

  /** What the brute-force limiter counts: the client id the request claims (read before authenticating) and `req.ip`. */
  function attemptOf(req: Request, { parameters, ip }: ReadRequest): AuthenticationAttempt {
    const { authorization } = req.headers;
    const clientId = isBasicAuthorization(authorization) ? readBasicClientId(authorization) : parameters.get('client_id');
    return { clientId, ip: ip ?? 'unknown' };
  }

  interface ReadRequest {
    parameters: TokenRequestParameters;
    query: URLSearchParams | undefined;
    /** `req.ip`, read once (Express works it out from the socket and `trust proxy` on every read). */
    ip: string | undefined;
  }

  async function readRequest(req: Request, res: Response): Promise<ReadRequest> {
    checkHeaders(req);
    const body = await readBody(req, res);
    const query = queryOf(req.url);
    return { parameters: collectParameters(body, query, parameterRules), query, ip: req.ip };
  }

  /** The authenticated client, or `undefined` after answering `invalid_client`. */
  async function authenticatedClient(req: Request, res: Response, request: ReadRequest): Promise<ClientRecord | undefined> {
    const { parameters, query } = request;
    const credentialsInQuery = query !== undefined && CREDENTIAL_PARAMETERS.some((name) => query.has(name));
    const attempt = attemptOf(req, request);
    // Before the store or a hash is touched: a blocked attempt is the cheapest answer (429).
    const admission = await bruteForce?.admit(attempt);
    const authentication = await authenticateClient(req, { parameters, credentialsInQuery });
    if (!authentication.ok) {
      await bruteForce?.failed(attempt);
      authenticationFailed(req, authentication.reason, authentication.clientId);
      respond.error(req, res, authentication.challenge ? invalidClientWithChallenge : invalidClient);
      return undefined;
    }
    if (admission) bruteForce?.succeeded(attempt, admission);
    recordUse(authentication.client.clientId);
    return authentication.client;
  }

  function fail(req: Request, res: Response, error: unknown): void {
    if (error instanceof StoreUnavailableError) {
      const fields = { event: 'oauth.store_unavailable', ip: req.ip, path: loggedPath(req), error: describeErrorForLog(error) };
      log(config.logger, 'error', fields, 'a store failed or did not answer in time: 503');
      return respond.error(req, res, unavailable);
    }
    if (error instanceof SigningPoolError) {
      const fields = { event: 'oauth.signing_unavailable', code: error.code, ip: req.ip, path: loggedPath(req) };
      log(config.logger, 'error', fields, `the signing pool could not sign (${error.code}): 503`);
      return respond.error(req, res, unavailable);
    }
    respond.error(req, res, error);
  }

  const handleTokenRequest = async (req: Request, res: Response): Promise<void> => {
    try {
      const request = await readRequest(req, res);
      const { parameters } = request;
      const grantType = parameters.get('grant_type');
      if (grantType === undefined) throw missingGrantType;
      const grant = grants.get(grantType);
      if (!grant) throw unsupportedGrantType;

      const client = await authenticatedClient(req, res, request);
      if (!client) return;
      if (!(client.grantTypes as readonly string[]).includes(grant.type)) throw unauthorizedClient;

      const answer = await grant.handle({ client, parameters, ip: request.ip, req });
      answerOnNextTurn(req, res, () => respond.success(req, res, answer));
    } catch (error) {
      fail(req, res, error);
    }
  };

  /**
   * Writes a 200 answer on the next turn of the event loop (`setImmediate`) rather than at once:
   * under load the requests read in one poll phase are then answered together, which served
   * 2–18 % more tokens per second in the benchmark (bench/README.md). Refusals go out at once. An
   * answer the host app has already sent (its own timeout, say) is left alone.
   */
  function answerOnNextTurn(req: Request, res: Response, answer: () => void): void {
    setImmediate(() => {
      if (res.headersSent) return;
      try {
        answer();
      } catch (error) {
        fail(req, res, error);
      }
    });
  }

  /** RFC 7009 §2.1 and RFC 7662 §2.1: client authentication as at the token endpoint, then the operation. */
  function clientEndpoint(operation: ClientOperation): RequestHandler {
    return async (req, res) => {
      try {
        const request = await readRequest(req, res);
        const client = await authenticatedClient(req, res, request);
        if (!client) return;
        const body = await operation(client, request.parameters);
        answerOnNextTurn(req, res, () => respond.ok(req, res, body));
      } catch (error) {
        fail(req, res, error);
      }
    };
  }

  const refuseMethod = (endpoint: string): RequestHandler => {
    const error = methodNotAllowed(endpoint);
    return (req, res) => respond.error(req, res, error);
  };
  /** A last guard: nothing the route does should get here, and nothing goes on to the host app. */
  const lastResort: ErrorRequestHandler = (_error, _req, res, _next) => renderOAuthError(res, undefined);

  const router = Router();
  router.route(config.path).post(handleTokenRequest).all(refuseMethod('token'));
  router.use(config.path, lastResort);

  if (config.tokenState && refreshTokens) {
    const { tokenState, revocations, storeTimeoutMs } = config;
    const findToken = tokenLookup({ keys: config.keys, issuer: config.issuer, tokenType: wire.tokenType, refreshTokens });
    if (config.revocationPath !== undefined) {
      const revoke = tokenRevoker({ findToken, tokenState, revocations, refreshTokens, storeTimeoutMs });
      router
        .route(config.revocationPath)
        .post(clientEndpoint(async (client, parameters) => revoke(client, parameters).then(() => undefined)))
        .all(refuseMethod('revocation'));
      router.use(config.revocationPath, lastResort);
    }
    if (config.introspectionPath !== undefined) {
      const introspect = tokenIntrospector({
        findToken,
        tokenState,
        revocations,
        issuer: config.issuer,
        introspectionScope: config.introspectionScope,
        accessTokenType: wire.responseTokenType,
        storeTimeoutMs,
      });
      router.route(config.introspectionPath).post(clientEndpoint(introspect)).all(refuseMethod('introspection'));
      router.use(config.introspectionPath, lastResort);
    }
  }
  return Object.assign(router, { config });
}

/** The request's path as it goes into a log line: never its query, which may carry credentials. */
function loggedPath(req: Request): string | undefined {
  return req.originalUrl.split('?')[0];
}
