/**
 * OAuth error type -> status, body and headers, in one place.
 *
 * RFC 6749 §5.2 (token endpoint errors), RFC 6750 §3 (bearer errors), RFC 7591 §3.2.2
 * (registration errors), RFC 8707 §2 (invalid_target). Every error a client can see is an
 * `OAuthError`; `renderOAuthError` is the only code that writes one to a response, and it never
 * writes a stack trace or an internal message.
 */
import type { Response } from 'express';
import { sendJsonText } from './json-response';

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_token_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_client_metadata'
  | 'not_found'
  | 'method_not_allowed'
  | 'too_many_requests'
  | 'temporarily_unavailable'
  | 'server_error';

const DEFAULT_STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_token_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  invalid_client_metadata: 400,
  not_found: 404,
  method_not_allowed: 405,
  too_many_requests: 429,
  temporarily_unavailable: 503,
  server_error: 500,
};

export interface OAuthErrorOptions {
  /** Overrides the status the code normally maps to. */
  status?: number;
  /** Extra response headers (`WWW-Authenticate`, `Allow`, `Retry-After`, …). */
  headers?: Record<string, string>;
}

/** An error a client is allowed to see: a stable OAuth code and a human description. */
export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly status: number;
  readonly description: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: OAuthErrorCode, description: string, options: OAuthErrorOptions = {}) {
    super(description);
    this.name = 'OAuthError';
    this.code = code;
    this.description = description;
    this.status = options.status ?? DEFAULT_STATUS[code];
    this.headers = options.headers ?? {};
  }

  /** The same error with more headers (e.g. a `WWW-Authenticate` challenge added by the caller). */
  withHeaders(headers: Record<string, string>): OAuthError {
    return new OAuthError(this.code, this.description, {
      status: this.status,
      headers: { ...this.headers, ...headers },
    });
  }
}

export function isOAuthError(value: unknown): value is OAuthError {
  return value instanceof OAuthError;
}

/** The JSON body of an error response; a profile may choose another shape. */
export type ErrorBodyFormat = (error: OAuthError) => Record<string, unknown>;

/** RFC 6749 §5.2: `{error, error_description}`. */
export const rfcErrorBody: ErrorBodyFormat = (error) => ({
  error: error.code,
  error_description: error.description,
});

/** Quotes a value for an auth-param (RFC 9110 §11.2); drops characters a quoted-string cannot hold. */
function quote(value: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${value.replace(/[\u0000-\u001f\u007f"\\]/g, '')}"`;
}

/** `Basic realm="…"` for an `invalid_client` answer to a client that tried Basic (RFC 6749 §5.2). */
export function basicChallenge(realm: string): string {
  return `Basic realm=${quote(realm)}`;
}

/**
 * `Bearer realm="…"[, error="…", error_description="…"][, scope="…"]` (RFC 6750 §3).
 * With no error, the challenge carries the realm only (a request with no credentials, §3.1).
 */
export function bearerChallenge(realm: string, error?: OAuthError, scope?: string): string {
  const params = [`realm=${quote(realm)}`];
  if (error) {
    params.push(`error=${quote(error.code)}`, `error_description=${quote(error.description)}`);
  }
  if (scope) params.push(`scope=${quote(scope)}`);
  return `Bearer ${params.join(', ')}`;
}

/**
 * The body in `format`, serialised; the RFC body when the format (a host's or a profile's
 * function) throws or gives something JSON cannot hold (a BigInt, a cycle, nothing).
 */
function errorJson(error: OAuthError, format: ErrorBodyFormat): string {
  if (format !== rfcErrorBody) {
    try {
      const json: unknown = JSON.stringify(format(error));
      if (typeof json === 'string') return json;
    } catch {
      // the RFC body below
    }
  }
  return JSON.stringify(rfcErrorBody(error));
}

/**
 * Writes an OAuth error: status, headers, `Cache-Control: no-store` and a JSON body.
 * Anything that is not an `OAuthError` becomes a bare `server_error` with no detail. A `format`
 * that throws, or whose body JSON cannot hold, gives the RFC 6749 §5.2 body instead: the answer is
 * still the error's, never a failure of its own.
 */
export function renderOAuthError(
  res: Response,
  error: unknown,
  format: ErrorBodyFormat = rfcErrorBody,
): void {
  const oauthError = isOAuthError(error)
    ? error
    : new OAuthError('server_error', 'The server could not complete the request.');
  if (res.headersSent) return;
  sendJsonText(res, oauthError.status, errorJson(oauthError, format), { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...oauthError.headers });
}
