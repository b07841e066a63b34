/**
 * Aidbox OAuth module, client credentials grant — seed `003_87bb6175fcf303bb.txt`.
 *
 * > Using Authorization header {base64(Client.id + ':' + Client.secret)} or by JSON request with
 * > client_id and client_secret in body:
 * >     POST /auth/token   Authorization: Basic YXBpLWNsaWVudDp2ZXJ5c2VjcmV0   Content-Type: application/x-www-form-urlencoded
 * >     grant_type=client_credentials
 * >     POST /auth/token   Content-Type: application/json
 * >     { "grant_type": "client_credentials", "client_id": "api-client", "client_secret": "verysecret" }
 * > auth.client_credentials: access_token_expiration (seconds), token_format: jwt, refresh_token: true/false,
 * > refresh_token_expiration (seconds)
 * > 200 { "token_type": "Bearer", "expires_in": 3000, "access_token": "eyJ…", "refresh_token": "eyJ…" }
 * > Audience: if you … provide in token request additional parameter audience, resulting token will
 * > set aud claim into value you've sent.
 * > POST /auth/token { "grant_type": "refresh_token", "client_id": "webapp", "refresh_token": "eyJhb..PloA" }
 * > DELETE /Session with the token in the Authorization header [closes the session].
 *
 * Mapping: Aidbox's per-client `access_token_expiration` is the client's `access_token_ttl`, its
 * `refresh_token: true` is `refresh_token` among the client's `grant_types` (lifetime
 * `refresh_token_ttl`); tokens are always JWTs. The wire is RFC 6749's own (Basic or body
 * credentials, form or JSON), so the wire options keep their defaults; `audience` must be one the
 * client is registered for (`invalid_target` otherwise). A refresh request still authenticates the
 * client (Basic or `client_secret`). `DELETE /Session` is `sessionRouter` (./aidbox-session.ts).
 */
import { sessionRouter } from './aidbox-session';
import { defineProfile } from './profile';
import type { ProfileExtrasContext } from './profile';

/**
 * Aidbox's extra route, `DELETE /Session`; needs the revocation list.
 *
 * @example
 * app.use(aidboxExtras({ keys, issuer, revocations }));
 */
export function aidboxExtras({ keys, issuer, revocations }: ProfileExtrasContext): ReturnType<typeof sessionRouter> {
  if (!revocations) {
    throw new TypeError('aidbox profile: DELETE /Session needs token state (a RevocationList, or a tokenState to build one)');
  }
  return sessionRouter({ keys, issuer, revocations });
}

export const aidboxProfile = defineProfile({
  name: 'aidbox',
  tokenPath: '/auth/token',
  wire: {},
  bearer: {},
  extras: aidboxExtras,
});
