/**
 * Key rotation over HTTP (DESIGN.md "Rotation happens without a restart"): admin routes guarded by
 * a bearer check (`requireToken` with scope `clients:admin` unless told otherwise).
 *
 *   GET    <path>                   the keys that verify: kid, alg, status, activate_at, retire_at
 *   POST   <path>                   a generated key, {"alg"?, "activate"?}        → 201
 *   POST   <path>/rotate            a new signer, the old ones retiring, {"alg"?} → 201
 *   POST   <path>/:kid/activate     make a key the signer
 *   DELETE <path>/:kid              retire a key after the longest token lifetime
 *
 * It drives a `KeyAdministration`: a process's `Keyring` directly, or a shared key store through
 * `KeyringSync` (every instance, and the CLI, then see the change). No answer carries key material.
 */
import express from 'express';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { requireToken } from '../bearer';
import type { RevocationOptions } from '../bearer';
import { StoreUnavailableError } from '../clients/errors';
import { OAuthError, renderOAuthError } from '../errors';
import type { KeyAdministration, KeyDescription, SigningAlgorithm, VerificationKeySource } from '../keys';
import { KeyAdministrationError, Keyring, keyringAdministration, SIGNING_ALGORITHMS } from '../keys';

/** Builds the bearer check with `requireToken`. */
export interface KeyAdminAuthOptions extends Pick<RevocationOptions, 'isRevoked'> {
  /** The keys that verify admin tokens (normally the token router's keyring). */
  keys: VerificationKeySource;
  /** The `iss` admin tokens must carry. */
  issuer: string;
  /** The `aud` admin tokens must carry; the issuer by default. */
  audience?: string;
  /** The scope admin tokens must carry; `clients:admin` by default. */
  scope?: string;
}

export interface KeyAdminRouterOptions {
  /** What to administer: `sync.administration` (a shared store) or a `Keyring` (this process only). */
  keys: KeyAdministration | Keyring;
  /** With a `Keyring`: seconds a replaced key keeps verifying (the longest token lifetime + tolerance); 86460 by default. */
  retireAfterSeconds?: number;
  /** The bearer check run before every request (give this or `auth`). */
  protect?: RequestHandler;
  /** Builds `protect` with `requireToken` (give this or `protect`). */
  auth?: KeyAdminAuthOptions;
  /** Where the routes live inside the router; `/keys` by default. */
  path?: string;
}

/** A key on the wire: RFC 3339 dates, no key material. */
export interface KeyDescriptionResponse {
  kid: string;
  alg: SigningAlgorithm;
  status: KeyDescription['status'];
  activate_at?: string;
  retire_at?: string;
}

const ROUTE_PATH = /^\/[A-Za-z0-9._~/-]*$/;
const ADMIN_METHODS: readonly (keyof KeyAdministration)[] = ['list', 'add', 'activate', 'retire', 'rotate'];

function fail(option: string, rule: string): never {
  throw new TypeError(`keyAdminRouter: options.${option} ${rule}`);
}

function isAdministration(value: unknown): value is KeyAdministration {
  return typeof value === 'object' && value !== null && ADMIN_METHODS.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
}

function toResponse(key: KeyDescription): KeyDescriptionResponse {
  const body: KeyDescriptionResponse = { kid: key.kid, alg: key.alg, status: key.status };
  if (key.activateAt) body.activate_at = key.activateAt.toISOString();
  if (key.retireAt) body.retire_at = key.retireAt.toISOString();
  return body;
}

function toOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof KeyAdministrationError) {
    if (error.code === 'ERR_KEY_NOT_FOUND') return new OAuthError('not_found', 'No key has this kid.');
    return new OAuthError('invalid_request', `${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`);
  }
  if (error instanceof StoreUnavailableError) {
    return new OAuthError('temporarily_unavailable', 'The key store is unavailable; try again later.', { headers: { 'Retry-After': '5' } });
  }
  return new OAuthError('server_error', 'The server could not complete the request.');
}

const NOT_JSON = new OAuthError('invalid_request', 'The request body must be a JSON object.');

