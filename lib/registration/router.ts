/**
 * The client registration and management API — RFC 7591 §3 (dynamic registration: `POST
 * /register`) and RFC 7592 §2 (read, replace and delete: `GET|PUT|DELETE /register/:client_id`),
 * plus `POST /register/:client_id/secret`, which rotates a client's secret.
 *
 * Unlike RFC 7592's per-client registration access tokens, every route is guarded by one bearer
 * check (`protect`, normally `requireToken` with scope `clients:admin` and this server's issuer as
 * audience): the API is an administrator's tool. Every answer is JSON with `Cache-Control:
 * no-store`; no answer ever carries a secret hash, and a secret only in the answer that created it.
 */
import express from 'express';
import type { ErrorRequestHandler, Request, RequestHandler, Response, Router } from 'express';
import type { ClientRecord } from '../clients';
import { ClientStoreError, clientStoreWithDeadline, isPossibleClientId, verifySecret } from '../clients';
import { requireToken } from '../bearer';
import { OAuthError, renderOAuthError } from '../errors';
import { describeErrorForLog, log } from '../logging';
import { jsonBody } from './json-body';
import type { ClientMetadata, RegisteredClientMetadata } from './metadata';
import { InvalidClientMetadataError, clientToMetadata, validateClientMetadata } from './metadata';
import { registerClient, replaceClientMetadata, rotateClientSecret } from './operations';
import type { ClientChangedEvent, RegistrationRouterOptions, ResolvedRegistrationOptions } from './options';
import { resolveRegistrationOptions } from './options';

/** The 201 answer of RFC 7591 §3.2.1. */
export interface ClientInformationResponse extends RegisteredClientMetadata {
  client_secret: string;
  client_secret_expires_at: 0;
}

/** The answer of `POST /register/:client_id/secret`. */
export interface SecretRotationResponse {
  client_id: string;
  client_secret: string;
  client_secret_expires_at: 0;
  /** Seconds since the epoch until which the previous secret still works; absent without a grace period. */
  previous_client_secret_expires_at?: number;
}

/** Record field -> metadata field, for a store that refuses a record. */
const METADATA_FIELD: Record<string, string> = {
  name: 'client_name',
  scopes: 'scope',
  audiences: 'audience',
  grantTypes: 'grant_types',
  accessTokenTtl: 'access_token_ttl',
  refreshTokenTtl: 'refresh_token_ttl',
};

/**
 * RFC 7591 §3.2.2: `error_description` is ASCII text. A metadata message may quote what the client
 * sent (any Unicode, control characters) and names RFC sections with `§`: both are made ASCII here.
 */
function asciiDescription(message: string): string {
  return message.replace(/§/g, 'section ').replace(/[^\x20-\x7e]/g, '?');
}

/** Any failure -> the OAuth error a caller may see. */
function toOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof InvalidClientMetadataError) return new OAuthError('invalid_client_metadata', asciiDescription(error.message));
  // Express could not percent-decode `:client_id` (`/register/%ZZ`): a malformed request, not a server fault.
  if (error instanceof URIError) return new OAuthError('invalid_request', 'The request path is not valid percent-encoded UTF-8.');
  if (error instanceof ClientStoreError) {
    switch (error.code) {
      case 'ERR_STORE_UNAVAILABLE':
        return new OAuthError('temporarily_unavailable', 'The client registry is unavailable; try again later.');
      case 'ERR_INVALID_CLIENT_RECORD': {
        const field = 'field' in error && typeof error.field === 'string' ? error.field : '';
        return new OAuthError('invalid_client_metadata', `${METADATA_FIELD[field] ?? 'the client metadata'} was refused by the registry`);
      }
      case 'ERR_DUPLICATE_CLIENT':
        return new OAuthError('invalid_request', 'A client with this client_id already exists.');
    }
  }
  return new OAuthError('server_error', 'The server could not complete the request.');
}

function notFound(): OAuthError {
  return new OAuthError('not_found', 'No client is registered with this client_id.');
}

function methodNotAllowed(allow: string): RequestHandler {
  return (_req, res) => {
    renderOAuthError(res, new OAuthError('method_not_allowed', `Use ${allow} on this resource.`, { headers: { Allow: allow } }));
  };
}

function sendJson(res: Response, status: number, body: object): void {
  res.status(status).set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json(body);
}

/** The request body as an object, or an `invalid_request` error. */
function bodyObject(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OAuthError('invalid_request', 'The request body must be a JSON object of client metadata.');
  }
  return body as Record<string, unknown>;
}

function ownField(body: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(body, name) ? body[name] : undefined;
}

/** The `:client_id` of the path, or a 404 for one no client could have. */
function pathClientId(req: Request): string {
  const clientId = req.params.client_id;
  if (!isPossibleClientId(clientId)) throw notFound();
  return clientId;
}

