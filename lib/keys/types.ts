/**
 * Key and token types shared by the keyring, the token router and the bearer middleware.
 * The keyring (`keyring.ts`) holds parsed `KeyObject`s; `jwt.ts` is the only module that imports
 * jsonwebtoken.
 */
import type { KeyObject } from 'node:crypto';

export type SigningAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'HS256';

export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'PS256', 'ES256', 'HS256'];

/** A key the keyring can sign with: parsed once, never re-read per request. */
export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  /** Private key (RS/PS/ES) or the secret key (HS). */
  key: KeyObject;
}

/** A key that verifies tokens: the public key (RS/PS/ES) or the secret key (HS). */
export interface VerificationKey {
  kid: string;
  alg: SigningAlgorithm;
  key: KeyObject;
}

/** A public JWK as served by the JWKS endpoint (RFC 7517); never private or symmetric material. */
export interface PublicJwk {
  kty: 'RSA' | 'EC';
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

export interface JsonWebKeySet {
  keys: PublicJwk[];
}

/** The claims of an access token (RFC 9068 §2.2). `scope` and `aud` may be arrays under some profiles. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  client_id: string;
  aud: string | string[];
  /** Optional (RFC 9068 §2.2.3): absent means no scopes. */
  scope?: string | string[];
  iat: number;
  exp: number;
  jti: string;
  [claim: string]: unknown;
}

/** What changed in a key source: a key added, made the active signer, or removed from verification. */
export interface KeySourceChange {
  type: 'added' | 'activated' | 'retired';
  kid: string;
}

/** Anything that finds the key for a token's `kid` (a local keyring, a remote JWKS). */
export interface VerificationKeySource {
  /** The key for this `kid` (and, where given, algorithm), or `undefined` when there is none. */
  getVerificationKey(kid: string | undefined, alg: string | undefined): Promise<VerificationKey | undefined>;
  /**
   * The same answer synchronously, for a source that holds its keys in memory (a `Keyring`).
   * Optional: verification then skips the promise of `getVerificationKey`.
   */
  findVerificationKey?(kid: string | undefined, alg: string | undefined): VerificationKey | undefined;
  /** The algorithms that may ever be accepted: the algorithms of the configured keys. */
  algorithms(): readonly SigningAlgorithm[];
  /** Hears key changes (a rotation); returns the function that stops listening. Optional. */
  onChange?(listener: (change: KeySourceChange) => void): () => void;
}
