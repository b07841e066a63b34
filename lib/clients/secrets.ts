/**
 * Client secrets: generation, hashing and constant-time verification.
 *
 * RFC 6749 §2.3.1 (client password) and §10.1 (client authentication: the server keeps what it
 * needs to verify a secret, not the secret). The stored hash names its algorithm:
 *
 * - `sha256$<digest>` for secrets this server generated. A generated secret is 32 random bytes
 *   (256 bits of entropy), so no guessing attack on a leaked hash is feasible and a slow KDF
 *   buys nothing. Measured on this project's machine: SHA-256 + timingSafeEqual ≈ 2 µs per check,
 *   scrypt (N=16384, r=8, p=1) ≈ 38 ms, bcrypt cost 10 ≈ 53 ms — a registry hashed with bcrypt
 *   would cap a token endpoint at ≈ 18 requests/s per core.
 * - `scrypt$N$r$p$<salt>$<key>` for secrets supplied from outside (imported from another
 *   system), whose entropy we cannot vouch for; those get a memory-hard KDF.
 *
 * Verification hashes the candidate first and compares equal-length digests with
 * `crypto.timingSafeEqual`, so neither the content nor the length of a wrong secret shows in the
 * response time. A malformed or unknown hash, or absurd scrypt parameters, fail closed (`false`),
 * never a throw. Nothing here logs or returns a secret or a hash.
 */
import crypto from 'node:crypto';
import type { ClientRecord } from './client-store';

const SECRET_BYTES = 32;
const SHA256_PREFIX = 'sha256';
const SCRYPT_PREFIX = 'scrypt';
const SHA256_DIGEST_BYTES = 32;

/** Parameters used when hashing an imported secret. */
const SCRYPT_N = 16384;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const SCRYPT_SALT_BYTES = 16;
const SCRYPT_KEY_BYTES = 32;

/**
 * Bounds a stored scrypt hash must respect to be verified at all, so a crafted or corrupted hash
 * cannot make one check burn seconds of CPU or gigabytes of memory. Work (N·r·p) is capped at 4×
 * the parameters above, memory (128·N·r) at 32 MiB (Node's default `maxmem`).
 */
const SCRYPT_MAX_WORK = SCRYPT_N * SCRYPT_R * SCRYPT_P * 4;
const SCRYPT_MAX_MEMORY = 32 * 1024 * 1024;
const SCRYPT_MAX_R = 32;
const SCRYPT_MAX_P = 16;
const SCRYPT_SALT_RANGE = { min: 8, max: 64 };
const SCRYPT_KEY_RANGE = { min: 16, max: 64 };

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const POSITIVE_INTEGER = /^[1-9][0-9]{0,9}$/;

/**
 * A fresh client secret: 32 random bytes, base64url without padding (43 characters).
 *
 * @example
 * const secret = generateClientSecret(); // 'Jm3…' — show it once, store hashGeneratedSecret(secret)
 */
export function generateClientSecret(): string {
  return crypto.randomBytes(SECRET_BYTES).toString('base64url');
}

/**
 * The stored form of a secret this server generated: `sha256$<base64url digest>`.
 *
 * @example
 * const secretHash = hashGeneratedSecret(generateClientSecret());
 */
export function hashGeneratedSecret(secret: string): string {
  assertSecret(secret);
  return `${SHA256_PREFIX}$${sha256(secret).toString('base64url')}`;
}

/**
 * The stored form of a secret supplied from outside: `scrypt$N$r$p$<salt>$<key>` (base64url),
 * with N=16384, r=8, p=1, a 16-byte random salt and a 32-byte key.
 *
 * @example
 * const secretHash = await hashImportedSecret(secretFromTheOldSystem);
 */
