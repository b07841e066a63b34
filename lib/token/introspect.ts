/**
 * RFC 7662 — token introspection: `POST <mount>/introspect` with `token` and an optional
 * `token_type_hint`, client-authenticated like the token endpoint (the router does that part).
 *
 * A live token answers `{active: true, scope, client_id, sub, aud, iss, exp, iat, jti, token_type}`
 * (§2.2; `token_type` is the response token type, `Bearer`, for an access token and
 * `refresh_token` for a refresh token). Everything else answers `{active: false}` and nothing
 * more (§2.2): expired, revoked, forged, garbage — and a token of another client, unless the
 * caller is registered with the introspection scope (`token:introspect`, a resource server's):
 * "a client sees its own tokens; a client with scope `token:introspect` sees any" (DESIGN.md).
 * Revocation is read from the store itself (authoritative), not from a poll-fed cache.
 */
import type { ClientRecord } from '../clients';
import type { AccessTokenClaims } from '../keys';
import type { RevocationList } from '../lifecycle/revocation-list';
import type { RefreshTokenRecord, TokenStateStore } from '../lifecycle/token-state-store';
import type { TokenRequestParameters } from './request/parameters';
import { MISSING_TOKEN } from './revoke';
import { withStoreDeadline } from '../clients';
import type { TokenLookup } from './token-lookup';
import { ownerOf } from './token-lookup';

/** RFC 7662 §2.2. */
export interface IntrospectionResponse {
  active: boolean;
  scope?: string;
  client_id?: string;
  sub?: string;
  aud?: string | string[];
  iss?: string;
  exp?: number;
  iat?: number;
  jti?: string;
  token_type?: string;
}

export interface IntrospectionDependencies {
  findToken: TokenLookup;
  tokenState: TokenStateStore;
  revocations?: RevocationList;
  issuer: string;
  /** The scope that lets a client introspect every client's tokens. */
  introspectionScope: string;
  /** `token_type` of an active access token (`Bearer`). */
  accessTokenType: string;
  storeTimeoutMs: number;
}

export type IntrospectToken = (client: ClientRecord, parameters: TokenRequestParameters) => Promise<IntrospectionResponse>;

const INACTIVE: Readonly<IntrospectionResponse> = Object.freeze({ active: false });

function scopeString(scope: AccessTokenClaims['scope']): string | undefined {
  const scopes = Array.isArray(scope) ? scope : typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
  return scopes.length > 0 ? scopes.join(' ') : undefined;
}

function withScope(response: IntrospectionResponse, scope: string | undefined): IntrospectionResponse {
  if (scope !== undefined) response.scope = scope;
  return response;
}

function accessTokenAnswer(claims: AccessTokenClaims, tokenType: string): IntrospectionResponse {
  const answer: IntrospectionResponse = { active: true };
  return Object.assign(withScope(answer, scopeString(claims.scope)), {
    client_id: claims.client_id,
    sub: claims.sub,
    aud: claims.aud,
    iss: claims.iss,
    exp: claims.exp,
    iat: claims.iat,
    jti: claims.jti,
    token_type: tokenType,
  });
}

function refreshTokenAnswer(record: RefreshTokenRecord, issuer: string): IntrospectionResponse {
  const answer: IntrospectionResponse = { active: true };
  const aud = record.audiences.length === 1 ? record.audiences[0] : [...record.audiences];
  return Object.assign(withScope(answer, record.scopes.length > 0 ? record.scopes.join(' ') : undefined), {
    client_id: record.clientId,
    sub: record.clientId,
    aud,
    iss: issuer,
    exp: Math.floor(record.expiresAt.getTime() / 1000),
    iat: Math.floor(record.createdAt.getTime() / 1000),
    token_type: 'refresh_token',
  });
}

/**
 * @example
 * const introspect = tokenIntrospector({ findToken, tokenState, issuer, introspectionScope: 'token:introspect',
 *   accessTokenType: 'Bearer', storeTimeoutMs: 5000 });
 * res.json(await introspect(client, parameters)); // { active: true, scope: 'read', client_id: 'c1', … }
 */
export function tokenIntrospector(dependencies: IntrospectionDependencies): IntrospectToken {
  const { findToken, tokenState, revocations, issuer, introspectionScope, accessTokenType, storeTimeoutMs } = dependencies;

  async function isRevoked(jti: string): Promise<boolean> {
    if (revocations?.knows(jti)) return true;
    return withStoreDeadline(() => tokenState.isAccessTokenRevoked(jti), storeTimeoutMs, 'the token-state store');
  }

  return async (client, parameters) => {
    const token = parameters.get('token');
    if (token === undefined) throw MISSING_TOKEN;
    const found = await findToken(token, parameters.get('token_type_hint'));
    if (found.kind === 'none') return INACTIVE;
    if (ownerOf(found) !== client.clientId && !client.scopes.includes(introspectionScope)) return INACTIVE;
    if (found.kind === 'refresh_token') return refreshTokenAnswer(found.record, issuer);
    if (await isRevoked(found.claims.jti)) return INACTIVE;
    return accessTokenAnswer(found.claims, accessTokenType);
  };
}