function buildProtect(options: ResolvedRegistrationOptions): RequestHandler {
  if (options.protect) return options.protect;
  const auth = options.auth;
  if (!auth) throw new TypeError('registrationRouter: options.protect or options.auth must be given');
  return requireToken({
    keys: auth.keys,
    issuer: auth.issuer,
    audience: auth.audience,
    scope: auth.scope,
    ...(auth.realm === undefined ? {} : { realm: auth.realm }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}

/**
 * The registration API, to mount where the token router lives.
 *
 * @example
 * app.use('/oauth2', registrationRouter({
 *   clients: store,
 *   auth: { keys: keyring, issuer: 'https://auth.example.com' }, // scope clients:admin, audience = issuer
 * }));
 * // POST /oauth2/register {"client_name":"billing","scope":"disburse"} -> 201 {client_id, client_secret, …}
 */
export function registrationRouter(options: RegistrationRouterOptions): Router {
  const resolved = resolveRegistrationOptions(options);
  const { limits, defaultRefreshTokenTtl, secretRotationGraceSeconds } = resolved;
  // Every call to the host's store is bounded: a hang or an untyped failure is a 503, never a 500 or a hung request.
  const store = clientStoreWithDeadline(resolved.clients, resolved.storeTimeoutMs);
  const protect = buildProtect(resolved);
  const parseJson = jsonBody(resolved.bodyLimit);
  const view = (client: ClientRecord): RegisteredClientMetadata => clientToMetadata(client, { defaultRefreshTokenTtl });

  const notify = (type: ClientChangedEvent['type'], clientId: string): void => {
    log(resolved.logger, 'info', { event: `oauth.client_${type}`, clientId }, `client ${type.replace('_', ' ')}`);
    const listener = resolved.onClientChanged;
    if (!listener) return;
    try {
      const result = listener({ type, clientId });
      if (result instanceof Promise) result.catch(() => undefined);
    } catch {
      // The host's listener must not turn a completed change into an error.
    }
  };

  /** Runs a handler; whatever it throws is rendered as an OAuth error, never passed on. */
  const handle =
    (handler: (req: Request, res: Response) => Promise<void>): RequestHandler =>
    (req, res) => {
      handler(req, res).catch((error: unknown) => {
        const answer = toOAuthError(error);
        if (answer.status >= 500) {
          const fields = { event: 'oauth.registration_failed', code: answer.code, method: req.method, error: describeErrorForLog(error) };
          log(resolved.logger, 'error', fields, `the registration API answered ${answer.status}`);
        }
        renderOAuthError(res, answer);
      });
    };

  const router = express.Router();
  router.use('/register', protect);

  // RFC 7591 §3.1 -> §3.2.1
  router.post(
    '/register',
    parseJson,
    handle(async (req, res) => {
      const metadata: ClientMetadata = validateClientMetadata(bodyObject(req), limits);
      const { client, clientSecret } = await registerClient(store, metadata);
      if (clientSecret === undefined) throw new OAuthError('server_error', 'The server could not complete the request.');
      const response: ClientInformationResponse = {
        ...view(client),
        client_secret: clientSecret,
        client_secret_expires_at: 0,
      };
      notify('created', client.clientId);
      res.location(`${req.baseUrl}/register/${encodeURIComponent(client.clientId)}`);
      sendJson(res, 201, response);
    }),
  );
  router.all('/register', methodNotAllowed('POST'));

  // RFC 7592 §2.1
  router.get(
    '/register/:client_id',
    handle(async (req, res) => {
      const client = await store.findByClientId(pathClientId(req));
      if (client === null) throw notFound();
      sendJson(res, 200, view(client));
    }),
  );

  // RFC 7592 §2.2
  router.put(
    '/register/:client_id',
    parseJson,
    handle(async (req, res) => {
      const clientId = pathClientId(req);
      const body = bodyObject(req);
      const bodyClientId = ownField(body, 'client_id');
      if (bodyClientId !== undefined && bodyClientId !== clientId) {
        throw new OAuthError('invalid_request', 'client_id in the body must match the client_id in the path.');
      }
      const metadata = validateClientMetadata(body, limits);
      const presentedSecret = ownField(body, 'client_secret');
      if (presentedSecret !== undefined) {
        const current = await store.findByClientId(clientId);
        if (current === null) throw notFound();
        if (typeof presentedSecret !== 'string' || !(await verifySecret(presentedSecret, current.secretHash))) {
          throw new OAuthError(
            'invalid_request',
            'client_secret cannot be set here; rotate it with POST /register/{client_id}/secret.',
          );
        }
      }
      const client = await replaceClientMetadata(store, clientId, metadata);
      if (client === null) throw notFound();
      notify('updated', clientId);
      sendJson(res, 200, view(client));
    }),
  );

  // RFC 7592 §2.3
  router.delete(
    '/register/:client_id',
    handle(async (req, res) => {
      const clientId = pathClientId(req);
      if (!(await store.delete(clientId))) throw notFound();
      notify('deleted', clientId);
      res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).status(204).end();
    }),
  );
  router.all('/register/:client_id', methodNotAllowed('GET, PUT, DELETE'));

  router.post(
    '/register/:client_id/secret',
    handle(async (req, res) => {
      const rotated = await rotateClientSecret(store, pathClientId(req), secretRotationGraceSeconds);
      if (rotated === null) throw notFound();
      const response: SecretRotationResponse = {
        client_id: rotated.client.clientId,
        client_secret: rotated.clientSecret,
        client_secret_expires_at: 0,
      };
      if (rotated.previousSecretExpiresAt) {
        response.previous_client_secret_expires_at = Math.floor(rotated.previousSecretExpiresAt.getTime() / 1000);
      }
      notify('secret_rotated', rotated.client.clientId);
      sendJson(res, 200, response);
    }),
  );
  router.all('/register/:client_id/secret', methodNotAllowed('POST'));

  // A path under /register that no route above knows (`/register//secret`, `/register/a/b`): the
  // API's own 404, in JSON, rather than the host app's.
  router.use('/register', (_req, res) => {
    renderOAuthError(res, new OAuthError('not_found', 'No such resource in the client registration API.'));
  });
  // Whatever `protect` or a parser passes on ends here, as an OAuth error.
  const renderErrors: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    renderOAuthError(res, toOAuthError(error));
  };
  router.use('/register', renderErrors);
  return router;
}
