/**
 * Profile `aidbox` against its seed, 003_87bb6175fcf303bb.txt (Aidbox OAuth module, client
 * credentials grant): the documented Basic + form and JSON requests replayed literally (the seed's
 * `api-client` / `verysecret`, its literal Basic header), the `audience` parameter, per-client
 * lifetimes, refresh tokens, and `DELETE /Session`.
 */
import express from 'express';
import request from 'supertest';
import { Keyring } from '../../lib/keys';
import { MemoryTokenStateStore, RevocationList } from '../../lib/lifecycle';
import { sessionRouter } from '../../lib/profiles';
import type { ProfileTestApp, RegisteredClient } from './harness';
import { API_AUDIENCE, basicAuth, importClient, profileTestApp, registerClient, verifyAgainstJwks } from './harness';

/** The seed's client (`PUT /Client/api-client … secret: verysecret`) and its literal header. */
const SEED_CLIENT_ID = 'api-client';
const SEED_SECRET = 'verysecret';
const SEED_BASIC = 'Basic YXBpLWNsaWVudDp2ZXJ5c2VjcmV0';
/** The seed's JSON request, byte for byte. */
const SEED_JSON = `{
"grant_type": "client_credentials",
"client_id": "api-client",
"client_secret": "verysecret"
}`;
const RESOURCE_SERVER = 'http://resource.server.com';

let harness: ProfileTestApp;
beforeAll(async () => {
  harness = profileTestApp('aidbox', await Keyring.generate('RS256'));
  await importClient(harness.clients, SEED_CLIENT_ID, SEED_SECRET, {
    scopes: ['records:read'],
    audiences: [API_AUDIENCE, RESOURCE_SERVER],
    accessTokenTtl: 600,
  });
});

function basicFormRequest(): request.Test {
  return request(harness.app)
    .post('/auth/token')
    .set('Authorization', SEED_BASIC)
    .set('Content-Type', 'application/x-www-form-urlencoded')
    .send('grant_type=client_credentials');
}

describe('POST /auth/token — the Aidbox seed requests', () => {
  it('answers the Basic + form request with a Bearer access token', async () => {
    const res = await basicFormRequest();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 600, access_token: expect.any(String) });
    expect(res.body.refresh_token).toBeUndefined();
  });

  it('answers the JSON request with client_id and client_secret in the body', async () => {
    const res = await request(harness.app).post('/auth/token').set('Content-Type', 'application/json').send(SEED_JSON);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) });
  });

  it('issues a JWT (token_format: jwt) with iss, sub, iat, jti, aud and exp, verifiable with the served JWKS', async () => {
    const res = await basicFormRequest();
    const { payload } = await verifyAgainstJwks(harness.app, res.body.access_token);
    expect(payload).toMatchObject({ iss: harness.issuer, sub: SEED_CLIENT_ID, jti: expect.any(String), aud: [API_AUDIENCE, RESOURCE_SERVER] });
    expect((payload.exp as number) - (payload.iat as number)).toBe(600);
  });

  it('sets aud to the audience parameter sent (form)', async () => {
    const res = await request(harness.app)
      .post('/auth/token')
      .set('Authorization', SEED_BASIC)
      .type('form')
      .send(`grant_type=client_credentials&audience=${encodeURIComponent(RESOURCE_SERVER)}`);
    const { payload } = await verifyAgainstJwks(harness.app, res.body.access_token);
    expect(payload.aud).toBe(RESOURCE_SERVER);
  });

  it('sets aud to the audience parameter sent (JSON)', async () => {
    const res = await request(harness.app)
      .post('/auth/token')
      .send({ grant_type: 'client_credentials', client_id: SEED_CLIENT_ID, client_secret: SEED_SECRET, audience: API_AUDIENCE });
    const { payload } = await verifyAgainstJwks(harness.app, res.body.access_token);
    expect(payload.aud).toBe(API_AUDIENCE);
  });

  it('refuses an audience the client is not registered for with 400 invalid_target', async () => {
    const res = await request(harness.app)
      .post('/auth/token')
      .set('Authorization', SEED_BASIC)
      .type('form')
      .send('grant_type=client_credentials&audience=http%3A%2F%2Fother.example');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_target');
  });

  it('uses the client’s own access token lifetime (Aidbox access_token_expiration)', async () => {
    const client = await registerClient(harness.clients, { accessTokenTtl: 3000 });
    const res = await request(harness.app)
      .post('/auth/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.body.expires_in).toBe(3000);
    const { payload } = await verifyAgainstJwks(harness.app, res.body.access_token);
    expect((payload.exp as number) - (payload.iat as number)).toBe(3000);
  });
});

