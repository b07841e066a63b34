/**
 * Profile `opencrvs-v2` against its seed, 001_3e5526d54addbbb6.txt (OpenCRVS v2.0): the documented
 * JSON body replayed literally (the seed's own client id and secret) at `POST /auth/token`, the
 * token shape of v1, and what the profile refuses.
 */
import request from 'supertest';
import { Keyring } from '../../lib/keys';
import type { ProfileTestApp } from './harness';
import { API_AUDIENCE, basicAuth, form, importClient, profileTestApp, verifyAgainstJwks } from './harness';

const SEED_CLIENT_ID = '2fd153ab-86c8-45fb-990d-721140e46061';
const SEED_CLIENT_SECRET = '8636abe2-affb-4238-8bff-200ed3652d1e';
/** The seed's "Example request body", byte for byte. */
const SEED_BODY = `{
    "client_id": "2fd153ab-86c8-45fb-990d-721140e46061",
    "client_secret": "8636abe2-affb-4238-8bff-200ed3652d1e",
    "grant_type": "client_credentials"
}`;

let harness: ProfileTestApp;
beforeAll(async () => {
  harness = profileTestApp('opencrvs-v2', await Keyring.generate('RS256'));
  await importClient(harness.clients, SEED_CLIENT_ID, SEED_CLIENT_SECRET, { scopes: ['recordsearch', 'records:read'] });
});

function postSeedBody(): request.Test {
  return request(harness.app).post('/auth/token').set('Content-Type', 'application/json').send(SEED_BODY);
}

describe('POST /auth/token — the OpenCRVS v2 seed request', () => {
  it('answers the seed’s JSON body with an access token and the RFC 6749 §5.1 fields', async () => {
    const res = await postSeedBody();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.stringMatching(/^eyJ/),
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'recordsearch records:read',
    });
  });

  it('issues the OpenCRVS token shape: RS256, typ JWT, scope and aud arrays, iss opencrvs.auth, sub the database id', async () => {
    const client = await harness.clients.findByClientId(SEED_CLIENT_ID);
    const res = await postSeedBody();
    const { header, payload } = await verifyAgainstJwks(harness.app, res.body.access_token);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toMatchObject({
      scope: ['recordsearch', 'records:read'],
      aud: [API_AUDIENCE],
      iss: 'opencrvs.auth',
      sub: client?.id,
      client_id: SEED_CLIENT_ID,
    });
    expect((payload.exp as number) - (payload.iat as number)).toBe(600);
  });

  it('accepts the OAuth 2.0 form body too ("The token endpoint is OAuth 2.0 compliant")', async () => {
    const res = await request(harness.app)
      .post('/auth/token')
      .type('form')
      .send(form({ client_id: SEED_CLIENT_ID, client_secret: SEED_CLIENT_SECRET, grant_type: 'client_credentials' }));
    expect(res.status).toBe(200);
  });

  it('accepts a Basic header too (RFC 6749 §2.3.1)', async () => {
    const res = await request(harness.app)
      .post('/auth/token')
      .set('Authorization', basicAuth(SEED_CLIENT_ID, SEED_CLIENT_SECRET))
      .send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(200);
  });
});

describe('POST /auth/token — what opencrvs-v2 refuses', () => {
  it('refuses the v1 query string: credentials must not travel in the URL', async () => {
    const res = await request(harness.app)
      .post(`/auth/token?client_id=${SEED_CLIENT_ID}&client_secret=${SEED_CLIENT_SECRET}`)
      .send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Client credentials must not be sent in the query string.' });
  });

  it('refuses a wrong secret with 401 invalid_client', async () => {
    const res = await request(harness.app)
      .post('/auth/token')
      .send({ client_id: SEED_CLIENT_ID, client_secret: 'wrong', grant_type: 'client_credentials' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
  });

  it('refuses a JSON value that is not a string', async () => {
    const res = await request(harness.app)
      .post('/auth/token')
      .send({ client_id: SEED_CLIENT_ID, client_secret: SEED_CLIENT_SECRET, grant_type: ['client_credentials'], scope: 7 });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('serves no v1 endpoint at /token', async () => {
    const res = await request(harness.app).post(
      `/token?client_id=${SEED_CLIENT_ID}&client_secret=${SEED_CLIENT_SECRET}&grant_type=client_credentials`,
    );
    expect(res.status).toBe(404);
  });
});

describe('requireToken under opencrvs-v2', () => {
  it('admits the v2 token (typ JWT, scope array) on a route that needs one of its scopes', async () => {
    const token = (await postSeedBody()).body.access_token as string;
    const res = await request(harness.app).get('/api/records').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.client_id).toBe(SEED_CLIENT_ID);
  });
});
