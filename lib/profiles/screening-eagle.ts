/**
 * Screening Eagle ID — seed `004_65d3b60d6fe58fb6.txt` (`POST /api/id/v1/auth/token`).
 *
 * > The client must provide its client ID and client secret in the Authorization header, using the Basic authentication scheme.
 * > The request body must include the grant_type as client_credentials, and a scope parameter that
 * > defines the permissions being requested. … they should be space-separated.
 * > Body (application/x-www-form-urlencoded, required) — grant_type: [client_credentials, authorization_code]; scope.
 * > 200: { "scope": "openid email profile inspect", "token_type": "Bearer", "access_token": "…",
 * >        "expires_in": 604800, "id_token": "…", "refresh_token": "…" }
 * > 400 … required parameters are missing or invalid. 401 … credentials … not provided or invalid.
 * > 403 … The client does not have permission to perform this action.
 * > Errors: { "error": "…", "errorDescription": "…" } — "A code representing the specific error".
 *
 * So: Basic only (credentials in the body are an authentication failure, 401); form bodies only;
 * `scope` required (missing or malformed: 400 `invalid_scope`); the response fields in the seed's
 * order, with `refresh_token` where the client has that grant (no `id_token`: no OpenID here);
 * every error as `{error, errorDescription}` with the OAuth code as `error`; 403 for a client that
 * asks for a grant (`unauthorized_client`) or a scope (`invalid_scope`) it is not allowed. The seed
 * has no audience parameter: tokens carry the client's registered audiences.
 */
import type { ErrorBodyFormat, OAuthError } from '../errors';
import { ScopeNotAllowedError } from '../token';
import { defineProfile } from './profile';

/**
 * `{error, errorDescription}`: the error body of every Screening Eagle answer.
 *
 * @example
 * screeningEagleErrorBody(new OAuthError('invalid_client', 'Client authentication failed.'));
 * // { error: 'invalid_client', errorDescription: 'Client authentication failed.' }
 */
export const screeningEagleErrorBody: ErrorBodyFormat = (error) => ({ error: error.code, errorDescription: error.description });

/**
 * 403 for a permission refusal: a grant or a (well-formed) scope the client is not allowed.
 *
 * @example
 * screeningEagleErrorStatus(new ScopeNotAllowedError('inspect')); // 403
 */
export function screeningEagleErrorStatus(error: OAuthError): number | undefined {
  return error.code === 'unauthorized_client' || error instanceof ScopeNotAllowedError ? 403 : undefined;
}

export const screeningEagleProfile = defineProfile({
  name: 'screening-eagle',
  tokenPath: '/api/id/v1/auth/token',
  wire: {
    credentialCarriers: ['basic'],
    bodyFormats: ['form'],
    requireScope: true,
    audienceParameters: [],
    responseFields: ['scope', 'token_type', 'access_token', 'expires_in', 'refresh_token'],
    errorFormat: screeningEagleErrorBody,
    errorStatus: screeningEagleErrorStatus,
  },
  bearer: { errorFormat: screeningEagleErrorBody },
});
