/**
 * Profile `opencrvs-v1` against its seed, 000_74a890771f333a74.txt (OpenCRVS v1.x): the documented
 * request replayed literally — the seed's own client id and secret, the query string with
 * `grant_type=&grant_type=client_credentials` — and the documented token header and payload.
 */
import express from 'express';
import request from 'supertest';
import { MemoryClientStore } from '../../lib/clients';
import { jwksHandler, Keyring } from '../../lib/keys';
import { openCrvsV1Profile, profileTokenRouter } from '../../lib/profiles';
import type { ProfileTestApp } from './harness';
import { API_AUDIENCE, basicAuth, form, importClient, profileTestApp, registerClient, verifyAgainstJwks } from './harness';

const SEED_CLIENT_ID = '2fd153ab-86c8-45fb-990d-721140e46061';
const SEED_CLIENT_SECRET = '8636abe2-affb-4238-8bff-200ed3652d1e';
/** The seed's "Example URL", host removed. */
const SEED_URL = `/token?client_id=${SEED_CLIENT_ID}&client_secret=${SEED_CLIENT_SECRET}&grant_type=&grant_type=client_credentials`;

let keys: Keyring;
let harness: ProfileTestApp;
beforeAll(async () => {
  keys = await Keyring.generate('RS256');
  harness = profileTestApp('opencrvs-v1', keys);
  await importClient(harness.clients, SEED_CLIENT_ID, SEED_CLIENT_SECRET, { scopes: ['recordsearch', 'records:read'] });
});

describe('POST /token — the OpenCRVS v1 seed request', () => {
  it('answers the seed’s literal example URL with an access token and the RFC 6749 §5.1 fields', async () => {
    const res = await request(harness.app).post(SEED_URL);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.stringMatching(/^eyJ/),
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'recordsearch records:read',
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('signs an RS256 JWT with header typ JWT, verifiable with the served JWKS', async () => {
    const res = await request(harness.app).post(SEED_URL);
    const { header } = await verifyAgainstJwks(harness.app, res.body.access_token);
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: keys.signingKey.kid });
  });

  it('carries the seed’s payload shapes: scope and aud arrays, iss opencrvs.auth, sub the database id, 10 minutes', async () => {
    const client = await harness.clients.findByClientId(SEED_CLIENT_ID);
    const res = await request(harness.app).post(SEED_URL);
    const { payload } = await verifyAgainstJwks(harness.app, res.body.access_token);
    expect(payload.scope).toEqual(['recordsearch', 'records:read']);
    expect(payload.aud).toEqual([API_AUDIENCE]);
    expect(payload.iss).toBe('opencrvs.auth');
    expect(payload.sub).toBe(client?.id);
    expect(payload.sub).toMatch(/^[0-9a-f]{24}$/);
    expect(payload.client_id).toBe(SEED_CLIENT_ID);
    expect((payload.exp as number) - (payload.iat as number)).toBe(600);
  });

  it('puts a client’s registered audience in an array, as the seed’s aud [\'opencrvs.auth\']', async () => {
    const client = await registerClient(harness.clients, { scopes: ['recordsearch'], audiences: ['opencrvs.auth'] });
    const res = await request(harness.app).post(
      `/token?client_id=${client.clientId}&client_secret=${client.secret}&grant_type=&grant_type=client_credentials`,
    );
    const { payload } = await verifyAgainstJwks(harness.app, res.body.access_token);
    expect(payload.aud).toEqual(['opencrvs.auth']);
    expect(payload.scope).toEqual(['recordsearch']);
  });

  it('accepts the query with a single grant_type as well', async () => {
    const res = await request(harness.app).post(
      `/token?client_id=${SEED_CLIENT_ID}&client_secret=${SEED_CLIENT_SECRET}&grant_type=client_credentials`,
    );
    expect(res.status).toBe(200);
  });
});

describe('POST /token — what opencrvs-v1 refuses', () => {
  it('refuses a wrong secret in the query with 401 invalid_client', async () => {
    const res = await request(harness.app).post(
      `/token?client_id=${SEED_CLIENT_ID}&client_secret=wrong&grant_type=&grant_type=client_credentials`,
    );
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
  });

  it('refuses credentials in a Basic header: the seed carries them in the query only', async () => {
    const res = await request(harness.app)
      .post('/token?grant_type=client_credentials')
      .set('Authorization', basicAuth(SEED_CLIENT_ID, SEED_CLIENT_SECRET));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('refuses credentials in a form body', async () => {
    const res = await request(harness.app)
      .post('/token')
      .type('form')
      .send(form({ grant_type: 'client_credentials', client_id: SEED_CLIENT_ID, client_secret: SEED_CLIENT_SECRET }));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('refuses any grant but client_credentials ("The only supported grant type")', async () => {
    const res = await request(harness.app).post(
      `/token?client_id=${SEED_CLIENT_ID}&client_secret=${SEED_CLIENT_SECRET}&grant_type=refresh_token`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unsupported_grant_type');
  });

  it('leaves the default /oauth2/token refusing the same query (RFC 6749 §2.3.1)', async () => {
    const res = await request(harness.app).post(`/oauth2${SEED_URL}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });
});

describe('requireToken under opencrvs-v1', () => {
  it('admits an OpenCRVS token (typ JWT, scope array) on a route that needs one of its scopes', async () => {
    const token = (await request(harness.app).post(SEED_URL)).body.access_token as string;
    const res = await request(harness.app).get('/api/records').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.client_id).toBe(SEED_CLIENT_ID);
  });

  it('refuses it with 403 insufficient_scope on a route that needs a scope the array lacks', async () => {
    const token = (await request(harness.app).post(SEED_URL)).body.access_token as string;
    const res = await request(harness.app).post('/api/payments').set('Authorization', `Bearer ${token}`).send({ amount: 5 });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('insufficient_scope');
  });

  it('still admits the RFC 9068 tokens (typ at+jwt) of /oauth2/token', async () => {
    const client = await registerClient(harness.clients);
    const issued = await request(harness.app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials');
    const res = await request(harness.app).get('/api/records').set('Authorization', `Bearer ${issued.body.access_token as string}`);
    expect(res.status).toBe(200);
  });
});

describe('profileTokenRouter(openCrvsV1Profile)', () => {
  it('issues tokens with iss opencrvs.auth when the host names no issuer', async () => {
    const clients = new MemoryClientStore();
    const client = await registerClient(clients);
    const app = express();
    app.use(profileTokenRouter(openCrvsV1Profile, { clients, keys, defaultAudience: [API_AUDIENCE] }));
    app.get('/.well-known/jwks.json', jwksHandler(keys));
    const res = await request(app).post(`/token?client_id=${client.clientId}&client_secret=${client.secret}&grant_type=client_credentials`);
    const { payload } = await verifyAgainstJwks(app, res.body.access_token);
    expect(payload.iss).toBe('opencrvs.auth');
  });

  it('refuses a keyring that does not sign with RS256, naming the profile', async () => {
    const ecKeys = await Keyring.generate('ES256');
    expect(() => profileTokenRouter(openCrvsV1Profile, { clients: new MemoryClientStore(), keys: ecKeys })).toThrow(
      new TypeError('opencrvs-v1 profile: the signing key must use RS256'),
    );
  });
});
