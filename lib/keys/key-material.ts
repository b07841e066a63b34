/**
 * Key material -> `KeyObject`, parsed once, checked against the algorithm it will serve.
 *
 * RFC 7518 §3 (the algorithms: RS256 and PS256 need an RSA key of at least 2048 bits (§3.3, §3.5),
 * ES256 a P-256 key (§3.4), HS256 a secret of at least 256 bits (§3.2)), RFC 7517 (JWK input).
 * PEM strings, DER/PEM buffers, JWK objects and ready `KeyObject`s are accepted; every error says
 * what is wrong with the key and never repeats the key material.
 */
import { KeyObject, createPrivateKey, createPublicKey, createSecretKey } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import type { SigningAlgorithm } from './types';
import { SIGNING_ALGORITHMS } from './types';

/** Key material as a caller may hold it: PEM text, a buffer, a JWK object, or a parsed `KeyObject`. */
export type KeyInput = string | Buffer | KeyObject | JsonWebKey;

/** Minimum sizes (RFC 7518 §3.2, §3.3). */
export const MIN_RSA_MODULUS_BITS = 2048;
export const MIN_HMAC_SECRET_BYTES = 32;

/** A key that cannot serve the algorithm asked of it, or that cannot be read at all. */
export class KeyMaterialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyMaterialError';
  }
}

export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return typeof value === 'string' && (SIGNING_ALGORITHMS as readonly string[]).includes(value);
}

/** Throws unless `alg` is one of the algorithms this library signs with. */
export function assertSigningAlgorithm(alg: unknown): asserts alg is SigningAlgorithm {
  if (!isSigningAlgorithm(alg)) {
    throw new KeyMaterialError(`Unsupported algorithm ${JSON.stringify(alg)}: use one of ${SIGNING_ALGORITHMS.join(', ')}.`);
  }
}

function isJwk(input: KeyInput): input is JsonWebKey {
  return typeof input === 'object' && !(input instanceof KeyObject) && !Buffer.isBuffer(input);
}

/** Throws unless the key (public, private or secret) can serve `alg`. */
export function assertKeyFitsAlgorithm(key: KeyObject, alg: SigningAlgorithm): void {
  if (alg === 'HS256') {
    if (key.type !== 'secret') throw new KeyMaterialError('HS256 needs a secret key, not an asymmetric key.');
    if ((key.symmetricKeySize ?? 0) < MIN_HMAC_SECRET_BYTES) {
      throw new KeyMaterialError(`HS256 needs a secret of at least ${MIN_HMAC_SECRET_BYTES} bytes.`);
    }
    return;
  }
  if (key.type === 'secret') throw new KeyMaterialError(`${alg} needs an asymmetric key, not a secret.`);
  const details = key.asymmetricKeyDetails ?? {};
  if (alg === 'ES256') {
    if (key.asymmetricKeyType !== 'ec' || details.namedCurve !== 'prime256v1') {
      throw new KeyMaterialError('ES256 needs an EC key on the P-256 curve.');
    }
    return;
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new KeyMaterialError(`${alg} needs an RSA key (got ${key.asymmetricKeyType ?? 'unknown'}).`);
  }
  if ((details.modulusLength ?? 0) < MIN_RSA_MODULUS_BITS) {
    throw new KeyMaterialError(`${alg} needs an RSA key of at least ${MIN_RSA_MODULUS_BITS} bits.`);
  }
}

function secretFrom(input: KeyInput): KeyObject {
  if (input instanceof KeyObject) return input;
  if (typeof input === 'string') return createSecretKey(Buffer.from(input, 'utf8'));
  if (Buffer.isBuffer(input)) return createSecretKey(Buffer.from(input));
  if (input.kty !== 'oct' || typeof input.k !== 'string') {
    throw new KeyMaterialError('HS256 needs a JWK with kty "oct" and a "k" member.');
  }
  return createSecretKey(Buffer.from(input.k, 'base64url'));
}

/**
 * Parses the key that signs: a private key (RS/PS/ES) or the secret (HS), checked against `alg`.
 *
 * @example
 * const key = parseSigningKey(fs.readFileSync('private.pem', 'utf8'), 'RS256');
 */
export function parseSigningKey(input: KeyInput, alg: SigningAlgorithm): KeyObject {
  let key: KeyObject;
  if (alg === 'HS256') {
    key = secretFrom(input);
  } else if (input instanceof KeyObject) {
    key = input;
  } else {
    try {
      key = isJwk(input) ? createPrivateKey({ key: input, format: 'jwk' }) : createPrivateKey(input);
    } catch {
      throw new KeyMaterialError(`The ${alg} private key could not be read (expected a PEM or a private JWK).`);
    }
  }
  if (alg !== 'HS256' && key.type !== 'private') {
    throw new KeyMaterialError(`The ${alg} signing key must be a private key.`);
  }
  assertKeyFitsAlgorithm(key, alg);
  return key;
}

/**
 * Parses the key that verifies: the public key (RS/PS/ES; a private key is reduced to its public
 * part) or the secret (HS), checked against `alg`.
 *
 * @example
 * const key = parseVerificationKey({ kty: 'EC', crv: 'P-256', x: '…', y: '…' }, 'ES256');
 */
export function parseVerificationKey(input: KeyInput, alg: SigningAlgorithm): KeyObject {
  let key: KeyObject;
  if (alg === 'HS256') {
    key = secretFrom(input);
  } else if (input instanceof KeyObject) {
    if (input.type === 'secret') throw new KeyMaterialError(`${alg} needs an asymmetric key, not a secret.`);
    key = input.type === 'private' ? createPublicKey(input) : input;
  } else {
    try {
      key = isJwk(input) ? createPublicKey({ key: input, format: 'jwk' }) : createPublicKey(input);
    } catch {
      throw new KeyMaterialError(`The ${alg} public key could not be read (expected a PEM or a public JWK).`);
    }
  }
  assertKeyFitsAlgorithm(key, alg);
  return key;
}
