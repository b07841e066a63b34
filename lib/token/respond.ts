/**
 * RFC 6749 §5.1 and §5.2 — writes token endpoint answers with the wire options' shapes: the
 * success body (only the profile's `responseFields`, in their order, when it names them) with
 * `Cache-Control: no-store` and `Pragma: no-cache`, and every error through
 * `renderOAuthError` (one module), after the profile's status override and extra headers.
 */
import type { Request, Response } from 'express';
import { isOAuthError, OAuthError, renderOAuthError } from '../errors';
import { sendJson } from '../json-response';
import { callHookSafely } from './hooks';
import type { TokenResponse } from './grants';
import type { ResponseWireOptions, TokenResponseField } from './wire';

const NO_STORE = Object.freeze({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });

export interface Responder {
  success(req: Request, res: Response, body: TokenResponse): void;
  /** Any other 200 answer of the router (introspection JSON; an empty revocation answer when `body` is absent). */
  ok(req: Request, res: Response, body?: object): void;
  /** Anything that is not an `OAuthError` is a bare `server_error`, never a message or a stack. */
  error(req: Request, res: Response, error: unknown): void;
}

/**
 * @example
 * const respond = responder(wire);
 * respond.success(req, res, { access_token, token_type: 'Bearer', expires_in: 600 });
 */
export function responder(wire: ResponseWireOptions): Responder {
  const { responseHeaders, errorStatus, responseFields } = wire;
  const { errorFormat } = wire;

  function extraHeaders(req: Request, res: Response): void {
    if (!responseHeaders) return;
    callHookSafely(() => {
      const headers = responseHeaders(req);
      if (headers) res.set(headers);
    });
  }

  return {
    success(req, res, body) {
      extraHeaders(req, res);
      sendJson(res, 200, responseFields ? pickFields(body, responseFields) : body, NO_STORE);
    },
    ok(req, res, body) {
      extraHeaders(req, res);
      if (body !== undefined) return sendJson(res, 200, body, NO_STORE);
      res.status(200).set(NO_STORE).end();
    },
    error(req, res, error) {
      extraHeaders(req, res);
      renderOAuthError(res, withProfileStatus(error, errorStatus), errorFormat);
    },
  };
}

/** The body with only `fields`, in their order (JSON keeps insertion order). */
function pickFields(body: TokenResponse, fields: readonly TokenResponseField[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const field of fields) if (body[field] !== undefined) picked[field] = body[field];
  return picked;
}

function withProfileStatus(error: unknown, errorStatus: ResponseWireOptions['errorStatus']): unknown {
  if (!errorStatus || !isOAuthError(error)) return error;
  let status: number | undefined;
  try {
    status = errorStatus(error);
  } catch {
    return error;
  }
  if (status === undefined || status === error.status || !Number.isInteger(status) || status < 400 || status > 599) {
    return error;
  }
  return new OAuthError(error.code, error.description, { status, headers: { ...error.headers } });
}
