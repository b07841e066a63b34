import request from 'supertest';
import { createExampleApp } from '../../example-app/app';
import type { ExampleApp } from '../../example-app/app';
import { readConfig } from '../../example-app/config';
import { FaultInjectingClientStore } from '../support/token-fault-store';

const ADMIN_ID = 'admin';
const ADMIN_SECRET = 'an-admin-secret-for-tests-0123456789';

async function adminToken(example: ExampleApp): Promise<string> {
  const res = await request(example.app)
    .post('/oauth2/token')
    .auth(ADMIN_ID, ADMIN_SECRET)
    .type('form')
    .send({ grant_type: 'client_credentials' });
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

/** Registers a client through the API with the admin token, then gets it an access token. */
async function registeredClientToken(example: ExampleApp, metadata: Record<string, unknown>) {
  const created = await request(example.app)
    .post('/oauth2/register')
    .set('Authorization', `Bearer ${await adminToken(example)}`)
    .send(metadata);
  expect(created.status).toBe(201);
  const token = await request(example.app)
    .post('/oauth2/token')
    .auth(created.body.client_id as string, created.body.client_secret as string)
    .type('form')
    .send({ grant_type: 'client_credentials' });
  expect(token.status).toBe(200);
  return { clientId: created.body.client_id as string, accessToken: token.body.access_token as string };
}

describe('example app — the contract routes', () => {
  let example: ExampleApp;

  beforeAll(async () => {
    example = await createExampleApp(
      readConfig({ PORT: '3000', BOOTSTRAP_CLIENT_ID: ADMIN_ID, BOOTSTRAP_CLIENT_SECRET: ADMIN_SECRET }),
    );
  });
  afterAll(() => example.close());

  it('serves the public JWKS at /.well-known/jwks.json', async () => {
    const res = await request(example.app).get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    expect(res.body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(res.body.keys[0]).not.toHaveProperty('d');
  });

  it('serves RFC 8414 metadata naming the endpoints it really serves', async () => {
    const res = await request(example.app).get('/.well-known/oauth-authorization-server');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      issuer: 'http://localhost:3000',
      token_endpoint: 'http://localhost:3000/oauth2/token',
      jwks_uri: 'http://localhost:3000/.well-known/jwks.json',
      registration_endpoint: 'http://localhost:3000/oauth2/register',
    });
    expect(res.body.grant_types_supported).toContain('client_credentials');
  });

  it('answers /healthz with 200 while the store answers', async () => {
    const res = await request(example.app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('issues the bootstrap admin client a token for $ISSUER with scope clients:admin', async () => {
    const token = await adminToken(example);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: 'http://localhost:3000', aud: 'http://localhost:3000', scope: 'clients:admin' });
  });

  it('protects the registration API: no token 401, the admin token 201', async () => {
    const anonymous = await request(example.app).post('/oauth2/register').send({ client_name: 'x' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer realm=/);
    const created = await request(example.app)
      .post('/oauth2/register')
      .set('Authorization', `Bearer ${await adminToken(example)}`)
      .send({ client_name: 'payer', scope: 'disburse' });
    expect(created.status).toBe(201);
  });

  it('gives a client with no audience the API audience, so the demo API accepts its token', async () => {
    const { clientId, accessToken } = await registeredClientToken(example, { client_name: 'payer', scope: 'disburse' });
    const payment = await request(example.app)
      .post('/api/payments')
      .set('Authorization', `Bearer ${accessToken}`)
      .send({ amount: 12.5 });
    expect(payment.status).toBe(201);
    expect(payment.body).toMatchObject({ amount: 12.5, status: 'accepted', client_id: clientId });
  });

  it('refuses the admin token on the demo API (audience $ISSUER is not $API_AUDIENCE)', async () => {
    const res = await request(example.app).get('/api/records').set('Authorization', `Bearer ${await adminToken(example)}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('answers a bad payment body and an unknown route with JSON errors, not HTML', async () => {
    const { accessToken } = await registeredClientToken(example, { client_name: 'payer', scope: 'disburse' });
    const malformed = await request(example.app)
      .post('/api/payments')
      .set('Authorization', `Bearer ${accessToken}`)
      .set('Content-Type', 'application/json')
      .send('{"amount":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toBe('invalid_request');
    const missing = await request(example.app).get('/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'not_found', error_description: 'No such route.' });
  });
});

describe('example app — /healthz when the store does not answer', () => {
  it('answers 503 while the store fails and 200 once it is back', async () => {
    const store = new FaultInjectingClientStore();
    const example = await createExampleApp(
      readConfig({ BOOTSTRAP_CLIENT_ID: ADMIN_ID, BOOTSTRAP_CLIENT_SECRET: ADMIN_SECRET }),
      { clients: store },
    );
    store.fault = 'reject';
    const down = await request(example.app).get('/healthz');
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ status: 'unavailable' });
    store.heal();
    expect((await request(example.app).get('/healthz')).status).toBe(200);
    await example.close();
  });
});

describe('example app — configuration', () => {
  it('uses the contract defaults', () => {
    expect(readConfig({})).toEqual({
      port: 3000,
      issuer: 'http://localhost:3000',
      profile: 'oauth2',
      signingAlg: 'RS256',
      signingThreads: 0,
      apiAudience: 'example-api',
    });
  });

  it('defaults the issuer to opencrvs.auth under the OpenCRVS profiles', () => {
    expect(readConfig({ PROFILE: 'opencrvs-v1' }).issuer).toBe('opencrvs.auth');
    expect(readConfig({ PROFILE: 'opencrvs-v2', ISSUER: 'https://auth.example' }).issuer).toBe('https://auth.example');
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ PROFILE: 'keycloak' }, /PROFILE/],
    [{ SIGNING_ALG: 'none' }, /SIGNING_ALG/],
    [{ BOOTSTRAP_CLIENT_ID: 'admin' }, /BOOTSTRAP_CLIENT_ID and BOOTSTRAP_CLIENT_SECRET/],
    [{ BOOTSTRAP_CLIENT_ID: 'admin', BOOTSTRAP_CLIENT_SECRET: 'short' }, /at least 16/],
    [{ SIGNING_THREADS: 'two' }, /SIGNING_THREADS/],
    [{ SIGNING_THREADS: '-1' }, /SIGNING_THREADS/],
    [{ SIGNING_THREADS: '65' }, /SIGNING_THREADS/],
  ])('refuses %p with an error naming the variable', (env, message) => {
    expect(() => readConfig(env)).toThrow(message);
  });

  it.each(['PS256', 'ES256', 'HS256'])('signs with %s when SIGNING_ALG says so', async (alg) => {
    const example = await createExampleApp(readConfig({ SIGNING_ALG: alg, BOOTSTRAP_CLIENT_ID: ADMIN_ID, BOOTSTRAP_CLIENT_SECRET: ADMIN_SECRET }));
    const token = await adminToken(example);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
    expect(header).toMatchObject({ alg, typ: 'at+jwt' });
    await example.close();
  });

  it('signs on SIGNING_THREADS worker threads: tokens verify with the published keys, at the profile endpoint too', async () => {
    const config = readConfig({ SIGNING_THREADS: '2', PROFILE: 'g2p-connect', BOOTSTRAP_CLIENT_ID: ADMIN_ID, BOOTSTRAP_CLIENT_SECRET: ADMIN_SECRET });
    expect(config.signingThreads).toBe(2);
    const example = await createExampleApp(config);
    try {
      const { accessToken } = await registeredClientToken(example, { client_name: 'pool client', scope: 'records:read' });
      const records = await request(example.app).get('/api/records').set('Authorization', `Bearer ${accessToken}`);
      expect(records.status).toBe(200);
      const created = await request(example.app)
        .post('/oauth2/register')
        .set('Authorization', `Bearer ${await adminToken(example)}`)
        .send({ client_name: 'g2p', scope: 'records:read' });
      const { client_id: clientId, client_secret: clientSecret } = created.body as Record<string, string>;
      const profileToken = await request(example.app)
        .post('/oauth2/client/token')
        .set('timestamp', new Date().toUTCString())
        .type('form')
        .send({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'records:read' });
      expect(profileToken.status).toBe(200);
      const viaProfile = await request(example.app).get('/api/records').set('Authorization', `Bearer ${profileToken.body.access_token as string}`);
      expect(viaProfile.status).toBe(200);
    } finally {
      await example.close();
    }
  });

  it('generates a bootstrap client and hands its secret out once when none is configured', async () => {
    const example = await createExampleApp(readConfig({}));
    expect(example.bootstrap.generatedSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const res = await request(example.app)
      .post('/oauth2/token')
      .auth(example.bootstrap.clientId, example.bootstrap.generatedSecret!)
      .type('form')
      .send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('clients:admin');
    await example.close();
  });
});
