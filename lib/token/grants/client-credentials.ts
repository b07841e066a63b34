/**
 * RFC 6749 §4.4 — client credentials grant.
 *
 * Turns an authenticated client and the requested `scope` (§3.3) and `audience`/`resource`
 * (RFC 8707) into an access token. §4.4.3: no refresh token, unless the client opted in
 * (`grantTypes` includes `refresh_token`) and the router keeps token state; then one starts a new
 * family (`./refresh-token.ts`). Needs the access token issuer and the audience resolver;
 * `wire.requireScope` makes `scope` mandatory.
 */
import { grantedScopes } from '../scope';
import type { Grant, GrantDependencies } from './grant';
import { tokenResponse } from './grant';

/**
 * @example
 * const grant = clientCredentialsGrant({ issueAccessToken, audienceFor, wire });
 * await grant.handle({ client, parameters, ip: req.ip, req }); // { access_token, token_type, expires_in, scope }
 */
export function clientCredentialsGrant({ issueAccessToken, audienceFor, wire, refreshTokens }: GrantDependencies): Grant {
  return {
    type: 'client_credentials',
    async handle({ client, parameters, ip }) {
      const scopes = grantedScopes(parameters.get('scope'), client.scopes, wire.requireScope);
      const audience = audienceFor(parameters, client.audiences);
      const refresh = await refreshTokens?.issueFor({ client, scopes, audience });
      const token = await issueAccessToken({ client, scopes, audience, ip });
      return tokenResponse(token, wire.responseTokenType, refresh?.refreshToken);
    },
  };
}
