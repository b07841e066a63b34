/**
 * RFC 7009 — token revocation: `POST <mount>/revoke` with `token` and an optional
 * `token_type_hint`, client-authenticated like the token endpoint (the router does that part).
 *
 * - An access token of the caller: its `jti` is recorded as revoked until its `exp`, through the
 *   router's `RevocationList` when it has one (this process refuses it at once) and in the
 *   token-state store (other instances poll it).
 * - A refresh token of the caller: its whole family is revoked.
 * - A token of another client: 400 `unauthorized_client`, and nothing changes (DESIGN.md).
 * - Anything unknown, malformed, forged or expired: 200, nothing to do (§2.2).
 * The answer is 200 with an empty body (§2.2: its content is ignored).
 */
import type { ClientRecord } from '../clients';
import { OAuthError } from '../errors';
import type { RevocationList } from '../lifecycle/revocation-list';
import type { TokenStateStore } from '../lifecycle/token-state-store';
import type { RefreshTokens } from './refresh-tokens';
import type { TokenRequestParameters } from './request/parameters';
import { withStoreDeadline } from '../clients';
import type { TokenLookup } from './token-lookup';
import { ownerOf } from './token-lookup';

export interface RevocationDependencies {
  findToken: TokenLookup;
  tokenState: TokenStateStore;
  /** Makes a revocation known to this process's bearer middleware at once. */
  revocations?: RevocationList;
  refreshTokens: Pick<RefreshTokens, 'revokeFamily'>;
  storeTimeoutMs: number;
}

/** Revokes the token a request names, or throws an `OAuthError` (or `StoreUnavailableError`). */
export type RevokeToken = (client: ClientRecord, parameters: TokenRequestParameters) => Promise<void>;

export const MISSING_TOKEN = new OAuthError('invalid_request', 'The token parameter is required.');
const NOT_YOURS = new OAuthError('unauthorized_client', 'The token was not issued to this client.');

/**
 * @example
 * const revoke = tokenRevoker({ findToken, tokenState, revocations, refreshTokens, storeTimeoutMs: 5000 });
 * await revoke(client, parameters); // then answer 200
 */
export function tokenRevoker(dependencies: RevocationDependencies): RevokeToken {
  const { findToken, tokenState, revocations, refreshTokens, storeTimeoutMs } = dependencies;

  return async (client, parameters) => {
    const token = parameters.get('token');
    if (token === undefined) throw MISSING_TOKEN;
    const found = await findToken(token, parameters.get('token_type_hint'));
    if (found.kind === 'none') return;
    if (ownerOf(found) !== client.clientId) throw NOT_YOURS;

    if (found.kind === 'refresh_token') {
      await refreshTokens.revokeFamily(found.record.familyId);
      return;
    }
    const { claims } = found;
    const entry = { jti: claims.jti, clientId: claims.client_id, expiresAt: new Date(claims.exp * 1000) };
    if (revocations) await revocations.revoke(entry);
    else await withStoreDeadline(() => tokenState.revokeAccessToken(entry), storeTimeoutMs, 'the token-state store');
  };
}
