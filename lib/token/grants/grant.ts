/**
 * The grant seam: one grant per file in this folder, each registered by its `grant_type` in
 * `./index.ts`, so a new grant (refresh_token) is added without touching the router.
 */
import type { Request } from 'express';
import type { ClientRecord } from '../../clients';
import type { AccessTokenIssuer, IssuedAccessToken } from '../issue-access-token';
import type { RefreshTokens } from '../refresh-tokens';
import type { TokenRequestParameters } from '../request/parameters';
import type { WireOptions } from '../wire';

/** A successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  refresh_token?: string;
}

/**
 * The RFC 6749 §5.1 body for an issued access token: `scope` when it has any, `refresh_token` when
 * one was issued with it.
 *
 * @example
 * tokenResponse(token, 'Bearer'); // { access_token, token_type: 'Bearer', expires_in: 600, scope: 'records:read' }
 */
export function tokenResponse(token: IssuedAccessToken, tokenType: string, refreshToken?: string): TokenResponse {
  const response: TokenResponse = { access_token: token.accessToken, token_type: tokenType, expires_in: token.expiresIn };
  if (token.scopes.length > 0) response.scope = token.scopes.join(' ');
  if (refreshToken !== undefined) response.refresh_token = refreshToken;
  return response;
}

/** What a grant gets for one request: an authenticated client that is registered for the grant. */
export interface GrantContext {
  client: ClientRecord;
  parameters: TokenRequestParameters;
  ip: string | undefined;
  req: Request;
}

export interface Grant {
  /** The `grant_type` value this grant answers. */
  readonly type: string;
  /** The token response, or a thrown `OAuthError` (`invalid_scope`, `invalid_target`, `invalid_grant`, …). */
  handle(ctx: GrantContext): Promise<TokenResponse>;
}

/** What the router gives every grant factory; built once, at `tokenRouter()` time. */
export interface GrantDependencies {
  issueAccessToken: AccessTokenIssuer;
  /** The audiences of a request, checked against what the client may ask for (RFC 8707). */
  audienceFor: (parameters: TokenRequestParameters, clientAudiences: readonly string[]) => string[];
  wire: WireOptions;
  /** Present when the router keeps token state and serves `refresh_token`: issue and redeem refresh tokens. */
  refreshTokens?: RefreshTokens;
}

export type GrantFactory = (dependencies: GrantDependencies) => Grant;
