import request from 'supertest';
import { createExampleApp } from '../../example-app/app';
import type { ExampleApp } from '../../example-app/app';
import { readConfig } from '../../example-app/config';

const ADMIN = { BOOTSTRAP_CLIENT_ID: 'admin', BOOTSTRAP_CLIENT_SECRET: 'an-admin-secret-for-tests-0123456789' };

async function adminToken(example: ExampleApp): Promise<string> {
  const res = await request(example.app)
    .post('/oauth2/token')
    .auth(ADMIN.BOOTSTRAP_CLIENT_ID, ADMIN.BOOTSTRAP_CLIENT_SECRET)
    .type('form')
    .send({ grant_type: 'client_credentials' });
  return res.body.access_token as string;
}

async function register(example: ExampleApp, metadata: Record<string, unknown>) {
  const res = await request(example.app)
    .post('/oauth2/register')
    .set('Authorization', `Bearer ${await adminToken(example)}`)
    .send(metadata);
  expect(res.status).toBe(201);
  return { id: res.body.client_id as string, secret: res.body.client_secret as string };
}

async function withApp(env: Record<string, string>, run: (example: ExampleApp) => Promise<void>): Promise<void> {
  const example = await createExampleApp(readConfig({ ...ADMIN, ...env }));
  try {
    await run(example);
  } finally {
    await example.close();
  }
}

describe('example app — token lifecycle on /oauth2', () => {
  it('revokes a token so the demo API refuses it, and introspection reports it inactive', () =>
    withApp({}, async (example) => {
      const client = await register(example, { client_name: 'reader', scope: 'records:read' });
      const issued = await request(example.app)
        .post('/oauth2/token')
        .auth(client.id, client.secret)
        .type('form')
        .send({ grant_type: 'client_credentials' });
      const token = issued.body.access_token as string;
      const live = await request(example.app).post('/oauth2/introspect').auth(client.id, client.secret).type('form').send({ token });
      expect(live.body).toMatchObject({ active: true, client_id: client.id, scope: 'records:read' });
      expect((await request(example.app).get('/api/records').set('Authorization', `Bearer ${token}`)).status).toBe(200);

      const revoked = await request(example.app).post('/oauth2/revoke').auth(client.id, client.secret).type('form').send({ token });
      expect(revoked.status).toBe(200);
      const refused = await request(example.app).get('/api/records').set('Authorization', `Bearer ${token}`);
      expect(refused.status).toBe(401);
      const dead = await request(example.app).post('/oauth2/introspect').auth(client.id, client.secret).type('form').send({ token });
      expect(dead.body).toEqual({ active: false });
    }));

  it('issues and rotates refresh tokens for a client registered for them, and forgets them when it is deleted', () =>
    withApp({}, async (example) => {
      const client = await register(example, {
        client_name: 'batch',
        scope: 'records:read',
        grant_types: ['client_credentials', 'refresh_token'],
      });
      const first = await request(example.app)
        .post('/oauth2/token')
        .auth(client.id, client.secret)
        .type('form')
        .send({ grant_type: 'client_credentials' });
      expect(first.body.refresh_token).toEqual(expect.any(String));
      const refreshed = await request(example.app)
        .post('/oauth2/token')
        .auth(client.id, client.secret)
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.refresh_token).not.toBe(first.body.refresh_token);

      const secret = await request(example.app)
        .post(`/oauth2/register/${client.id}/secret`)
        .set('Authorization', `Bearer ${await adminToken(example)}`);
      expect(secret.status).toBe(200);
      const afterRotation = await request(example.app)
        .post('/oauth2/token')
        .auth(client.id, secret.body.client_secret as string)
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token });
      expect(afterRotation.status).toBe(400);
      expect(afterRotation.body.error).toBe('invalid_grant');
    }));

  it('rotates the signing key through the admin API without a restart', () =>
    withApp({}, async (example) => {
      const before = (await request(example.app).get('/.well-known/jwks.json')).body.keys as { kid: string }[];
      const rotated = await request(example.app)
        .post('/oauth2/keys/rotate')
        .set('Authorization', `Bearer ${await adminToken(example)}`)
        .send({});
      expect(rotated.status).toBe(201);
      const after = (await request(example.app).get('/.well-known/jwks.json')).body.keys as { kid: string }[];
      expect(after.length).toBe(before.length + 1);
      expect(after.map((k) => k.kid)).toEqual(expect.arrayContaining(before.map((k) => k.kid)));
    }));

  it('lists the lifecycle endpoints in its RFC 8414 metadata', () =>
    withApp({ PORT: '3000' }, async (example) => {
      const res = await request(example.app).get('/.well-known/oauth-authorization-server');
      expect(res.body).toMatchObject({
        revocation_endpoint: 'http://localhost:3000/oauth2/revoke',
        introspection_endpoint: 'http://localhost:3000/oauth2/introspect',
        grant_types_supported: expect.arrayContaining(['client_credentials', 'refresh_token']),
      });
    }));
});

