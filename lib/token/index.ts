/**
 * The token endpoint: `tokenRouter` and its public types. Everything outside `lib/token` imports
 * from here.
 */
export { tokenRouter } from './token-router';
export type { TokenRouter } from './token-router';
export type {
  AccessTokenOptions,
  EndpointOptions,
  TokenLifecycleOptions,
  TokenRouterConfig,
  TokenRouterHardeningOptions,
  TokenRouterHookOptions,
  TokenRouterOptions,
  TokenRouterWireOptions,
  TokenSourceOptions,
} from './options';
export { resolveTokenRouterOptions, TOKEN_ROUTER_DEFAULTS } from './options';
export type {
  AudienceParameter,
  BodyFormat,
  CredentialCarrier,
  GrantWireOptions,
  RequestWireOptions,
  ResponseWireOptions,
  TokenResponseField,
  TokenShapeWireOptions,
  WireOptions,
} from './wire';
export { DEFAULT_WIRE_OPTIONS, resolveWireOptions, TOKEN_RESPONSE_FIELDS } from './wire';
export { ScopeNotAllowedError } from './scope';
export type { AuthenticationFailedEvent, AuthenticationFailureReason, TokenHooks, TokenIssuedEvent } from './hooks';
export type { Grant, GrantContext, GrantDependencies, GrantFactory, TokenResponse } from './grants';
export type { AccessTokenIssuer, AccessTokenRequest, IssuedAccessToken } from './issue-access-token';
export type { TokenRequestParameters } from './request/parameters';
export type { IntrospectionResponse } from './introspect';
export type { IssuedRefreshToken, RefreshTokens } from './refresh-tokens';
