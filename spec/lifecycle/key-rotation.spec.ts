import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { Express } from 'express';
import request from 'supertest';
import { requireToken } from '../../lib/bearer';
import type { KeyAdministration } from '../../lib/keys';
import { jwksHandler, Keyring, KeyringSync, MemoryKeyStore, storedKeyAdministration } from '../../lib/keys';
import { keyAdminRouter, MemoryTokenStateStore } from '../../lib/lifecycle';
import { tokenRouter } from '../../lib/token';
import { FaultInjectingClientStore } from '../support/token-fault-store';
import type { RegisteredClient } from '../support/token-harness';
import { basicAuth, DEFAULT_AUDIENCE, form, ISSUER, registerClient } from '../support/token-harness';

const RETIRE_AFTER_SECONDS = 660;

interface Server_ {
  app: Express;
  clients: FaultInjectingClientStore;
}

/** An authorization server with the key admin routes, the JWKS, introspection and a protected API. */
function authorizationServer(keys: Keyring, admin: Keyring | KeyAdministration, clients = new FaultInjectingClientStore()): Server_ {
  const app = express();
  app.use('/oauth2', tokenRouter({ clients, keys, issuer: ISSUER, defaultAudience: [DEFAULT_AUDIENCE], tokenState: new MemoryTokenStateStore() }));
  app.use(
    '/oauth2',
    keyAdminRouter({
      keys: admin,
      ...(admin instanceof Keyring ? { retireAfterSeconds: RETIRE_AFTER_SECONDS } : {}),
      auth: { keys, issuer: ISSUER },
    }),
  );
  app.get('/.well-known/jwks.json', jwksHandler(keys));
  app.get('/api/records', requireToken({ keys, issuer: ISSUER, audience: DEFAULT_AUDIENCE }), (_req, res) => {
    res.json({ ok: true });
  });
  return { app, clients };
}

async function tokenOf(app: Express, who: RegisteredClient): Promise<string> {
  const res = await request(app)
    .post('/oauth2/token')
    .set('Authorization', basicAuth(who.clientId, who.secret))
    .type('form')
    .send(form({ grant_type: 'client_credentials' }));
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

function kidOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid: string }).kid;
}

async function jwksKids(app: Express): Promise<string[]> {
  const res = await request(app).get('/.well-known/jwks.json');
  return (res.body.keys as { kid: string }[]).map((key) => key.kid).sort();
}

function introspect(app: Express, who: RegisteredClient, token: string): request.Test {
  return request(app).post('/oauth2/introspect').set('Authorization', basicAuth(who.clientId, who.secret)).type('form').send({ token });
}

function api(app: Express, token: string): request.Test {
  return request(app).get('/api/records').set('Authorization', `Bearer ${token}`);
}

