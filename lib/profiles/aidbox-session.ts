/**
 * Aidbox `DELETE /Session` — seed `003_87bb6175fcf303bb.txt`:
 *
 * > Aidbox create Session (resource) for each Access Token that can be closed with the special
 * > endpoint DELETE /Session with the token in the Authorization header:
 * >     DELETE /Session
 * >     Authorization: Bearer ZjQyNGFhY2EtNTY2MS00NjVjLWEzYmEtMjIwYjFkNDI5Yjhi
 *
 * Here a session is an access token: the route verifies the bearer token (signature, issuer, type,
 * time — any audience: a session is closed by whoever holds it) and revokes it (RFC 7009
 * semantics) through the `RevocationList`, so that `requireToken` (`isRevoked:
 * revocations.isRevoked`) refuses it from then on, at once in this process. The answer is 204. A missing or invalid token is 401 with an RFC 6750 challenge; a token already
 * revoked is 401 too (the session is gone); a store that fails is 503.
 */
import { Router } from 'express';
import type { Request, Response } from 'express';
import { bearerChallenge, OAuthError, renderOAuthError } from '../errors';
import type { AccessTokenClaims, VerificationKeySource } from '../keys';
import { verifyJwt } from '../keys';
import type { RevocationList } from '../lifecycle';

export interface SessionRouterOptions {
  keys: VerificationKeySource;
  issuer: string;
  /** The revocation list the bearer middleware consults. */
  revocations: RevocationList;
  /** Accepted `typ` values; `['at+jwt']` by default. */
  acceptedTypes?: readonly string[];
  /** The challenge realm; `aidbox` by default. */
  realm?: string;
}

/** `Bearer` + one space + a token68 (RFC 6750 §2.1). */
const BEARER_HEADER = /^bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * A router serving `DELETE /Session`; mount it at the app's root.
 *
 * @example
 * app.use(sessionRouter({ keys, issuer: 'http://localhost:3000', revocations }));
 * // DELETE /Session  Authorization: Bearer <token>  → 204, and the token is refused from then on
 */
export function sessionRouter(options: SessionRouterOptions): Router {
  const { keys, issuer, revocations } = options;
  const acceptedTypes = options.acceptedTypes ? [...options.acceptedTypes] : undefined;
  const realm = options.realm ?? 'aidbox';
  const challenge = (error?: OAuthError): Record<string, string> => ({ 'WWW-Authenticate': bearerChallenge(realm, error) });
  const missing = new OAuthError('invalid_request', 'The request carries no access token.', { status: 401, headers: challenge() });
  const invalidError = new OAuthError('invalid_token', 'The access token is invalid.');
  const invalid = invalidError.withHeaders(challenge(invalidError));
  const revokedError = new OAuthError('invalid_token', 'The session is already closed.');
  const revoked = revokedError.withHeaders(challenge(revokedError));
  const unavailable = new OAuthError('temporarily_unavailable', 'The session could not be closed; try again later.');
  const methodNotAllowed = new OAuthError('method_not_allowed', 'Use DELETE on this resource.', { headers: { Allow: 'DELETE' } });

  async function closeSession(req: Request, res: Response): Promise<void> {
    const match = BEARER_HEADER.exec(req.headers.authorization ?? '');
    if (!match?.[1]) return renderOAuthError(res, missing);
    let claims: AccessTokenClaims;
    try {
      claims = (await verifyJwt(match[1], keys, acceptedTypes ? { issuer, acceptedTypes } : { issuer })).claims;
    } catch {
      return renderOAuthError(res, invalid);
    }
    try {
      if (await revocations.isRevoked(claims)) return renderOAuthError(res, revoked);
      await revocations.revoke({ jti: claims.jti, clientId: claims.client_id, expiresAt: new Date(claims.exp * 1000) });
    } catch {
      return renderOAuthError(res, unavailable);
    }
    res.status(204).set('Cache-Control', 'no-store').end();
  }

  const router = Router();
  router
    .route('/Session')
    .delete(closeSession)
    .all((_req, res) => renderOAuthError(res, methodNotAllowed));
  return router;
}