function readAddRequest(body: unknown, allowActivate: boolean): { alg?: SigningAlgorithm; activate?: boolean } {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw NOT_JSON;
  const { alg, activate, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw new OAuthError('invalid_request', `Unknown member ${/^[\w-]{1,40}$/.test(unknown) ? unknown : 'in the body'}.`);
  const request: { alg?: SigningAlgorithm; activate?: boolean } = {};
  if (alg !== undefined) {
    const known = SIGNING_ALGORITHMS.find((candidate) => candidate === alg);
    if (!known) throw new OAuthError('invalid_request', `alg must be one of ${SIGNING_ALGORITHMS.join(', ')}.`);
    request.alg = known;
  }
  if (activate !== undefined) {
    if (!allowActivate || typeof activate !== 'boolean') throw new OAuthError('invalid_request', 'activate must be a boolean.');
    request.activate = activate;
  }
  return request;
}

/**
 * @example
 * // one process:
 * app.use('/oauth2', keyAdminRouter({ keys: keyring, retireAfterSeconds: 660, auth: { keys: keyring, issuer } }));
 * // instances sharing a key store:
 * app.use('/oauth2', keyAdminRouter({ keys: sync.administration, auth: { keys: sync.keyring, issuer } }));
 * // POST /oauth2/keys/rotate   Authorization: Bearer <token with scope clients:admin, aud = issuer>
 */
export function keyAdminRouter(options: KeyAdminRouterOptions): Router {
  if (typeof options !== 'object' || options === null) throw new TypeError('keyAdminRouter: options must be an object');
  const admin = options.keys instanceof Keyring
    ? keyringAdministration(options.keys, { retireAfterSeconds: options.retireAfterSeconds })
    : options.keys;
  if (!isAdministration(admin)) fail('keys', 'must be a Keyring or a KeyAdministration');
  if (!(options.keys instanceof Keyring) && options.retireAfterSeconds !== undefined) {
    fail('retireAfterSeconds', 'applies to a Keyring only (a KeyAdministration has its own)');
  }
  if ((options.protect === undefined) === (options.auth === undefined)) fail('protect', 'or options.auth must be given, and not both');
  if (options.protect !== undefined && typeof options.protect !== 'function') fail('protect', 'must be an Express middleware');
  const path = options.path ?? '/keys';
  if (typeof path !== 'string' || !ROUTE_PATH.test(path)) fail('path', "must be a literal path starting with '/'");

  const protect =
    options.protect ??
    (() => {
      const auth = options.auth as KeyAdminAuthOptions;
      return requireToken({
        keys: auth.keys,
        issuer: auth.issuer,
        audience: auth.audience ?? auth.issuer,
        scope: auth.scope ?? 'clients:admin',
        ...(auth.isRevoked ? { isRevoked: auth.isRevoked } : {}),
      });
    })();
  const parseJson = express.json({ limit: '4kb', strict: true });

  const readJson: RequestHandler = (req, res, next) => {
    parseJson(req, res, (error?: unknown) => {
      if (error) renderOAuthError(res, NOT_JSON);
      else next();
    });
  };

  function answer(status: number, run: (req: Request) => Promise<object>): RequestHandler {
    return (req: Request, res: Response) => {
      run(req).then(
        (body) => res.status(status).set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json(body),
        (error: unknown) => renderOAuthError(res, toOAuthError(error)),
      );
    };
  }

  function kidOf(req: Request): string {
    const { kid } = req.params;
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > 256) throw new OAuthError('not_found', 'No key has this kid.');
    return kid;
  }

  const methodNotAllowed = (allow: string): RequestHandler => (_req, res) => {
    renderOAuthError(res, new OAuthError('method_not_allowed', `Use ${allow} on this resource.`, { headers: { Allow: allow } }));
  };
  const lastResort: ErrorRequestHandler = (_error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    renderOAuthError(res, undefined);
  };

  const base = path === '/' ? '' : path.replace(/\/$/, '');
  const router = express.Router();
  router
    .route(base || '/')
    .get(protect, answer(200, async () => ({ keys: (await admin.list()).map(toResponse) })))
    .post(protect, readJson, answer(201, async (req) => toResponse(await admin.add(readAddRequest(req.body, true)))))
    .all(methodNotAllowed('GET, POST'));
  router
    .route(`${base}/rotate`)
    .post(
      protect,
      readJson,
      answer(201, async (req) => {
        const { added, retiring } = await admin.rotate(readAddRequest(req.body, false));
        return { added: toResponse(added), retiring: retiring.map(toResponse) };
      }),
    )
    .all(methodNotAllowed('POST'));
  router
    .route(`${base}/:kid/activate`)
    .post(protect, answer(200, async (req) => toResponse(await admin.activate(kidOf(req)))))
    .all(methodNotAllowed('POST'));
  router
    .route(`${base}/:kid`)
    .delete(protect, answer(200, async (req) => toResponse(await admin.retire(kidOf(req)))))
    .all(methodNotAllowed('DELETE'));
  router.use(base || '/', lastResort);
  return router;
}
