/**
 * A fresh signing key for rotation (RFC 7518 §3: RS256/PS256 with an RSA key of at least 2048
 * bits, ES256 with a P-256 key, HS256 with a 256-bit secret), and its private JWK (RFC 7517) for
 * a key store.
 */
import { createSecretKey, generateKeyPair, randomBytes } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { KeyMaterialError, MIN_HMAC_SECRET_BYTES, MIN_RSA_MODULUS_BITS, assertSigningAlgorithm } from './key-material';
import type { SigningAlgorithm } from './types';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface GenerateSigningKeyOptions {
  /** RSA modulus length in bits (RS256 / PS256); 2048 by default, never less. */
  modulusLength?: number;
}

/**
 * A new private key (RS/PS/ES) or secret (HS) for `alg`.
 *
 * @example
 * const key = await generateSigningKey('ES256');
 * keyring.add({ alg: 'ES256', privateKey: key }, { activate: true });
 */
export async function generateSigningKey(alg: SigningAlgorithm, options: GenerateSigningKeyOptions = {}): Promise<KeyObject> {
  assertSigningAlgorithm(alg);
  if (alg === 'HS256') return createSecretKey(randomBytes(MIN_HMAC_SECRET_BYTES));
  if (alg === 'ES256') return (await generateKeyPairAsync('ec', { namedCurve: 'P-256' })).privateKey;
  const modulusLength = options.modulusLength ?? MIN_RSA_MODULUS_BITS;
  if (!Number.isInteger(modulusLength) || modulusLength < MIN_RSA_MODULUS_BITS) {
    throw new KeyMaterialError(`modulusLength must be an integer of at least ${MIN_RSA_MODULUS_BITS}.`);
  }
  return (await generateKeyPairAsync('rsa', { modulusLength })).privateKey;
}

/**
 * The private JWK of a signing key (`oct` for an HS256 secret), for a key store. Secret material:
 * never log it, never serve it.
 *
 * @example
 * const jwk = privateJwkOf(keyring.signingKey.key);
 */
export function privateJwkOf(key: KeyObject): JsonWebKey {
  if (key.type === 'public') throw new KeyMaterialError('A public key cannot sign: a private key or a secret is needed.');
  return key.export({ format: 'jwk' });
}
