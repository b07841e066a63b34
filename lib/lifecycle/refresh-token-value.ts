/**
 * Refresh token values (RFC 6749 §1.5, §10.4): opaque, 32 random bytes as base64url (256 bits,
 * RFC 6749 §10.10), kept by the server only as a SHA-256 hash. A fast hash is enough for a value
 * of that entropy, and it lets the store look a token up by its hash.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Bytes of randomness in a refresh token. */
export const REFRESH_TOKEN_BYTES = 32;

/** 43 base64url characters, nothing else: anything that is not is no refresh token of ours. */
const REFRESH_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * A new opaque refresh token.
 *
 * @example
 * const token = generateRefreshToken(); // 'q3Zk…' (43 characters)
 */
export function generateRefreshToken(): string {
  return randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
}

/**
 * The SHA-256 (base64url) under which a refresh token is stored.
 *
 * @example
 * await store.findRefreshToken(hashRefreshToken(token));
 */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/**
 * Whether a string has the shape of a refresh token this library issues (so a lookup is worth it).
 *
 * @example
 * looksLikeRefreshToken('eyJhbGciOi…'); // false: a JWT
 */
export function looksLikeRefreshToken(value: string): boolean {
  return REFRESH_TOKEN_SHAPE.test(value);
}
