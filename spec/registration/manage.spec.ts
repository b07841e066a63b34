import express from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import type { ClientChangedEvent } from '../../lib/registration';
import { MongoClientStore, verifyClientSecret } from '../../lib/clients';
import { tokenRouter } from '../../lib/token';
import type { RegistrationApp } from './harness';
import { ISSUER, holdsSecretHash, registrationApp } from './harness';

type Body = Record<string, unknown>;

async function registered(ctx: RegistrationApp, body: Body = { client_name: 'reports', scope: 'records:read' }): Promise<Body> {
  const res = await request(ctx.app).post('/oauth2/register').set('Authorization', `Bearer ${ctx.adminToken}`).send(body);
  expect(res.status).toBe(201);
  return res.body as Body;
}

function asAdmin(ctx: RegistrationApp, test: request.Test): request.Test {
  return test.set('Authorization', `Bearer ${ctx.adminToken}`);
}

describe('GET /oauth2/register/:client_id — RFC 7592 §2.1 read', () => {
  let ctx: RegistrationApp;

  beforeEach(async () => {
    ctx = await registrationApp();
  });

  it('answers 200 with the metadata and client_id_issued_at', async () => {
    const client = await registered(ctx, {
      client_name: 'reports',
      scope: 'records:read',
      audience: ['example-api'],
      grant_types: ['client_credentials', 'refresh_token'],
      access_token_ttl: 120,
      refresh_token_ttl: 3600,
    });
    const res = await asAdmin(ctx, request(ctx.app).get(`/oauth2/register/${String(client.client_id)}`));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      client_id: client.client_id,
      client_id_issued_at: client.client_id_issued_at,
      client_name: 'reports',
      scope: 'records:read',
      audience: ['example-api'],
      grant_types: ['client_credentials', 'refresh_token'],
      access_token_ttl: 120,
      refresh_token_ttl: 3600,
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('never returns the secret or any hash, not even after a rotation with a grace period', async () => {
    const graceful = await registrationApp({ secretRotationGraceSeconds: 3600 });
    const client = await registered(graceful);
    await asAdmin(graceful, request(graceful.app).post(`/oauth2/register/${String(client.client_id)}/secret`));
    const res = await asAdmin(graceful, request(graceful.app).get(`/oauth2/register/${String(client.client_id)}`));
    expect(res.body).not.toHaveProperty('client_secret');
    expect(holdsSecretHash(res.body)).toBe(false);
    expect(JSON.stringify(res.body)).not.toContain(String(client.client_secret));
  });

  it('answers 404 not_found for an unknown client', async () => {
    const res = await asAdmin(ctx, request(ctx.app).get('/oauth2/register/no-such-client'));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not_found', error_description: expect.any(String) });
  });

  it.each([
    ['too long', 'c'.repeat(201)],
    ['with a control character', 'a%01b'],
    ['with a space', 'a%20b'],
    ['with non-ASCII', '%C3%A9t%C3%A9'],
  ])('answers 404 for a client id %s', async (_case, id) => {
    const res = await asAdmin(ctx, request(ctx.app).get(`/oauth2/register/${id}`));
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });
});

describe('PUT /oauth2/register/:client_id — RFC 7592 §2.2 replace', () => {
  let ctx: RegistrationApp;
  let client: Body;
  let path: string;

  beforeEach(async () => {
    ctx = await registrationApp();
    client = await registered(ctx, {
      client_name: 'reports',
      scope: 'records:read',
      audience: ['example-api'],
      access_token_ttl: 120,
    });
    path = `/oauth2/register/${String(client.client_id)}`;
  });

  const put = (body: Body | string) =>
    asAdmin(ctx, request(ctx.app).put(path)).set('Content-Type', 'application/json').send(typeof body === 'string' ? body : JSON.stringify(body));

  it('replaces the metadata and answers 200 with it', async () => {
    const res = await put({ client_id: client.client_id, client_name: 'reports v2', scope: 'records:read disburse' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ client_id: client.client_id, client_name: 'reports v2', scope: 'records:read disburse' });
    expect(res.body).not.toHaveProperty('client_secret');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('removes what the new metadata omits', async () => {
    const res = await put({ client_name: 'bare' });
    expect(res.body).toEqual({
      client_id: client.client_id,
      client_id_issued_at: client.client_id_issued_at,
      client_name: 'bare',
      scope: '',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    const stored = await ctx.store.findByClientId(String(client.client_id));
    expect(stored).toMatchObject({ name: 'bare', scopes: [], audiences: [] });
    expect(stored?.accessTokenTtl).toBeUndefined();
  });

  it('keeps the secret: it still verifies after the update', async () => {
    await put({ client_name: 'renamed' });
    const stored = await ctx.store.findByClientId(String(client.client_id));
    expect(await verifyClientSecret(stored!, String(client.client_secret))).toBe(true);
  });

  it('accepts what GET returned, read-only fields included', async () => {
    const current = await asAdmin(ctx, request(ctx.app).get(path));
    const res = await put({ ...(current.body as Body), client_name: 'edited' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...(current.body as Body), client_name: 'edited' });
  });

  it('answers 400 invalid_request when the body client_id differs from the path', async () => {
    const res = await put({ client_id: 'someone-else', client_name: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect((await ctx.store.findByClientId(String(client.client_id)))?.name).toBe('reports');
  });

  it('tolerates the current client_secret in the body', async () => {
    const res = await put({ client_name: 'x', client_secret: client.client_secret });
    expect(res.status).toBe(200);
  });

  it('refuses a client_secret that is not the current one: a secret is never chosen by the caller', async () => {
    const res = await put({ client_name: 'x', client_secret: 'my-own-chosen-secret' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    const stored = await ctx.store.findByClientId(String(client.client_id));
    expect(await verifyClientSecret(stored!, 'my-own-chosen-secret')).toBe(false);
    expect(stored?.name).toBe('reports');
  });

  it('answers 400 invalid_client_metadata naming the field', async () => {
    const res = await put({ client_name: 'x', grant_types: ['implicit'] });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_client_metadata');
    expect(res.body.error_description).toMatch(/^grant_types /);
  });

  it('requires client_name, as registration does', async () => {
    const res = await put({ scope: 'records:read' });
    expect(res.body).toEqual({ error: 'invalid_client_metadata', error_description: 'client_name is required' });
  });

  it('answers 404 for an unknown client', async () => {
    const res = await asAdmin(ctx, request(ctx.app).put('/oauth2/register/nobody')).send({ client_name: 'x' });
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });

  it('answers 400 to malformed JSON without reaching the host error handler', async () => {
    const res = await put('{not json');
    expect(res.status).toBe(400);
    expect(ctx.hostErrors).toEqual([]);
  });
});

describe('DELETE /oauth2/register/:client_id — RFC 7592 §2.3 delete', () => {
  let ctx: RegistrationApp;

  beforeEach(async () => {
    ctx = await registrationApp();
  });

  it('answers 204 with no body and removes the client, so it can no longer authenticate', async () => {
    const client = await registered(ctx);
    const res = await asAdmin(ctx, request(ctx.app).delete(`/oauth2/register/${String(client.client_id)}`));
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await ctx.store.findByClientId(String(client.client_id))).toBeNull();
    const after = await asAdmin(ctx, request(ctx.app).get(`/oauth2/register/${String(client.client_id)}`));
    expect(after.status).toBe(404);
  });

  it('a deleted client can no longer get tokens from the token router', async () => {
    ctx.app = express().use('/oauth2', tokenRouter({ clients: ctx.store, keys: ctx.keyring, issuer: ISSUER, defaultAudience: ['example-api'] })).use(ctx.app);
    const client = await registered(ctx);
    const tokenRequest = () =>
      request(ctx.app)
        .post('/oauth2/token')
        .auth(String(client.client_id), String(client.client_secret))
        .type('form')
        .send({ grant_type: 'client_credentials' });
    const issued = await tokenRequest();
    expect(issued.body).toMatchObject({ token_type: 'Bearer' });
    expect(issued.status).toBe(200);
    await asAdmin(ctx, request(ctx.app).delete(`/oauth2/register/${String(client.client_id)}`));
    const refused = await tokenRequest();
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
  });

  it('answers 404 for an unknown client, and for the second delete', async () => {
    const client = await registered(ctx);
    await asAdmin(ctx, request(ctx.app).delete(`/oauth2/register/${String(client.client_id)}`));
    const again = await asAdmin(ctx, request(ctx.app).delete(`/oauth2/register/${String(client.client_id)}`));
    expect(again.status).toBe(404);
    expect(again.body.error).toBe('not_found');
  });

  it('answers 405 with Allow to an unsupported method on a client', async () => {
    const client = await registered(ctx);
    const res = await asAdmin(ctx, request(ctx.app).patch(`/oauth2/register/${String(client.client_id)}`)).send({});
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, PUT, DELETE');
  });
});

describe('POST /oauth2/register/:client_id/secret — secret rotation', () => {
  it('answers 200 with a new secret shown once; without a grace period the old secret stops at once', async () => {
    const ctx = await registrationApp();
    const client = await registered(ctx);
    const res = await asAdmin(ctx, request(ctx.app).post(`/oauth2/register/${String(client.client_id)}/secret`));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      client_id: client.client_id,
      client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      client_secret_expires_at: 0,
    });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.client_secret).not.toBe(client.client_secret);
    const stored = (await ctx.store.findByClientId(String(client.client_id)))!;
    expect(await verifyClientSecret(stored, res.body.client_secret)).toBe(true);
    expect(await verifyClientSecret(stored, String(client.client_secret))).toBe(false);
    expect(stored.previousSecretHash).toBeUndefined();
    expect(stored.previousSecretExpiresAt).toBeUndefined();
  });

  it('keeps the previous secret working for secretRotationGraceSeconds', async () => {
    const ctx = await registrationApp({ secretRotationGraceSeconds: 3600 });
    const client = await registered(ctx);
    const before = Date.now();
    const res = await asAdmin(ctx, request(ctx.app).post(`/oauth2/register/${String(client.client_id)}/secret`));
    const stored = (await ctx.store.findByClientId(String(client.client_id)))!;
    expect(await verifyClientSecret(stored, res.body.client_secret)).toBe(true);
    expect(await verifyClientSecret(stored, String(client.client_secret))).toBe(true);
    expect(stored.previousSecretExpiresAt!.getTime()).toBeGreaterThanOrEqual(before + 3600_000);
    expect(res.body.previous_client_secret_expires_at).toBe(Math.floor(stored.previousSecretExpiresAt!.getTime() / 1000));
    const afterGrace = new Date(stored.previousSecretExpiresAt!.getTime() + 1);
    expect(await verifyClientSecret(stored, String(client.client_secret), afterGrace)).toBe(false);
  });

  it('the token router accepts the old secret during the grace period and the new one from the start', async () => {
    const ctx = await registrationApp({ secretRotationGraceSeconds: 600 });
    ctx.app = express()
      .use('/oauth2', tokenRouter({ clients: ctx.store, keys: ctx.keyring, issuer: ISSUER, defaultAudience: ['example-api'] }))
      .use(ctx.app);
    const client = await registered(ctx);
    const rotated = await asAdmin(ctx, request(ctx.app).post(`/oauth2/register/${String(client.client_id)}/secret`));
    const tokenWith = (secret: string) =>
      request(ctx.app).post('/oauth2/token').auth(String(client.client_id), secret).type('form').send({ grant_type: 'client_credentials' });
    expect((await tokenWith(String(client.client_secret))).status).toBe(200);
    expect((await tokenWith(String(rotated.body.client_secret))).status).toBe(200);
  });

  it('a second rotation without grace drops the secret kept by a first one', async () => {
    const graceful = await registrationApp({ secretRotationGraceSeconds: 3600 });
    const client = await registered(graceful);
    await asAdmin(graceful, request(graceful.app).post(`/oauth2/register/${String(client.client_id)}/secret`));
    const strict = await registrationApp({}, graceful.store);
    const res = await asAdmin(strict, request(strict.app).post(`/oauth2/register/${String(client.client_id)}/secret`));
    const stored = (await graceful.store.findByClientId(String(client.client_id)))!;
    expect(stored.previousSecretHash).toBeUndefined();
    expect(await verifyClientSecret(stored, res.body.client_secret)).toBe(true);
    expect(await verifyClientSecret(stored, String(client.client_secret))).toBe(false);
  });

  it('answers 404 for an unknown client', async () => {
    const ctx = await registrationApp();
    const res = await asAdmin(ctx, request(ctx.app).post('/oauth2/register/nobody/secret'));
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });
});

describe('Registration API — onClientChanged', () => {
  it('reports created, updated, secret_rotated and deleted with the client id', async () => {
    const events: ClientChangedEvent[] = [];
    const ctx = await registrationApp({ onClientChanged: (event) => void events.push(event) });
    const client = await registered(ctx);
    const path = `/oauth2/register/${String(client.client_id)}`;
    await asAdmin(ctx, request(ctx.app).put(path)).send({ client_name: 'renamed' });
    await asAdmin(ctx, request(ctx.app).post(`${path}/secret`));
    await asAdmin(ctx, request(ctx.app).delete(path));
    const clientId = client.client_id;
    expect(events).toEqual([
      { type: 'created', clientId },
      { type: 'updated', clientId },
      { type: 'secret_rotated', clientId },
      { type: 'deleted', clientId },
    ]);
  });

  it('is not told about a change that did not happen', async () => {
    const events: ClientChangedEvent[] = [];
    const ctx = await registrationApp({ onClientChanged: (event) => void events.push(event) });
    await asAdmin(ctx, request(ctx.app).post('/oauth2/register')).send({ client_name: '' });
    await asAdmin(ctx, request(ctx.app).delete('/oauth2/register/nobody'));
    expect(events).toEqual([]);
  });

  it('a listener that throws or rejects does not change the answer', async () => {
    const throwing = await registrationApp({
      onClientChanged: () => {
        throw new Error('listener failed');
      },
    });
    expect((await asAdmin(throwing, request(throwing.app).post('/oauth2/register')).send({ client_name: 'x' })).status).toBe(201);
    const rejecting = await registrationApp({ onClientChanged: () => Promise.reject(new Error('listener failed')) });
    expect((await asAdmin(rejecting, request(rejecting.app).post('/oauth2/register')).send({ client_name: 'x' })).status).toBe(201);
  });
});

describe('Registration API — the store is down: 503 temporarily_unavailable', () => {
  // A real MongoClientStore on a connection to a port where nothing listens (no buffering: it fails at once).
  let connection: mongoose.Connection;
  let ctx: RegistrationApp;

  beforeAll(async () => {
    connection = mongoose.createConnection('mongodb://127.0.0.1:9/nowhere', { serverSelectionTimeoutMS: 200 });
    connection.asPromise().catch(() => undefined);
    ctx = await registrationApp({}, new MongoClientStore(connection, { operationTimeoutMs: 500 }));
  });

  afterAll(async () => {
    await connection.close(true).catch(() => undefined);
  });

  it.each([
    ['POST /register', (app: RegistrationApp) => asAdmin(app, request(app.app).post('/oauth2/register')).send({ client_name: 'x' })],
    ['GET /register/:id', (app: RegistrationApp) => asAdmin(app, request(app.app).get('/oauth2/register/some-client'))],
    ['PUT /register/:id', (app: RegistrationApp) => asAdmin(app, request(app.app).put('/oauth2/register/some-client')).send({ client_name: 'x' })],
    ['DELETE /register/:id', (app: RegistrationApp) => asAdmin(app, request(app.app).delete('/oauth2/register/some-client'))],
    ['POST /register/:id/secret', (app: RegistrationApp) => asAdmin(app, request(app.app).post('/oauth2/register/some-client/secret'))],
  ])('%s', async (_case, send) => {
    const res = await send(ctx);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
    expect(ctx.hostErrors).toEqual([]);
  });
});
