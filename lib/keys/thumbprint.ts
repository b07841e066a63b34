/**
 * RFC 7638 — JSON Web Key (JWK) Thumbprint.
 *
 * The default `kid` of a key: the base64url SHA-256 of the key's required JWK members, in
 * lexicographic order, with no whitespace (§3.2): `e, kty, n` for RSA, `crv, kty, x, y` for EC,
 * `k, kty` for a symmetric key.
 */
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** The JWK members RFC 7638 §3.2 hashes, per key type, already in lexicographic order. */
const REQUIRED_MEMBERS: Record<string, readonly string[]> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  oct: ['k', 'kty'],
};

/**
 * The RFC 7638 thumbprint of a JWK (public members only are read).
 *
 * @example
 * jwkThumbprint({ kty: 'RSA', e: 'AQAB', n: '0vx7…' }); // 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'
 */
export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string {
  const kty = jwk.kty;
  const members = typeof kty === 'string' ? REQUIRED_MEMBERS[kty] : undefined;
  if (!members) throw new Error(`Cannot compute a JWK thumbprint for key type ${String(kty)}.`);
  const canonical: Record<string, string> = {};
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string') throw new Error(`Cannot compute a JWK thumbprint: member "${name}" is missing.`);
    canonical[name] = value;
  }
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

/**
 * The RFC 7638 thumbprint of a public or secret `KeyObject` (a private key is reduced to its
 * public part by the caller).
 *
 * @example
 * keyThumbprint(createPublicKey(pem)); // 'NzbLsXh8…'
 */
export function keyThumbprint(key: KeyObject): string {
  return jwkThumbprint(key.export({ format: 'jwk' }));
}