describe('POST /auth/token — Aidbox refresh tokens (refresh_token: true, refresh_token_expiration)', () => {
  let refreshing: RegisteredClient;
  beforeAll(async () => {
    refreshing = await registerClient(harness.clients, {
      grantTypes: ['client_credentials', 'refresh_token'],
      accessTokenTtl: 3000,
      refreshTokenTtl: 86_400,
    });
  });

  async function firstTokens(): Promise<{ access_token: string; refresh_token: string }> {
    const res = await request(harness.app)
      .post('/auth/token')
      .set('Authorization', basicAuth(refreshing.clientId, refreshing.secret))
      .type('form')
      .send('grant_type=client_credentials');
    return res.body as { access_token: string; refresh_token: string };
  }

  it('adds a refresh_token for a client that enables them', async () => {
    const res = await request(harness.app)
      .post('/auth/token')
      .set('Authorization', basicAuth(refreshing.clientId, refreshing.secret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3000, access_token: expect.any(String), refresh_token: expect.any(String) });
  });

  it('exchanges the refresh token for a new access token with the seed’s JSON request plus the client secret', async () => {
    const { refresh_token } = await firstTokens();
    const res = await request(harness.app)
      .post('/auth/token')
      .send({ grant_type: 'refresh_token', client_id: refreshing.clientId, client_secret: refreshing.secret, refresh_token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ access_token: expect.any(String), expires_in: 3000, refresh_token: expect.any(String) });
    const { payload } = await verifyAgainstJwks(harness.app, res.body.access_token);
    expect(payload.client_id).toBe(refreshing.clientId);
  });

  it('still requires client authentication on refresh: the seed’s body without a secret is 401', async () => {
    const { refresh_token } = await firstTokens();
    const res = await request(harness.app).post('/auth/token').send({ grant_type: 'refresh_token', client_id: refreshing.clientId, refresh_token });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('refuses another client’s refresh token with 400 invalid_grant', async () => {
    const { refresh_token } = await firstTokens();
    const other = await registerClient(harness.clients, { grantTypes: ['client_credentials', 'refresh_token'] });
    const res = await request(harness.app)
      .post('/auth/token')
      .set('Authorization', basicAuth(other.clientId, other.secret))
      .type('form')
      .send(`grant_type=refresh_token&refresh_token=${encodeURIComponent(refresh_token)}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('refuses the refresh grant to a client that does not enable it with 400 unauthorized_client', async () => {
    const { refresh_token } = await firstTokens();
    const res = await request(harness.app)
      .post('/auth/token')
      .set('Authorization', SEED_BASIC)
      .type('form')
      .send(`grant_type=refresh_token&refresh_token=${encodeURIComponent(refresh_token)}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });
});

describe('DELETE /Session — closing the session of an access token', () => {
  async function accessToken(): Promise<string> {
    return (await basicFormRequest()).body.access_token as string;
  }

  it('answers 204, after which requireToken refuses the token with 401', async () => {
    const token = await accessToken();
    expect((await request(harness.app).get('/api/records').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    const closed = await request(harness.app).delete('/Session').set('Authorization', `Bearer ${token}`);
    expect(closed.status).toBe(204);
    const res = await request(harness.app).get('/api/records').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_token', error_description: 'The access token has been revoked.' });
  });

  it('closes only that session: another token of the same client still works', async () => {
    const kept = await accessToken();
    await request(harness.app).delete('/Session').set('Authorization', `Bearer ${await accessToken()}`).expect(204);
    expect((await request(harness.app).get('/api/records').set('Authorization', `Bearer ${kept}`)).status).toBe(200);
  });

  it('records the revocation in the token-state store, until the token’s expiry', async () => {
    const token = await accessToken();
    await request(harness.app).delete('/Session').set('Authorization', `Bearer ${token}`).expect(204);
    const { payload } = await verifyAgainstJwks(harness.app, token);
    expect(await harness.tokenState.isAccessTokenRevoked(payload.jti as string)).toBe(true);
  });

  it('answers a session already closed with 401 invalid_token', async () => {
    const token = await accessToken();
    await request(harness.app).delete('/Session').set('Authorization', `Bearer ${token}`).expect(204);
    const res = await request(harness.app).delete('/Session').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  });

  it('answers a request without a token with 401 and a Bearer challenge', async () => {
    const res = await request(harness.app).delete('/Session');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="aidbox"');
  });

  it('answers a token that does not verify with 401 invalid_token', async () => {
    const token = await accessToken();
    const res = await request(harness.app).delete('/Session').set('Authorization', `Bearer ${token.slice(0, -4)}AAAA`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_token', error_description: 'The access token is invalid.' });
  });

  it('answers another method with 405 and Allow: DELETE', async () => {
    const res = await request(harness.app).get('/Session');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('DELETE');
  });

  it('answers 503 when the token-state store does not record the revocation', async () => {
    const failing = new (class extends MemoryTokenStateStore {
      override revokeAccessToken(): Promise<void> {
        return Promise.reject(new Error('MongoNetworkError: connection refused'));
      }
    })();
    const revocations = new RevocationList(failing, { mode: 'strict' });
    const app = express().use(sessionRouter({ keys: harness.keys, issuer: harness.issuer, revocations }));
    const token = await accessToken();
    const res = await request(app).delete('/Session').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'temporarily_unavailable', error_description: 'The session could not be closed; try again later.' });
  });
});
