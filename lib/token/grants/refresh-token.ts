/**
 * RFC 6749 §6 — refreshing an access token, with refresh token rotation and reuse detection
 * (RFC 9700 §4.14.2).
 *
 * The client authenticates as for every grant and presents `refresh_token`, which must be one of
 * its own (another client's is `invalid_grant` and is left untouched). The token is consumed and a
 * new one of the same family is issued with the new access token; presenting a consumed token
 * again is `invalid_grant` and revokes the whole family. The new access token keeps the original
 * audience and scope; `scope` may ask for less, never more (`invalid_scope`, token not consumed).
 * A scope the client has lost since the grant is dropped. Needs the router's `tokenState`.
 */
import { OAuthError } from '../../errors';
import { grantedScopes } from '../scope';
import type { Grant, GrantDependencies } from './grant';
import { tokenResponse } from './grant';

const MISSING = new OAuthError('invalid_request', 'The refresh_token parameter is required.');
const INVALID = new OAuthError('invalid_grant', 'The refresh token is invalid, expired or revoked.');
const REUSED = new OAuthError('invalid_grant', 'The refresh token was already used; every token of its grant has been revoked.');

/**
 * @example
 * const grant = refreshTokenGrant({ issueAccessToken, audienceFor, wire, refreshTokens });
 * await grant.handle({ client, parameters, ip: req.ip, req }); // { access_token, refresh_token, … }
 */
export function refreshTokenGrant({ issueAccessToken, wire, refreshTokens }: GrantDependencies): Grant {
  if (!refreshTokens) throw new TypeError('tokenRouter: the refresh_token grant needs options.tokenState');

  return {
    type: 'refresh_token',
    async handle({ client, parameters, ip }) {
      const presented = parameters.get('refresh_token');
      if (presented === undefined) throw MISSING;

      const record = await refreshTokens.find(presented);
      if (!record || record.clientId !== client.clientId) {
        // Not live, or not this client's: consuming tells a replay of this client's used token
        // (which revokes its family) from anything else, and changes nothing for another client's.
        const use = await refreshTokens.consume(presented, client.clientId);
        throw use.status === 'reused' ? REUSED : INVALID;
      }
      const stillAllowed = record.scopes.filter((scope) => client.scopes.includes(scope));
      const requested = parameters.get('scope');
      const scopes = requested === undefined ? stillAllowed : grantedScopes(requested, stillAllowed, false);

      const use = await refreshTokens.consume(presented, client.clientId);
      if (use.status === 'reused') throw REUSED;
      if (use.status !== 'consumed') throw INVALID;

      const audience = use.token.audiences;
      const next = await refreshTokens.issueFor({ client, scopes: stillAllowed, audience, familyId: use.token.familyId });
      const token = await issueAccessToken({ client, scopes, audience, ip });
      return tokenResponse(token, wire.responseTokenType, next?.refreshToken);
    },
  };
}