describe('example app — PROFILE adds a seed system’s token endpoint beside /oauth2', () => {
  it('opencrvs-v1: the seed URL form works and the demo API accepts its typ JWT tokens', () =>
    withApp({ PROFILE: 'opencrvs-v1' }, async (example) => {
      const client = await register(example, { client_name: 'crvs', scope: 'records:read', audience: ['example-api'] });
      const res = await request(example.app).post(
        `/token?client_id=${client.id}&client_secret=${client.secret}&grant_type=&grant_type=client_credentials`,
      );
      expect(res.status).toBe(200);
      const claims = JSON.parse(Buffer.from((res.body.access_token as string).split('.')[1]!, 'base64url').toString());
      expect(claims).toMatchObject({ iss: 'opencrvs.auth', scope: ['records:read'], aud: ['example-api'] });
      const records = await request(example.app).get('/api/records').set('Authorization', `Bearer ${res.body.access_token as string}`);
      expect(records.status).toBe(200);
      expect((await request(example.app).post('/oauth2/token').type('form').send({})).status).toBe(400);
    }));

  it('g2p-connect: requires the timestamp header and echoes message_id', () =>
    withApp({ PROFILE: 'g2p-connect' }, async (example) => {
      const client = await register(example, { client_name: 'g2p', scope: 'disburse' });
      const form = { grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret, scope: 'disburse' };
      const missing = await request(example.app).post('/oauth2/client/token').type('form').send(form);
      expect(missing.status).toBe(400);
      const ok = await request(example.app)
        .post('/oauth2/client/token')
        .set('timestamp', new Date().toUTCString())
        .set('message_id', '123456789020211216223812')
        .type('form')
        .send(form);
      expect(ok.status).toBe(200);
      expect(ok.headers['message_id']).toBe('123456789020211216223812');
      expect(ok.body.token_type).toBe('bearer');
    }));

  it('aidbox: DELETE /Session revokes the bearer token', () =>
    withApp({ PROFILE: 'aidbox' }, async (example) => {
      const client = await register(example, { client_name: 'aidbox', scope: 'records:read' });
      const issued = await request(example.app)
        .post('/auth/token')
        .send({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret });
      expect(issued.status).toBe(200);
      const bearer = `Bearer ${issued.body.access_token as string}`;
      expect((await request(example.app).delete('/Session').set('Authorization', bearer)).status).toBe(204);
      expect((await request(example.app).get('/api/records').set('Authorization', bearer)).status).toBe(401);
    }));

  it('screening-eagle: Basic only, scope required, errors as {error, errorDescription}', () =>
    withApp({ PROFILE: 'screening-eagle' }, async (example) => {
      const client = await register(example, { client_name: 'se', scope: 'records:read' });
      const noScope = await request(example.app)
        .post('/api/id/v1/auth/token')
        .auth(client.id, client.secret)
        .type('form')
        .send({ grant_type: 'client_credentials' });
      expect(noScope.status).toBe(400);
      expect(Object.keys(noScope.body).sort()).toEqual(['error', 'errorDescription']);
      const ok = await request(example.app)
        .post('/api/id/v1/auth/token')
        .auth(client.id, client.secret)
        .type('form')
        .send({ grant_type: 'client_credentials', scope: 'records:read' });
      expect(ok.status).toBe(200);
      expect(Object.keys(ok.body)).toEqual(['scope', 'token_type', 'access_token', 'expires_in']);
    }));
});

describe('example app — one brute-force count for every token endpoint', () => {
  it('blocks a client id on /oauth2/token after ten failures on the profile endpoint, with Retry-After', () =>
    withApp({ PROFILE: 'aidbox' }, async (example) => {
      const client = await register(example, { client_name: 'target', scope: 'records:read' });
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const failed = await request(example.app).post('/auth/token').auth(client.id, 'wrong').type('form').send({ grant_type: 'client_credentials' });
        expect(failed.status).toBe(401);
      }
      const blocked = await request(example.app)
        .post('/oauth2/token')
        .auth(client.id, client.secret)
        .type('form')
        .send({ grant_type: 'client_credentials' });
      expect(blocked.status).toBe(429);
      expect(blocked.body.error).toBe('too_many_requests');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    }));
});
