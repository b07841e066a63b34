/**
 * Test harness for the token endpoint: a fresh Express app with `tokenRouter` mounted at
 * `/oauth2`, a real keyring, a real (fault-injectable) store with clients whose secrets are
 * generated and hashed by the registry, and JWT verification against the keyring's JWKS output
 * with node:crypto only (independent of the library's own verifier).
 */
import { constants, createHmac, createPublicKey, timingSafeEqual, verify } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import express from 'express';
import type { Express } from 'express';
import type { ClientRecord, NewClient } from '../../lib/clients';
import { generateClientSecret, hashGeneratedSecret } from '../../lib/clients';
import type { Keyring, SigningAlgorithm } from '../../lib/keys';
import type { AuthenticationFailedEvent, TokenIssuedEvent, TokenRouterOptions } from '../../lib/token';
import { tokenRouter } from '../../lib/token';
import { FaultInjectingClientStore } from './token-fault-store';

export const ISSUER = 'https://auth.example.test';
export const DEFAULT_AUDIENCE = 'https://api.example.test';

export interface TokenTestApp {
  app: Express;
  store: FaultInjectingClientStore;
  keys: Keyring;
  issued: TokenIssuedEvent[];
  failures: AuthenticationFailedEvent[];
}

/**
 * A fresh app with the token router at `/oauth2`. Hooks record their events unless `options`
 * brings its own hooks.
 */
export function tokenTestApp(keys: Keyring, options: Partial<TokenRouterOptions> = {}): TokenTestApp {
  const store = options.clients instanceof FaultInjectingClientStore ? options.clients : new FaultInjectingClientStore();
  const issued: TokenIssuedEvent[] = [];
  const failures: AuthenticationFailedEvent[] = [];
  const app = express();
  app.use(
    '/oauth2',
    tokenRouter({
      issuer: ISSUER,
      defaultAudience: [DEFAULT_AUDIENCE],
      hooks: {
        onTokenIssued: (event) => void issued.push(event),
        onAuthenticationFailed: (event) => void failures.push(event),
      },
      ...options,
      clients: store,
      keys,
    }),
  );
  return { app, store, keys, issued, failures };
}

export interface RegisteredClient {
  clientId: string;
  secret: string;
  record: ClientRecord;
}

/** Registers a client the way the registry does: a generated secret, only its hash stored. */
export async function registerClient(
  store: FaultInjectingClientStore,
  fields: Partial<NewClient> & { secret?: string } = {},
): Promise<RegisteredClient> {
  const { secret = generateClientSecret(), ...rest } = fields;
  const record = await store.inner.create({
    name: 'test client',
    scopes: ['records:read', 'records:write'],
    ...rest,
    secretHash: hashGeneratedSecret(secret),
  });
  return { clientId: record.clientId, secret, record };
}

/** `application/x-www-form-urlencoded` encoding of one value (RFC 6749 Appendix B). */
export function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** An `Authorization: Basic` value as RFC 6749 §2.3.1 prescribes (form-encode, then base64). */
export function basicAuth(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(secret)}`).toString('base64')}`;
}

/** A form body from a record of parameters. */
export function form(parameters: Record<string, string>): string {
  return new URLSearchParams(parameters).toString();
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

export function decodeJwt(token: string): DecodedJwt {
  const [header, payload] = token.split('.') as [string, string, string];
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}

/**
 * Verifies a JWT's signature with node:crypto: asymmetric algorithms against the JWKS entry named
 * by the header's `kid`; HS256 against the keyring's secret (never published). Throws when the
 * signature does not verify; returns the decoded token.
 */
export function verifyWithJwks(token: string, keys: Keyring): DecodedJwt {
  const decoded = decodeJwt(token);
  const [headerSegment, payloadSegment, signatureSegment] = token.split('.') as [string, string, string];
  const signingInput = Buffer.from(`${headerSegment}.${payloadSegment}`);
  const signature = Buffer.from(signatureSegment, 'base64url');
  const alg = decoded.header.alg as SigningAlgorithm;

  if (alg === 'HS256') {
    const expected = createHmac('sha256', keys.signingKey.key).update(signingInput).digest();
    if (expected.length !== signature.length || !timingSafeEqual(expected, signature)) throw new Error('bad HS256 signature');
    return decoded;
  }
  // The JWKS as a relying party receives it: serialised JSON.
  const jwks = JSON.parse(JSON.stringify(keys.jwks())) as { keys: JsonWebKey[] };
  const jwk = jwks.keys.find((entry) => entry.kid === decoded.header.kid);
  if (!jwk) throw new Error(`no JWKS entry for kid ${String(decoded.header.kid)}`);
  const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
  const ok =
    alg === 'RS256'
      ? verify('sha256', signingInput, publicKey, signature)
      : alg === 'PS256'
        ? verify('sha256', signingInput, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)
        : verify('sha256', signingInput, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
  if (!ok) throw new Error(`bad ${alg} signature`);
  return decoded;
}

/** The exact body of every client authentication failure. */
export const INVALID_CLIENT_BODY = { error: 'invalid_client', error_description: 'Client authentication failed.' };