describe('key admin routes — in one process (a Keyring)', () => {
  let clock: number;
  let keys: Keyring;
  let server: Server_;
  let admin: RegisteredClient;
  let adminToken: string;
  let worker: RegisteredClient;

  beforeEach(async () => {
    clock = Date.now();
    keys = await Keyring.generate('RS256', { now: () => clock });
    server = authorizationServer(keys, keys);
    admin = await registerClient(server.clients, { scopes: ['clients:admin'], audiences: [ISSUER] });
    adminToken = await tokenOf(server.app, admin);
    worker = await registerClient(server.clients);
  });

  const asAdmin = (req: request.Test): request.Test => req.set('Authorization', `Bearer ${adminToken}`);

  it('refuses a request without an admin token (401) or without scope clients:admin (403)', async () => {
    expect((await request(server.app).get('/oauth2/keys')).status).toBe(401);
    const workerToken = await tokenOf(server.app, worker);
    const res = await request(server.app).post('/oauth2/keys/rotate').set('Authorization', `Bearer ${workerToken}`);
    expect(res.status).toBe(401);
    const narrow = await registerClient(server.clients, { scopes: ['records:read'], audiences: [ISSUER] });
    const forbidden = await request(server.app).post('/oauth2/keys/rotate').set('Authorization', `Bearer ${await tokenOf(server.app, narrow)}`);
    expect(forbidden.status).toBe(403);
    expect(keys.describe()).toHaveLength(1);
  });

  it('lists the keys without any key material', async () => {
    const res = await asAdmin(request(server.app).get('/oauth2/keys'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ keys: [{ kid: keys.activeKeyId, alg: 'RS256', status: 'active' }] });
  });

  it('adds a key that verifies (and is published) before it signs, then activates it', async () => {
    const oldKid = keys.activeKeyId;
    const added = await asAdmin(request(server.app).post('/oauth2/keys')).send({ alg: 'ES256' });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ kid: expect.any(String), alg: 'ES256', status: 'verifying' });
    expect(await jwksKids(server.app)).toEqual([oldKid, added.body.kid].sort());
    expect(kidOf(await tokenOf(server.app, worker))).toBe(oldKid);

    const activated = await asAdmin(request(server.app).post(`/oauth2/keys/${added.body.kid}/activate`));
    expect(activated.body).toMatchObject({ kid: added.body.kid, status: 'active' });
    const token = await tokenOf(server.app, worker);
    expect(kidOf(token)).toBe(added.body.kid);
    expect((await api(server.app, token)).status).toBe(200);
  });

  it('retires a replaced key only after the longest token lifetime: its tokens stay valid until then', async () => {
    const oldToken = await tokenOf(server.app, worker);
    const oldKid = kidOf(oldToken);
    const rotated = await asAdmin(request(server.app).post('/oauth2/keys/rotate'));
    expect(rotated.status).toBe(201);
    expect(rotated.body.added).toMatchObject({ alg: 'RS256', status: 'active' });
    expect(rotated.body.retiring).toEqual([{ kid: oldKid, alg: 'RS256', status: 'retiring', retire_at: expect.any(String) }]);
    expect(Date.parse(rotated.body.retiring[0].retire_at as string)).toBeGreaterThanOrEqual(clock + RETIRE_AFTER_SECONDS * 1000);

    // Retired but live: it still verifies, is still published, still introspects.
    expect(await jwksKids(server.app)).toContain(oldKid);
    expect((await api(server.app, oldToken)).status).toBe(200);
    expect((await introspect(server.app, worker, oldToken)).body).toMatchObject({ active: true, client_id: worker.clientId });

    clock = Date.parse(rotated.body.retiring[0].retire_at as string) + 1;

    expect(await jwksKids(server.app)).not.toContain(oldKid);
    expect((await introspect(server.app, worker, oldToken)).body).toEqual({ active: false });
    expect((await api(server.app, oldToken)).status).toBe(401);
  });

  it('schedules a retirement with DELETE and refuses to retire the signer', async () => {
    const added = await asAdmin(request(server.app).post('/oauth2/keys')).send({});
    const retired = await asAdmin(request(server.app).delete(`/oauth2/keys/${added.body.kid}`));
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ kid: added.body.kid, status: 'retiring' });

    const refused = await asAdmin(request(server.app).delete(`/oauth2/keys/${keys.activeKeyId}`));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_request');
    expect(keys.describe().find((key) => key.active)?.retireAt).toBeUndefined();
  });

  it('answers 404 for an unknown kid and 400 for a bad request', async () => {
    expect((await asAdmin(request(server.app).delete('/oauth2/keys/no-such-kid'))).status).toBe(404);
    expect((await asAdmin(request(server.app).post('/oauth2/keys/no-such-kid/activate'))).status).toBe(404);
    const badAlg = await asAdmin(request(server.app).post('/oauth2/keys')).send({ alg: 'none' });
    expect(badAlg.status).toBe(400);
    const badJson = await asAdmin(request(server.app).post('/oauth2/keys')).set('Content-Type', 'application/json').send('{');
    expect(badJson.status).toBe(400);
    expect(keys.describe()).toHaveLength(1);
  });

  it('answers 405 with Allow for a method a key route does not serve', async () => {
    const res = await asAdmin(request(server.app).put('/oauth2/keys'));
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, POST');
  });

  it('rotates under concurrent token requests with no request failing, and every token verifies', async () => {
    const before = keys.activeKeyId;
    const requests = Array.from({ length: 40 }, () =>
      request(server.app)
        .post('/oauth2/token')
        .set('Authorization', basicAuth(worker.clientId, worker.secret))
        .type('form')
        .send(form({ grant_type: 'client_credentials' })),
    );
    const rotations = [asAdmin(request(server.app).post('/oauth2/keys/rotate')), asAdmin(request(server.app).post('/oauth2/keys/rotate'))];
    const [responses, rotated] = await Promise.all([Promise.all(requests.map((r) => r.then((res) => res))), Promise.all(rotations.map((r) => r.then((res) => res)))]);

    expect(rotated.map((res) => res.status)).toEqual([201, 201]);
    expect(responses.map((res) => res.status)).toEqual(responses.map(() => 200));
    expect(keys.activeKeyId).not.toBe(before);
    for (const res of responses) expect((await api(server.app, res.body.access_token as string)).status).toBe(200);
  });
});