export async function hashImportedSecret(secret: string): Promise<string> {
  assertSecret(secret);
  const salt = crypto.randomBytes(SCRYPT_SALT_BYTES);
  const key = await scrypt(secret, salt, SCRYPT_KEY_BYTES, { N: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P });
  return [SCRYPT_PREFIX, SCRYPT_N, SCRYPT_R, SCRYPT_P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Whether `secret` matches a stored hash of either format, compared in constant time.
 * Resolves `false` — never rejects — for an empty secret or a malformed, unknown or
 * out-of-bounds hash.
 *
 * @example
 * if (await verifySecret(presentedSecret, client.secretHash)) { ... }
 */
export async function verifySecret(secret: string, hash: string): Promise<boolean> {
  if (typeof secret !== 'string' || secret.length === 0 || typeof hash !== 'string') return false;
  try {
    const parts = hash.split('$');
    switch (parts[0]) {
      case SHA256_PREFIX:
        return verifySha256(secret, parts);
      case SCRYPT_PREFIX:
        return await verifyScrypt(secret, parts);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/**
 * Whether `secret` authenticates `client`: its current hash, or the hash before the last
 * rotation while `now` is before `previousSecretExpiresAt`.
 *
 * @example
 * const ok = await verifyClientSecret(client, presentedSecret);
 */
export async function verifyClientSecret(
  client: Pick<ClientRecord, 'secretHash' | 'previousSecretHash' | 'previousSecretExpiresAt'>,
  secret: string,
  now: Date = new Date(),
): Promise<boolean> {
  if (await verifySecret(secret, client.secretHash)) return true;
  const { previousSecretHash, previousSecretExpiresAt } = client;
  if (!previousSecretHash || !(previousSecretExpiresAt instanceof Date)) return false;
  if (!(now.getTime() < previousSecretExpiresAt.getTime())) return false;
  return verifySecret(secret, previousSecretHash);
}

/** A hash no secret matches in practice: the hash of a random secret thrown away at start-up. */
const DECOY_HASH = hashGeneratedSecret(generateClientSecret());

/**
 * Does the work of checking `secret` against a generated-secret hash and resolves `false`.
 * Call it when the client id is unknown, so that case costs the same time as a wrong secret and
 * response times do not reveal which client ids exist.
 *
 * @example
 * const client = await store.findByClientId(id);
 * const ok = client ? await verifyClientSecret(client, secret) : await verifyAgainstDecoy(secret);
 */
export async function verifyAgainstDecoy(secret: string): Promise<false> {
  await verifySecret(secret, DECOY_HASH);
  return false;
}

function verifySha256(secret: string, parts: string[]): boolean {
  if (parts.length !== 2) return false;
  const expected = decodeBase64url(parts[1]);
  const candidate = sha256(secret);
  if (expected === null || expected.length !== SHA256_DIGEST_BYTES) return false;
  return crypto.timingSafeEqual(candidate, expected);
}

async function verifyScrypt(secret: string, parts: string[]): Promise<boolean> {
  if (parts.length !== 6) return false;
  const [, nText, rText, pText, saltText, keyText] = parts;
  const N = parsePositiveInteger(nText);
  const r = parsePositiveInteger(rText);
  const p = parsePositiveInteger(pText);
  const salt = decodeBase64url(saltText);
  const expected = decodeBase64url(keyText);
  if (N === null || r === null || p === null || salt === null || expected === null) return false;
  if (!scryptParametersAcceptable(N, r, p)) return false;
  if (!within(salt.length, SCRYPT_SALT_RANGE) || !within(expected.length, SCRYPT_KEY_RANGE)) return false;
  const candidate = await scrypt(secret, salt, expected.length, { N, r, p });
  return crypto.timingSafeEqual(candidate, expected);
}

function scryptParametersAcceptable(N: number, r: number, p: number): boolean {
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  return (
    powerOfTwo &&
    r <= SCRYPT_MAX_R &&
    p <= SCRYPT_MAX_P &&
    N * r * p <= SCRYPT_MAX_WORK &&
    128 * N * r <= SCRYPT_MAX_MEMORY
  );
}

function scrypt(secret: string, salt: Buffer, keyLength: number, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    crypto.scrypt(secret, salt, keyLength, { ...cost, maxmem: SCRYPT_MAX_MEMORY + 1024 * 1024 }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

function sha256(secret: string): Buffer {
  return crypto.hash('sha256', secret, 'buffer');
}

/** Strict base64url (no padding, no other alphabet): lenient decoding would accept garbage. */
function decodeBase64url(text: string | undefined): Buffer | null {
  if (text === undefined || !BASE64URL.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

function parsePositiveInteger(text: string | undefined): number | null {
  return text !== undefined && POSITIVE_INTEGER.test(text) ? Number(text) : null;
}

function within(value: number, range: { min: number; max: number }): boolean {
  return value >= range.min && value <= range.max;
}

function assertSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length === 0) throw new TypeError('a client secret must be a non-empty string');
}
