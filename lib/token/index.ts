/**
 * The token endpoint: `tokenRouter` and its public types. Everything outside `lib/token` imports
 * from here.
 */
export { tokenRouter } from './token-router';
export type {
  AccessTokenOptions,
  EndpointOptions,
  TokenRouterConfig,
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
  TokenShapeWireOptions,
  WireOptions,
} from './wire';
export { DEFAULT_WIRE_OPTIONS, resolveWireOptions } from './wire';
export type { AuthenticationFailedEvent, AuthenticationFailureReason, TokenHooks, TokenIssuedEvent } from './hooks';
export type { Grant, GrantContext, GrantDependencies, GrantFactory, TokenResponse } from './grants';
export type { AccessTokenIssuer, AccessTokenRequest, IssuedAccessToken } from './issue-access-token';
export type { TokenRequestParameters } from './request/parameters';