describe('key rotation across instances sharing a key store (KeyringSync)', () => {
  let clock: number;
  let store: MemoryKeyStore;
  let syncs: KeyringSync[];

  beforeEach(() => {
    clock = Date.now();
    store = new MemoryKeyStore();
    syncs = [];
  });

  afterEach(() => {
    for (const sync of syncs) sync.stop();
  });

  async function instance(clients?: FaultInjectingClientStore): Promise<{ sync: KeyringSync; server: Server_ }> {
    const sync = await KeyringSync.open({ store, now: () => clock, activationDelayMs: 10_000, retireAfterSeconds: RETIRE_AFTER_SECONDS });
    syncs.push(sync);
    return { sync, server: authorizationServer(sync.keyring, sync.administration, clients) };
  }

  it('gives every instance the same signer from the start', async () => {
    const a = await instance();
    const b = await instance(a.server.clients);
    expect(b.sync.keyring.activeKeyId).toBe(a.sync.keyring.activeKeyId);
    expect((await store.list()).map((key) => key.kid)).toEqual([a.sync.keyring.activeKeyId]);
  });

  it('follows a rotation made on another instance: published first, signing from activate_at, old key retiring', async () => {
    const a = await instance();
    const b = await instance(a.server.clients);
    const worker = await registerClient(a.server.clients);
    const admin = await registerClient(a.server.clients, { scopes: ['clients:admin'], audiences: [ISSUER] });
    const oldToken = await tokenOf(b.server.app, worker);
    const oldKid = kidOf(oldToken);

    const rotated = await request(a.server.app)
      .post('/oauth2/keys/rotate')
      .set('Authorization', `Bearer ${await tokenOf(a.server.app, admin)}`);
    expect(rotated.status).toBe(201);
    const newKid = rotated.body.added.kid as string;
    expect(rotated.body.added.status).toBe('pending');

    await b.sync.refresh();
    // Published everywhere, signing nowhere yet.
    expect(await jwksKids(b.server.app)).toEqual([oldKid, newKid].sort());
    expect(kidOf(await tokenOf(a.server.app, worker))).toBe(oldKid);
    expect(kidOf(await tokenOf(b.server.app, worker))).toBe(oldKid);

    clock += 10_000;
    await Promise.all([a.sync.refresh(), b.sync.refresh()]);
    const newToken = await tokenOf(a.server.app, worker);
    expect(kidOf(newToken)).toBe(newKid);
    expect(kidOf(await tokenOf(b.server.app, worker))).toBe(newKid);
    expect((await api(b.server.app, newToken)).status).toBe(200);
    expect((await api(b.server.app, oldToken)).status).toBe(200);
    expect((await introspect(b.server.app, worker, oldToken)).body.active).toBe(true);

    clock += RETIRE_AFTER_SECONDS * 1000 + 1;
    await b.sync.refresh();
    expect(await jwksKids(b.server.app)).toEqual([newKid]);
    expect((await introspect(b.server.app, worker, oldToken)).body).toEqual({ active: false });
  });

  it('follows a rotation made by another process straight on the store (the CLI)', async () => {
    const a = await instance();
    const before = a.sync.keyring.activeKeyId;
    const cli = storedKeyAdministration(store, { now: () => clock, activationDelayMs: 0, retireAfterSeconds: RETIRE_AFTER_SECONDS });

    const { added, retiring } = await cli.rotate({ alg: 'ES256' });
    expect(retiring.map((key) => key.kid)).toEqual([before]);
    await a.sync.refresh();

    expect(a.sync.keyring.activeKeyId).toBe(added.kid);
    expect(a.sync.keyring.signingKey.alg).toBe('ES256');
    const retireAt = a.sync.keyring.describe().find((key) => key.kid === before)?.retireAt?.getTime();
    expect(retireAt).toBe((added.activateAt?.getTime() ?? Number.NaN) + RETIRE_AFTER_SECONDS * 1000);
  });

  it('adopts the store’s signer over a keyring it is given, and seeds an empty store with it', async () => {
    const own = await Keyring.generate('ES256');
    const seeded = await KeyringSync.open({ store, keyring: own });
    syncs.push(seeded);
    expect((await store.list()).map((key) => key.kid)).toEqual([own.activeKeyId]);

    const other = await Keyring.generate('ES256');
    const adopted = await KeyringSync.open({ store, keyring: other });
    syncs.push(adopted);
    expect(other.activeKeyId).toBe(own.activeKeyId);
    expect(other.describe().map((key) => key.kid)).toEqual([own.activeKeyId]);
  });
});

describe('requireToken({ jwksUri }) follows a rotation made through the admin API', () => {
  let listening: Server | undefined;

  afterEach(async () => {
    if (listening) await new Promise<void>((resolve) => listening?.close(() => resolve()));
  });

  it('accepts tokens of the new key on a resource server that knows the issuer only by its JWKS URL', async () => {
    const keys = await Keyring.generate('RS256');
    const server = authorizationServer(keys, keys);
    const worker = await registerClient(server.clients);
    const admin = await registerClient(server.clients, { scopes: ['clients:admin'], audiences: [ISSUER] });
    listening = await new Promise<Server>((resolve) => {
      const started = server.app.listen(0, '127.0.0.1', () => resolve(started));
    });
    const { port } = listening.address() as AddressInfo;
    const resourceServer = express().get(
      '/records',
      requireToken({ jwksUri: `http://127.0.0.1:${port}/.well-known/jwks.json`, issuer: ISSUER, audience: DEFAULT_AUDIENCE }),
      (_req, res) => {
        res.json({ ok: true });
      },
    );
    const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];

    const oldToken = await tokenOf(server.app, worker);
    expect((await request(resourceServer).get('/records').set(...bearer(oldToken))).status).toBe(200);

    await request(server.app).post('/oauth2/keys/rotate').set('Authorization', `Bearer ${await tokenOf(server.app, admin)}`).expect(201);
    const newToken = await tokenOf(server.app, worker);
    expect(kidOf(newToken)).not.toBe(kidOf(oldToken));

    expect((await request(resourceServer).get('/records').set(...bearer(newToken))).status).toBe(200);
    expect((await request(resourceServer).get('/records').set(...bearer(oldToken))).status).toBe(200);
  });
});
