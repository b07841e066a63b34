/**
 * Profile `screening-eagle` against its seed, 004_65d3b60d6fe58fb6.txt (Screening Eagle ID):
 * `POST /api/id/v1/auth/token` with Basic credentials and a form body carrying `grant_type` and a
 * space-separated `scope`; the documented response fields and order; every error as
 * `{error, errorDescription}` with the seed's statuses.
 */
import request from 'supertest';
import { Keyring } from '../../lib/keys';
import type { ProfileTestApp, RegisteredClient } from './harness';
import { API_AUDIENCE, basicAuth, form, profileTestApp, registerClient, verifyAgainstJwks } from './harness';

const PATH = '/api/id/v1/auth/token';
/** The seed's example scope. */
const SEED_SCOPE = 'openid email profile inspect';

let harness: ProfileTestApp;
let client: RegisteredClient;
beforeAll(async () => {
  harness = profileTestApp('screening-eagle', await Keyring.generate('RS256'));
  client = await registerClient(harness.clients, { scopes: ['openid', 'email', 'profile', 'inspect', 'records:read'] });
});

function seedRequest(who: RegisteredClient = client): request.Test {
  return request(harness.app).post(PATH).set('Authorization', basicAuth(who.clientId, who.secret)).type('form');
}

describe('POST /api/id/v1/auth/token — the Screening Eagle seed request', () => {
  it('answers {scope, token_type, access_token, expires_in} in the seed’s order', async () => {
    const res = await seedRequest().send(form({ grant_type: 'client_credentials', scope: SEED_SCOPE }));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['scope', 'token_type', 'access_token', 'expires_in']);
    expect(res.body).toEqual({ scope: SEED_SCOPE, token_type: 'Bearer', access_token: expect.any(String), expires_in: 600 });
  });

  it('issues a JWT with the granted scopes, verifiable with the served JWKS', async () => {
    const res = await seedRequest().send(form({ grant_type: 'client_credentials', scope: SEED_SCOPE }));
    const { payload } = await verifyAgainstJwks(harness.app, res.body.access_token);
    expect(payload).toMatchObject({ scope: SEED_SCOPE, aud: API_AUDIENCE, client_id: client.clientId });
  });

  it('adds refresh_token, last, for a client that has the refresh_token grant', async () => {
    const refreshing = await registerClient(harness.clients, { scopes: ['inspect'], grantTypes: ['client_credentials', 'refresh_token'] });
    const res = await seedRequest(refreshing).send(form({ grant_type: 'client_credentials', scope: 'inspect' }));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['scope', 'token_type', 'access_token', 'expires_in', 'refresh_token']);
  });

  it('rotates that refresh token through the same endpoint, Basic-authenticated, in the same shape', async () => {
    const refreshing = await registerClient(harness.clients, { scopes: ['inspect'], grantTypes: ['client_credentials', 'refresh_token'] });
    const first = await seedRequest(refreshing).send(form({ grant_type: 'client_credentials', scope: 'inspect' }));
    const res = await seedRequest(refreshing).send(form({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string }));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['scope', 'token_type', 'access_token', 'expires_in', 'refresh_token']);
    expect(res.body.refresh_token).not.toBe(first.body.refresh_token);
  });

  it('ignores an audience parameter: the seed has none, tokens carry the client’s audiences', async () => {
    const res = await seedRequest().send(form({ grant_type: 'client_credentials', scope: 'inspect', audience: 'elsewhere' }));
    expect(res.status).toBe(200);
    const { payload } = await verifyAgainstJwks(harness.app, res.body.access_token);
    expect(payload.aud).toBe(API_AUDIENCE);
  });
});

describe('POST /api/id/v1/auth/token — errors as {error, errorDescription} with the seed’s statuses', () => {
  it('401: credentials in the body instead of the Basic header', async () => {
    const res = await request(harness.app)
      .post(PATH)
      .type('form')
      .send(form({ grant_type: 'client_credentials', scope: 'inspect', client_id: client.clientId, client_secret: client.secret }));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_client', errorDescription: 'Client authentication failed.' });
    expect(res.headers['www-authenticate']).toBe('Basic realm="oauth2"');
  });

  it('401: a wrong secret', async () => {
    const res = await request(harness.app)
      .post(PATH)
      .set('Authorization', basicAuth(client.clientId, 'wrong'))
      .type('form')
      .send(form({ grant_type: 'client_credentials', scope: 'inspect' }));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_client', errorDescription: 'Client authentication failed.' });
  });

  it('400: no scope (the seed requires one)', async () => {
    const res = await seedRequest().send(form({ grant_type: 'client_credentials' }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_scope', errorDescription: 'The scope parameter is required.' });
  });

  it('400: a scope that is not space-separated scope tokens', async () => {
    const res = await seedRequest().send(form({ grant_type: 'client_credentials', scope: 'openid,"email"' }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_scope', errorDescription: 'The scope parameter is malformed.' });
  });

  it('403: a scope the client is not allowed', async () => {
    const res = await seedRequest().send(form({ grant_type: 'client_credentials', scope: 'openid admin' }));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'invalid_scope', errorDescription: 'The scope admin is not allowed for this client.' });
  });

  it('403: a grant the client is not allowed', async () => {
    const res = await seedRequest().send(form({ grant_type: 'refresh_token', refresh_token: 'anything' }));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'unauthorized_client', errorDescription: 'The client is not allowed to use this grant type.' });
  });

  it('400: a grant this server does not serve (authorization_code)', async () => {
    const res = await seedRequest().send(form({ grant_type: 'authorization_code', scope: 'inspect' }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'unsupported_grant_type', errorDescription: 'The grant type is not supported.' });
  });

  it('400: a JSON body (the seed’s body is application/x-www-form-urlencoded)', async () => {
    const res = await request(harness.app)
      .post(PATH)
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .send({ grant_type: 'client_credentials', scope: 'inspect' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_request',
      errorDescription: 'The request body must be application/x-www-form-urlencoded.',
    });
  });
});

describe('requireToken under screening-eagle', () => {
  it('admits a Screening Eagle token on a route that needs one of its scopes', async () => {
    const token = (await seedRequest().send(form({ grant_type: 'client_credentials', scope: 'records:read' }))).body
      .access_token as string;
    const res = await request(harness.app).get('/api/records').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
  });

  it('refuses a missing token with 401 and an {error, errorDescription} body', async () => {
    const res = await request(harness.app).get('/api/records');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_request', errorDescription: 'The request carries no access token.' });
  });

  it('refuses a token without the route’s scope with 403 and an {error, errorDescription} body', async () => {
    const token = (await seedRequest().send(form({ grant_type: 'client_credentials', scope: 'inspect' }))).body.access_token as string;
    const res = await request(harness.app).get('/api/records').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: 'insufficient_scope',
      errorDescription: 'The access token does not carry the scope this resource requires.',
    });
  });
});
