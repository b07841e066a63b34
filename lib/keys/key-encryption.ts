/**
 * Private keys at rest: AES-256-GCM (NIST SP 800-38D) under a key-encryption key (KEK) the
 * operator holds apart from the database (`KEY_ENCRYPTION_KEY`). Each sealing uses a fresh 96-bit
 * IV; the key's `kid` is the additional authenticated data, so a sealed key moved to another
 * record does not open. Format: `A256GCM.v1.<iv>.<tag>.<ciphertext>` (base64url parts).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { KeyStoreError } from './key-store';

const PREFIX = 'A256GCM.v1';
const KEK_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A 32-byte key-encryption key from a Buffer, 64 hex characters, or 32 bytes in base64/base64url.
 * Throws a `TypeError` that never repeats the value.
 *
 * @example
 * const kek = parseKeyEncryptionKey(process.env.KEY_ENCRYPTION_KEY!); // e.g. `openssl rand -base64 32`
 */
export function parseKeyEncryptionKey(value: string | Buffer): Buffer {
  let key: Buffer | undefined;
  if (Buffer.isBuffer(value)) key = Buffer.from(value);
  else if (typeof value === 'string') {
    const text = value.trim();
    if (/^[0-9a-fA-F]{64}$/.test(text)) key = Buffer.from(text, 'hex');
    else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) key = Buffer.from(text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=$/, ''), 'base64url');
  }
  if (key === undefined || key.length !== KEK_BYTES) {
    throw new TypeError('the key-encryption key must be 32 bytes: 64 hex characters or 44 base64 characters (openssl rand -base64 32)');
  }
  return key;
}

/**
 * Encrypts a private JWK under the KEK, bound to its `kid`.
 *
 * @example
 * const sealed = sealPrivateKey(jwk, kek, kid); // 'A256GCM.v1.…'
 */
export function sealPrivateKey(jwk: JsonWebKey, kek: Buffer, kid: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(kid, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [PREFIX, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/** Whether a stored value is a sealed key (not plaintext). */
export function isSealedKey(value: string): boolean {
  return value.startsWith(`${PREFIX}.`);
}

/**
 * Decrypts a sealed private JWK; throws `KeyStoreError` `ERR_KEY_UNREADABLE` for a wrong KEK, a
 * wrong kid or a tampered value (never the key material).
 *
 * @example
 * const jwk = openPrivateKey(sealed, kek, kid);
 */
export function openPrivateKey(sealed: string, kek: Buffer, kid: string): JsonWebKey {
  const unreadable = new KeyStoreError('ERR_KEY_UNREADABLE', `the private key ${kid} cannot be decrypted with this key-encryption key`);
  if (!isSealedKey(sealed)) throw unreadable;
  const [iv, tag, ciphertext] = sealed.slice(PREFIX.length + 1).split('.');
  if (iv === undefined || tag === undefined || ciphertext === undefined) throw unreadable;
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(kid, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
    return JSON.parse(plaintext.toString('utf8')) as JsonWebKey;
  } catch {
    throw unreadable;
  }
}
