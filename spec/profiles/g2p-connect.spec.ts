/**
 * Profile `g2p-connect` against its seed, 002_8d4c40ce15deed33.txt (G2P Connect Authz API 1.0.0):
 * `POST /oauth2/client/token` with the documented headers (`timestamp`, `message_id`,
 * `accept-language`) and form body, the documented response, and rule 6 on the resource side.
 */
import request from 'supertest';
import { Keyring } from '../../lib/keys';
import { nowSeconds, tokenFor } from '../support/keys';
import type { ProfileTestApp, RegisteredClient } from './harness';
import { API_AUDIENCE, basicAuth, form, profileTestApp, registerClient, verifyAgainstJwks } from './harness';

/** The seed's header examples. */
const SEED_TIMESTAMP = 'Tue, 06 Mar 2020 21:00:00 GMT';
const SEED_MESSAGE_ID = '123456789020211216223812';

let harness: ProfileTestApp;
let client: RegisteredClient;
beforeAll(async () => {
  harness = profileTestApp('g2p-connect', await Keyring.generate('RS256'));
  client = await registerClient(harness.clients, { scopes: ['disburse', 'disburse/status', 'mapper/link', 'records:read'] });
});

function seedRequest(headers: Record<string, string> = { timestamp: SEED_TIMESTAMP, message_id: SEED_MESSAGE_ID }): request.Test {
  const req = request(harness.app).post('/oauth2/client/token').set('accept-language', 'en');
  for (const [name, value] of Object.entries(headers)) req.set(name, value);
  return req;
}

function seedBody(extra: Record<string, string> = {}): string {
  return form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret, scope: 'disburse', ...extra });
}

describe('POST /oauth2/client/token — the G2P Connect seed request', () => {
  it('answers exactly {access_token, token_type: "bearer", expires_in}', async () => {
    const res = await seedRequest().type('form').send(seedBody());
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['access_token', 'token_type', 'expires_in']);
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 600 });
  });

  it('echoes message_id in the response headers', async () => {
    const res = await seedRequest().type('form').send(seedBody());
    expect(res.headers.message_id).toBe(SEED_MESSAGE_ID);
  });

  it('issues a JWT for the requested scope, verifiable with the served JWKS', async () => {
    const res = await seedRequest().type('form').send(seedBody({ scope: 'disburse mapper/link' }));
    const { header, payload } = await verifyAgainstJwks(harness.app, res.body.access_token);
    expect(header.typ).toBe('at+jwt');
    expect(payload).toMatchObject({ scope: 'disburse mapper/link', aud: API_AUDIENCE, client_id: client.clientId, iss: harness.issuer });
  });

  it('accepts a request without message_id or accept-language', async () => {
    const res = await request(harness.app).post('/oauth2/client/token').set('timestamp', SEED_TIMESTAMP).type('form').send(seedBody());
    expect(res.status).toBe(200);
    expect(res.headers.message_id).toBeUndefined();
  });

  it.each([
    ['an rfc850-date', 'Friday, 06-Mar-20 21:00:00 GMT'],
    ['an asctime-date', 'Fri Mar  6 21:00:00 2020'],
  ])('accepts a timestamp in the obsolete HTTP-date format: %s', async (_format, timestamp) => {
    const res = await seedRequest({ timestamp }).type('form').send(seedBody());
    expect(res.status).toBe(200);
  });

  it('accepts Basic credentials too (RFC 6749 §2.3.1)', async () => {
    const res = await seedRequest()
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send(form({ grant_type: 'client_credentials', scope: 'disburse' }));
    expect(res.status).toBe(200);
  });
});

describe('POST /oauth2/client/token — what g2p-connect refuses', () => {
  it('refuses a request without the timestamp header with 400, still echoing message_id', async () => {
    const res = await seedRequest({ message_id: SEED_MESSAGE_ID }).type('form').send(seedBody());
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The timestamp header is required.' });
    expect(res.headers.message_id).toBe(SEED_MESSAGE_ID);
  });

  it.each([
    ['garbage', 'yesterday'],
    ['an ISO 8601 date', '2020-03-06T21:00:00Z'],
    ['an HTTP-date in another zone', 'Tue, 06 Mar 2020 21:00:00 CET'],
    ['a day the month does not have', 'Tue, 31 Feb 2020 21:00:00 GMT'],
    ['an hour out of range', 'Tue, 06 Mar 2020 24:00:00 GMT'],
  ])('refuses a timestamp that is %s with 400', async (_what, timestamp) => {
    const res = await seedRequest({ timestamp }).type('form').send(seedBody());
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_request',
      error_description: 'The timestamp header must be an HTTP-date, e.g. Tue, 06 Mar 2020 21:00:00 GMT.',
    });
  });

  it('refuses a JSON body: the seed’s schema is application/x-www-form-urlencoded', async () => {
    const res = await seedRequest().send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret });
    expect(res.status).toBe(400);
    expect(res.body.error_description).toBe('The request body must be application/x-www-form-urlencoded.');
  });

  it('refuses a scope the client is not registered for with 400 invalid_scope', async () => {
    const res = await seedRequest().type('form').send(seedBody({ scope: 'mapper/unlink' }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
  });

  it('issues no refresh token, even to a client registered for one (seed note 3)', async () => {
    const refreshing = await registerClient(harness.clients, { grantTypes: ['client_credentials', 'refresh_token'] });
    const res = await seedRequest()
      .type('form')
      .send(form({ grant_type: 'client_credentials', client_id: refreshing.clientId, client_secret: refreshing.secret }));
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toBeUndefined();
    const refresh = await seedRequest()
      .type('form')
      .send(form({ grant_type: 'refresh_token', refresh_token: 'x', client_id: refreshing.clientId, client_secret: refreshing.secret }));
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe('unsupported_grant_type');
  });
});

describe('requireToken under g2p-connect — rule 6: 401 when the access token is invalid or expired', () => {
  it('admits a valid token', async () => {
    const token = (await seedRequest().type('form').send(seedBody())).body.access_token as string;
    const res = await request(harness.app).post('/api/payments').set('Authorization', `Bearer ${token}`).send({ amount: 10 });
    expect(res.status).toBe(201);
  });

  it('answers an expired token with 401 invalid_token', async () => {
    const now = nowSeconds();
    const expired = tokenFor(harness.keys, { iss: harness.issuer, aud: API_AUDIENCE, scope: 'disburse', iat: now - 700, exp: now - 100 });
    const res = await request(harness.app).post('/api/payments').set('Authorization', `Bearer ${expired}`).send({ amount: 10 });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_token', error_description: 'The access token has expired.' });
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('answers a token with a broken signature with 401 invalid_token', async () => {
    const token = (await seedRequest().type('form').send(seedBody())).body.access_token as string;
    const tampered = `${token.slice(0, -4)}AAAA`;
    const res = await request(harness.app).post('/api/payments').set('Authorization', `Bearer ${tampered}`).send({ amount: 10 });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  });

  it('answers a request without a token with 401', async () => {
    const res = await request(harness.app).post('/api/payments').send({ amount: 10 });
    expect(res.status).toBe(401);
  });
});
