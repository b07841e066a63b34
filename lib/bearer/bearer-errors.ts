/**
 * RFC 6750 §3 — the errors of a protected resource, each with its `WWW-Authenticate: Bearer`
 * challenge (and G2P Connect rule 6: an invalid or expired token is 401). Bodies are rendered by
 * `lib/errors.ts`; this module only decides code, status, description and challenge.
 */
import { OAuthError, bearerChallenge } from '../errors';
import { JwtVerificationError } from '../keys/errors';

/** §3.1: no credentials at all — 401 and a challenge without an error code. */
export function missingToken(realm: string): OAuthError {
  return new OAuthError('invalid_request', 'The request carries no access token.', {
    status: 401,
    headers: { 'WWW-Authenticate': bearerChallenge(realm) },
  });
}

/** §3.1 `invalid_request`: a malformed Authorization header, a token in a refused place, two tokens. */
export function malformedRequest(realm: string, description: string): OAuthError {
  const error = new OAuthError('invalid_request', description);
  return error.withHeaders({ 'WWW-Authenticate': bearerChallenge(realm, error) });
}

/** §3.1 `invalid_token`: expired, revoked, malformed, wrong issuer or audience, bad signature. */
export function invalidToken(realm: string, description = 'The access token is invalid.'): OAuthError {
  const error = new OAuthError('invalid_token', description);
  return error.withHeaders({ 'WWW-Authenticate': bearerChallenge(realm, error) });
}

/** §3.1 `insufficient_scope`: 403 with the scopes the route requires. */
export function insufficientScope(realm: string, required: readonly string[]): OAuthError {
  const error = new OAuthError('insufficient_scope', 'The access token does not carry the scope this resource requires.');
  return error.withHeaders({ 'WWW-Authenticate': bearerChallenge(realm, error, required.join(' ')) });
}

/** The token could not be checked (key source or revocation check down): 503, not the client's fault. */
export function verificationUnavailable(description: string): OAuthError {
  return new OAuthError('temporarily_unavailable', description);
}

/**
 * The client-facing error for a failed verification. The description tells expired (and not yet
 * valid) apart from invalid, and names a token meant for another resource; it never repeats
 * anything from the token.
 */
export function verificationFailure(realm: string, error: unknown): OAuthError {
  if (!(error instanceof JwtVerificationError)) return invalidToken(realm);
  switch (error.code) {
    case 'ERR_JWT_EXPIRED':
      return invalidToken(realm, 'The access token has expired.');
    case 'ERR_JWT_NOT_ACTIVE':
      return invalidToken(realm, 'The access token is not valid yet.');
    case 'ERR_JWKS_UNAVAILABLE':
      return verificationUnavailable('The keys that verify access tokens are unavailable; try again later.');
    case 'ERR_JWT_CLAIM':
      if (error.claim === 'aud') return invalidToken(realm, 'The access token is not meant for this resource.');
      return invalidToken(realm);
    default:
      return invalidToken(realm);
  }
}
