/**
 * Test helpers for keys and tokens: real keys, real signatures, and hand-crafted JWTs for the
 * attacks a verifier must refuse. Nothing here mocks a component of the library.
 */
import { constants, createHmac, randomUUID, sign } from 'node:crypto';
import type { Keyring } from '../../lib/keys/keyring';
import { signJwt } from '../../lib/keys/jwt';
import type { AccessTokenClaims, SigningKey } from '../../lib/keys/types';

export const TEST_ISSUER = 'https://as.example.test';
export const TEST_AUDIENCE = 'records-api';

/** Seconds since the epoch. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** A complete, currently valid set of access-token claims (RFC 9068 §2.2), with overrides. */
export function accessClaims(overrides: Partial<Record<keyof AccessTokenClaims, unknown>> = {}): Record<string, unknown> {
  const iat = nowSeconds();
  return {
    iss: TEST_ISSUER,
    sub: 'client-1',
    client_id: 'client-1',
    aud: [TEST_AUDIENCE],
    scope: 'records:read records:write',
    iat,
    exp: iat + 600,
    jti: randomUUID(),
    ...overrides,
  };
}

/** A token signed by the keyring's active key. `undefined` in overrides removes a claim. */
export function tokenFor(
  keyring: Keyring,
  overrides: Partial<Record<keyof AccessTokenClaims, unknown>> = {},
  options: { typ?: string } = {},
): string {
  const claims = accessClaims(overrides);
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return signJwt(claims, keyring.signingKey, options);
}

export function base64url(value: string | Buffer | object): string {
  const data = typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value);
  return Buffer.from(data).toString('base64url');
}

const BASE64URL_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The same bytes spelled another way (RFC 4648 §3.5): the last character's unused low bits set.
 * Works on a bare segment or on a whole token (its last segment); throws for a segment whose
 * length leaves no unused bits.
 */
export function respelled(segment: string): string {
  const leftover = (segment.length - segment.lastIndexOf('.') - 1) % 4;
  if (leftover === 0 || leftover === 1) throw new Error('a segment without unused bits cannot be re-spelled');
  const last = BASE64URL_DIGITS.indexOf(segment.charAt(segment.length - 1));
  return segment.slice(0, -1) + BASE64URL_DIGITS.charAt(last | (leftover === 2 ? 0b1111 : 0b11));
}

/** A JWT assembled by hand from a header, a payload and a signature (no signing at all). */
export function craftJwt(header: object, payload: object, signature = ''): string {
  return `${base64url(header)}.${base64url(payload)}.${signature}`;
}

/** The token with its payload replaced after signing (signature kept). */
export function withEditedPayload(token: string, edit: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  edit(claims);
  return `${header}.${base64url(claims)}.${signature}`;
}

/** The decoded header of a token. */
export function headerOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * Signs a hand-made header and payload with node:crypto directly (RFC 7518 §3), bypassing signJwt's
 * checks: for tokens whose claims signJwt would refuse to write. The header is used as given.
 */
export function signCrafted(header: object, payload: unknown, key: SigningKey): string {
  const data = `${base64url(header)}.${base64url(JSON.stringify(payload))}`;
  let signature: Buffer;
  if (key.alg === 'HS256') signature = createHmac('sha256', key.key).update(data).digest();
  else if (key.alg === 'ES256') signature = sign('sha256', Buffer.from(data), { key: key.key, dsaEncoding: 'ieee-p1363' });
  else if (key.alg === 'PS256') {
    signature = sign('sha256', Buffer.from(data), {
      key: key.key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    });
  } else signature = sign('sha256', Buffer.from(data), key.key);
  return `${data}.${signature.toString('base64url')}`;
}
