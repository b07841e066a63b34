/**
 * The bearer middleware (RFC 6750, RFC 9068 §4): `requireToken`, its options, the token cache and
 * the `req.auth` type. Everything outside `lib/bearer` imports from here.
 */
export type { AccessTokenAuth } from './types';
export type {
  ChallengeOptions,
  KeySourceOptions,
  LoggingOptions,
  RequireTokenOptions,
  RevocationOptions,
  ScopeOptions,
  TokenCacheOption,
  TokenTargetOptions,
  VerificationOptions,
} from './options';
export { RequireTokenOptionError } from './options';
export type { TokenPlacementOptions } from './extract';
export type { ScopeMatch } from './scope';
export { hasRequiredScopes, tokenScopes } from './scope';
export type { CachedVerification, TokenCacheAdmission, TokenCacheOptions } from './token-cache';
export { DEFAULT_TOKEN_CACHE_MAX, TokenCache, createTokenCache } from './token-cache';
export type { RequireTokenMiddleware } from './require-token';
export { requireToken } from './require-token';
