import express from 'express';
import request from 'supertest';
import { MemoryClientStore } from '../../lib/clients';
import { Keyring } from '../../lib/keys/keyring';
import { registrationRouter } from '../../lib/registration';
import type { RegistrationApp } from './harness';
import { ADMIN_SCOPE, ISSUER, adminTokenFor, registrationApp } from './harness';

describe('Registration API — RFC 6750 bearer protection (scope clients:admin, audience = issuer)', () => {
  let ctx: RegistrationApp;
  let clientId: string;

  beforeAll(async () => {
    ctx = await registrationApp();
    const res = await request(ctx.app).post('/oauth2/register').set('Authorization', `Bearer ${ctx.adminToken}`).send({ client_name: 'x' });
    clientId = res.body.client_id as string;
  });

  const routes = (): Array<[string, () => request.Test]> => [
    ['POST /register', () => request(ctx.app).post('/oauth2/register').send({ client_name: 'x' })],
    ['GET /register/:id', () => request(ctx.app).get(`/oauth2/register/${clientId}`)],
    ['PUT /register/:id', () => request(ctx.app).put(`/oauth2/register/${clientId}`).send({ client_name: 'x' })],
    ['DELETE /register/:id', () => request(ctx.app).delete(`/oauth2/register/${clientId}`)],
    ['POST /register/:id/secret', () => request(ctx.app).post(`/oauth2/register/${clientId}/secret`)],
  ];

  describe.each([0, 1, 2, 3, 4])('route %#', (index) => {
    const route = () => routes()[index]!;

    it('answers 401 with a Bearer challenge when there is no token', async () => {
      const res = await route()[1]();
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    });

    it('answers 403 insufficient_scope to a token without clients:admin', async () => {
      const res = await route()[1]().set('Authorization', `Bearer ${adminTokenFor(ctx.keyring, { scope: 'records:read' })}`);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('insufficient_scope');
    });

    it('answers 401 invalid_token to a token for another audience', async () => {
      const res = await route()[1]().set('Authorization', `Bearer ${adminTokenFor(ctx.keyring, { aud: 'example-api' })}`);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    });
  });

  it('answers 401 to a token from another issuer', async () => {
    const res = await request(ctx.app)
      .get(`/oauth2/register/${clientId}`)
      .set('Authorization', `Bearer ${adminTokenFor(ctx.keyring, { iss: 'https://elsewhere.example' })}`);
    expect(res.status).toBe(401);
  });

  it('answers 401 to a token signed by a key it does not know', async () => {
    const stranger = await Keyring.generate('ES256');
    const res = await request(ctx.app).get(`/oauth2/register/${clientId}`).set('Authorization', `Bearer ${adminTokenFor(stranger)}`);
    expect(res.status).toBe(401);
  });

  it('changes nothing for a request it refuses', async () => {
    await request(ctx.app).delete(`/oauth2/register/${clientId}`).set('Authorization', `Bearer ${adminTokenFor(ctx.keyring, { scope: 'records:read' })}`);
    expect(await ctx.store.findByClientId(clientId)).not.toBeNull();
  });

  it('authenticates before reading the body: an unauthenticated malformed body is a 401, not a 400', async () => {
    const res = await request(ctx.app).post('/oauth2/register').set('Content-Type', 'application/json').send('{oops');
    expect(res.status).toBe(401);
  });

  it('leaves other paths under the mount point alone', async () => {
    const res = await request(ctx.app).get('/oauth2/token');
    expect(res.status).toBe(404);
    expect(res.headers['www-authenticate']).toBeUndefined();
  });
});

describe('Registration API — auth options', () => {
  it('auth.scope and auth.audience replace clients:admin and the issuer', async () => {
    const keyring = await Keyring.generate('ES256');
    const app = express().use(
      '/oauth2',
      registrationRouter({
        clients: new MemoryClientStore(),
        auth: { keys: keyring, issuer: ISSUER, audience: 'registry', scope: 'registry:write' },
      }),
    );
    const post = (token: string) => request(app).post('/oauth2/register').set('Authorization', `Bearer ${token}`).send({ client_name: 'x' });
    expect((await post(adminTokenFor(keyring, { aud: 'registry', scope: 'registry:write' }))).status).toBe(201);
    expect((await post(adminTokenFor(keyring, { aud: 'registry', scope: ADMIN_SCOPE }))).status).toBe(403);
    expect((await post(adminTokenFor(keyring, { aud: ISSUER, scope: 'registry:write' }))).status).toBe(401);
  });

  it('protect: a host-supplied check runs before every route', async () => {
    const store = new MemoryClientStore();
    const seen: string[] = [];
    const app = express().use(
      '/oauth2',
      registrationRouter({
        clients: store,
        protect: (req, res, next) => {
          seen.push(`${req.method} ${req.originalUrl}`);
          if (req.get('X-Admin') === 'yes') next();
          else res.status(401).json({ error: 'invalid_token', error_description: 'no admin header' });
        },
      }),
    );
    expect((await request(app).post('/oauth2/register').send({ client_name: 'x' })).status).toBe(401);
    const created = await request(app).post('/oauth2/register').set('X-Admin', 'yes').send({ client_name: 'x' });
    expect(created.status).toBe(201);
    expect(seen).toEqual(['POST /oauth2/register', 'POST /oauth2/register']);
    expect((await store.list()).items).toHaveLength(1);
  });

  it('an error the protect middleware passes on becomes an OAuth error, not a host error', async () => {
    const hostErrors: unknown[] = [];
    const app = express()
      .use('/oauth2', registrationRouter({ clients: new MemoryClientStore(), protect: (_req, _res, next) => next(new Error('internal detail')) }))
      .use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        hostErrors.push(error);
        res.status(599).end();
      });
    const res = await request(app).get('/oauth2/register/x');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'server_error', error_description: 'The server could not complete the request.' });
    expect(JSON.stringify(res.body)).not.toContain('internal detail');
    expect(hostErrors).toEqual([]);
  });
});
