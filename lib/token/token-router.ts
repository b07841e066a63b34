/**
 * The token endpoint (RFC 6749 §3.2, §4.4, §5): a mountable Express router. Mounted at `/oauth2`
 * it serves `POST /oauth2/token`; any other method on that path is 405 with `Allow: POST`.
 *
 * One request goes: required headers → body (parsers private to the router) → parameters →
 * `grant_type` → client authentication (a private Passport) → the grant → the response. Every
 * failure on the way is an `OAuthError` rendered here, inside the router: nothing reaches the
 * host app's error handler, nothing touches its passport or body parsers. Everything that does
 * not depend on the request (parsers, grant map, error answers, challenge) is built once, below.
 */
import { Router } from 'express';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { StoreUnavailableError } from '../clients';
import { basicChallenge, OAuthError, renderOAuthError } from '../errors';
import { audienceResolver } from './audience';
import { clientAuthenticator } from './client-auth/client-authenticator';
import { usageRecorder } from './client-auth/usage-recorder';
import { buildGrants } from './grants';
import type { AuthenticationFailedEvent } from './hooks';
import { callHookSafely } from './hooks';
import { accessTokenIssuer } from './issue-access-token';
import type { TokenRouterOptions } from './options';
import { resolveTokenRouterOptions } from './options';
import { createBodyReader } from './request/body';
import { collectParameters, CREDENTIAL_PARAMETERS, queryOf } from './request/parameters';
import { responder } from './respond';

/** Seconds a client should wait after a 503 before retrying. */
const RETRY_AFTER_SECONDS = '5';

/**
 * The token endpoint as an Express router. Options are validated here, once: a bad one throws a
 * `TypeError` that names it.
 *
 * @example
 * const keys = await Keyring.generate('RS256');
 * app.use('/oauth2', tokenRouter({ clients: new MemoryClientStore(), keys, issuer: 'https://auth.example' }));
 * // POST /oauth2/token  grant_type=client_credentials, Basic client credentials
 */
export function tokenRouter(options: TokenRouterOptions): Router {
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
  const issueAccessToken = accessTokenIssuer({
    issuer: config.issuer,
    keys: config.keys,
    defaultTtl: config.accessTokenTtl,
    maxTtl: config.maxAccessTokenTtl,
    shape: wire,
    onIssued: (event) => callHookSafely(() => hooks.onTokenIssued?.(event)),
  });
  const audienceFor = audienceResolver({ parameters: wire.audienceParameters, defaultAudience: config.defaultAudience });
  const grants = buildGrants(config.grantTypes, { issueAccessToken, audienceFor, wire });
  const respond = responder(wire);

  const invalidClient = new OAuthError('invalid_client', 'Client authentication failed.');
  const invalidClientWithChallenge = invalidClient.withHeaders({ 'WWW-Authenticate': basicChallenge(config.realm) });
  const unavailable = new OAuthError('temporarily_unavailable', 'The service is temporarily unavailable; retry later.', {
    headers: { 'Retry-After': RETRY_AFTER_SECONDS },
  });
  const methodNotAllowed = new OAuthError('method_not_allowed', 'The token endpoint accepts POST only.', {
    headers: { Allow: 'POST' },
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
  }

  const handleTokenRequest = async (req: Request, res: Response): Promise<void> => {
    try {
      checkHeaders(req);
      const body = await readBody(req, res);
      const query = queryOf(req.url);
      const parameters = collectParameters(body, query, parameterRules);

      const grantType = parameters.get('grant_type');
      if (grantType === undefined) throw missingGrantType;
      const grant = grants.get(grantType);
      if (!grant) throw unsupportedGrantType;

      const credentialsInQuery = query !== undefined && CREDENTIAL_PARAMETERS.some((name) => query.has(name));
      const authentication = await authenticateClient(req, res, { parameters, credentialsInQuery });
      if (!authentication.ok) {
        authenticationFailed(req, authentication.reason, authentication.clientId);
        respond.error(req, res, authentication.challenge ? invalidClientWithChallenge : invalidClient);
        return;
      }
      const { client } = authentication;
      recordUse(client.clientId);
      if (!(client.grantTypes as readonly string[]).includes(grant.type)) throw unauthorizedClient;

      respond.success(req, res, await grant.handle({ client, parameters, ip: req.ip, req }));
    } catch (error) {
      respond.error(req, res, error instanceof StoreUnavailableError ? unavailable : error);
    }
  };

  const refuseMethod: RequestHandler = (req, res) => respond.error(req, res, methodNotAllowed);
  /** A last guard: nothing the route does should get here, and nothing goes on to the host app. */
  const lastResort: ErrorRequestHandler = (_error, _req, res, _next) => renderOAuthError(res, undefined);

  const router = Router();
  router.route(config.path).post(handleTokenRequest).all(refuseMethod);
  router.use(config.path, lastResort);
  return router;
}
