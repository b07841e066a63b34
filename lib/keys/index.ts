/**
 * Signing and verification keys: the keyring, JWT signing and verification (the only use of
 * jsonwebtoken), the opt-in signing worker pool, the JWKS endpoint and remote JWKS. Everything
 * outside `lib/keys` imports from here.
 */
export type {
  AccessTokenClaims,
  JsonWebKeySet,
  KeySourceChange,
  PublicJwk,
  SigningAlgorithm,
  SigningKey,
  VerificationKey,
  VerificationKeySource,
} from './types';
export { SIGNING_ALGORITHMS } from './types';
export type {
  AddKeyOptions,
  GenerateKeyOptions,
  JwkKeyringOptions,
  NewKey,
  PemKeyringOptions,
  RetireKeyOptions,
  SecretKeyringOptions,
} from './keyring';
export type { KeyringEntryDescription } from './keyring';
export { Keyring, KeyringError } from './keyring';
export type { GenerateSigningKeyOptions } from './generate-key';
export { generateSigningKey, privateJwkOf } from './generate-key';
export type { KeyStore, KeyStoreErrorCode, StoredSigningKey, StoredSigningKeyUpdate } from './key-store';
export { KeyStoreError, activatesAfter, activeStoredKey } from './key-store';
export { MemoryKeyStore } from './memory-key-store';
export type { MongoKeyStoreOptions } from './mongo-key-store';
export { DEFAULT_KEY_COLLECTION, MongoKeyStore } from './mongo-key-store';
export { isSealedKey, openPrivateKey, parseKeyEncryptionKey, sealPrivateKey } from './key-encryption';
export type {
  AddKeyRequest,
  KeyAdministration,
  KeyAdministrationErrorCode,
  KeyDescription,
  KeyLifetimeOptions,
  KeyStatus,
  RotationResult,
  StoredKeyAdministrationOptions,
} from './key-administration';
export {
  DEFAULT_ACTIVATION_DELAY_MS,
  DEFAULT_RETIRE_AFTER_SECONDS,
  KeyAdministrationError,
  keyringAdministration,
  storedKeyAdministration,
} from './key-administration';
export type { KeyringSyncOptions } from './keyring-sync';
export { KeyringSync } from './keyring-sync';
export type { KeyInput } from './key-material';
export { KeyMaterialError } from './key-material';
export { jwkThumbprint, keyThumbprint } from './thumbprint';
export type { JwtVerificationErrorCode } from './errors';
export { JwtVerificationError, KeySourceUnavailableError } from './errors';
export type {
  JwtClaimOptions,
  JwtClockOptions,
  JwtHeader,
  JwtHeaderOptions,
  SignJwtOptions,
  UnverifiedJwt,
  VerifiedJwt,
  VerifyJwtOptions,
} from './jwt';
export {
  DEFAULT_MAX_TOKEN_LENGTH,
  DEFAULT_TOKEN_TYPE,
  checkClockTolerance,
  checkTokenType,
  decodeJwtUnverified,
  signJwt,
  verifyJwt,
} from './jwt';
export type { SigningPoolErrorCode, SigningPoolOptions } from './signing-pool';
export { SigningPool, SigningPoolError, createSigningPool } from './signing-pool';
export type { ClaimExpectations } from './claims';
export { checkAccessTokenClaims } from './claims';
export type { JwksHandlerOptions } from './jwks-handler';
export { jwksHandler } from './jwks-handler';
export type { JwksCacheOptions, JwksRateLimitOptions, JwksRequestOptions, RemoteJwksOptions } from './remote-jwks';
export { REMOTE_JWKS_DEFAULT_ALGORITHMS, RemoteJwks } from './remote-jwks';
