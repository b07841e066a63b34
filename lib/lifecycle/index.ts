/**
 * The token lifecycle: what the server remembers after issuing tokens (the `TokenStateStore` port
 * and its memory and MongoDB adapters), the revocation list the bearer middleware consults, and
 * refresh token values. Everything outside `lib/lifecycle` imports from here.
 */
export type {
  NewRefreshToken,
  RefreshTokenRecord,
  RefreshTokenUse,
  RevokedAccessToken,
  TokenStateStore,
} from './token-state-store';
export { MemoryTokenStateStore } from './memory-token-state-store';
export type { MongoTokenStateStoreOptions } from './mongo-token-state-store';
export { MongoTokenStateStore } from './mongo-token-state-store';
export type { AccessTokenRevocation, RevocableClaims, RevocationCheckMode, RevocationListOptions } from './revocation-list';
export { RevocationList } from './revocation-list';
export { REFRESH_TOKEN_BYTES, generateRefreshToken, hashRefreshToken, looksLikeRefreshToken } from './refresh-token-value';
export type { KeyAdminAuthOptions, KeyAdminRouterOptions, KeyDescriptionResponse } from './key-admin-router';
export { keyAdminRouter } from './key-admin-router';
