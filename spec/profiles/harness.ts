/**
 * Test harness for the wire profiles: an Express app assembled like the example app — the default
 * `/oauth2` token router, the JWKS, the profile mounted by `mountProfile`, the demo API behind
 * `requireToken` with the profile's bearer options, a JSON 404 — over a real keyring, a real
 * memory client store and a real memory token-state store. Tokens are checked against the JWKS the
 * app serves, with node:crypto only (independent of the library's own verifier).
 */
import { createPublicKey, verify } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import express from 'express';
import type { Express } from 'express';
import request from 'supertest';
import type { ClientRecord, NewClient } from '../../lib/clients';
import { generateClientSecret, hashGeneratedSecret, hashImportedSecret, MemoryClientStore } from '../../lib/clients';
import { OAuthError, renderOAuthError } from '../../lib/errors';
import type { Keyring } from '../../lib/keys';
import { jwksHandler } from '../../lib/keys';
import { MemoryTokenStateStore, RevocationList } from '../../lib/lifecycle';
import type { Profile, ProfileName } from '../../lib/profiles';
import { profiles } from '../../lib/profiles';
import { tokenRouter } from '../../lib/token';
import { demoApi } from '../../example-app/demo-api';
import { mountProfile } from '../../example-app/profiles';

/** The example app's default `$API_AUDIENCE`. */
export const API_AUDIENCE = 'example-api';
/** The issuer of profiles that have no usual one. */
export const TEST_ISSUER = 'https://auth.example.test';

export interface ProfileTestApp {
  app: Express;
  profile: Profile;
  clients: MemoryClientStore;
  keys: Keyring;
  issuer: string;
  tokenState: MemoryTokenStateStore;
}

/** The example app's shape under `PROFILE=name`. */
export function profileTestApp(name: ProfileName, keys: Keyring): ProfileTestApp {
  const clients = new MemoryClientStore();
  const tokenState = new MemoryTokenStateStore();
  const revocations = new RevocationList(tokenState, { mode: 'strict' });
  const app = express();
  // The issuer the example app picks: the system's usual one (OpenCRVS), else its own URL.
  const issuer = profiles[name].defaultIssuer ?? TEST_ISSUER;
  const defaultAudience = [API_AUDIENCE];

  app.use('/oauth2', tokenRouter({ clients, keys, issuer, defaultAudience, tokenState, revocations }));
  app.get('/.well-known/jwks.json', jwksHandler(keys));
  const { profile, bearer } = mountProfile(app, name, { clients, keys, issuer, defaultAudience, tokenState, revocations });
  app.use('/api', demoApi({ keys, issuer, audience: API_AUDIENCE, bearer }));
  app.use((_req, res) => renderOAuthError(res, new OAuthError('not_found', 'No such route.')));
  return { app, profile, clients, keys, issuer, tokenState };
}

export interface RegisteredClient {
  clientId: string;
  secret: string;
  record: ClientRecord;
}

/** A client whose secret the registry generated (only its hash is stored). */
export async function registerClient(
  clients: MemoryClientStore,
  fields: Partial<NewClient> = {},
): Promise<RegisteredClient> {
  const secret = generateClientSecret();
  const record = await clients.create({
    name: 'profile test client',
    scopes: ['records:read', 'disburse'],
    ...fields,
    secretHash: hashGeneratedSecret(secret),
  });
  return { clientId: record.clientId, secret, record };
}

/** A client imported with the id and secret a seed document shows (a secret from outside: scrypt). */
export async function importClient(
  clients: MemoryClientStore,
  clientId: string,
  secret: string,
  fields: Partial<NewClient> = {},
): Promise<RegisteredClient> {
  const record = await clients.create({
    name: 'seed client',
    scopes: ['records:read', 'disburse'],
    ...fields,
    clientId,
    secretHash: await hashImportedSecret(secret),
  });
  return { clientId, secret, record };
}

export interface VerifiedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/**
 * Fetches the app's JWKS and verifies an RS256 token's signature with the key its `kid` names.
 * Throws when the signature does not verify; returns the decoded header and payload.
 */
export async function verifyAgainstJwks(app: Express, token: string): Promise<VerifiedJwt> {
  const jwks = (await request(app).get('/.well-known/jwks.json').expect(200)).body as { keys: JsonWebKey[] };
  const [headerSegment, payloadSegment, signatureSegment] = token.split('.') as [string, string, string];
  const header = JSON.parse(Buffer.from(headerSegment, 'base64url').toString('utf8')) as Record<string, unknown>;
  const payload = JSON.parse(Buffer.from(payloadSegment, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (header.alg !== 'RS256') throw new Error(`expected RS256, got ${String(header.alg)}`);
  const jwk = jwks.keys.find((key) => key.kid === header.kid);
  if (!jwk) throw new Error(`no JWKS entry for kid ${String(header.kid)}`);
  const ok = verify(
    'sha256',
    Buffer.from(`${headerSegment}.${payloadSegment}`),
    createPublicKey({ key: jwk, format: 'jwk' }),
    Buffer.from(signatureSegment, 'base64url'),
  );
  if (!ok) throw new Error('bad RS256 signature');
  return { header, payload };
}

/** `Authorization: Basic` as RFC 6749 §2.3.1 prescribes (form-encode each part, then base64). */
export function basicAuth(clientId: string, secret: string): string {
  const encode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

/** A form body from a record of parameters. */
export function form(parameters: Record<string, string>): string {
  return new URLSearchParams(parameters).toString();
}
