import express from 'express';
import request from 'supertest';
import { Keyring } from '../../lib/keys';
import { tokenRouter } from '../../lib/token';
import { FaultInjectingClientStore } from '../support/token-fault-store';
import { basicAuth, form } from '../support/token-harness';
import type { Instance, Shared } from './harness';
import { client, DEFAULT_AUDIENCE, FaultyTokenStateStore, ISSUER, postAs, startInstance, tokensFor } from './harness';

let keys: Keyring;
let shared: Shared;
let instance: Instance;

beforeAll(async () => {
  keys = await Keyring.generate('ES256');
});

beforeEach(async () => {
  shared = { clients: new FaultInjectingClientStore(), keys, tokenState: new FaultyTokenStateStore() };
  instance = await startInstance(shared);
});

afterEach(() => instance.revocations.stop());

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

function refresh(who: Parameters<typeof postAs>[2], refreshToken: string, extra: Record<string, string> = {}): request.Test {
  return postAs(instance.app, 'token', who, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });
}

describe('POST /oauth2/token — refresh tokens are opt-in per client (RFC 6749 §4.4.3)', () => {
  it('issues none to a client registered for client_credentials only', async () => {
    const plain = await client(shared, { grantTypes: ['client_credentials'] });
    const res = await postAs(instance.app, 'token', plain, { grant_type: 'client_credentials' });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('refresh_token');
    expect(shared.tokenState.savedRefreshTokens).toHaveLength(0);
  });

  it('issues an opaque 256-bit refresh token alongside the access token to a client that enabled them', async () => {
    const enabled = await client(shared);
    const res = await postAs(instance.app, 'token', enabled, { grant_type: 'client_credentials' });
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.body.access_token).toEqual(expect.any(String));
  });

  it('refuses grant_type=refresh_token from a client not registered for it with unauthorized_client', async () => {
    const enabled = await client(shared);
    const { refreshToken } = await tokensFor(instance.app, enabled);
    const plain = await client(shared, { grantTypes: ['client_credentials'] });
    const res = await refresh(plain, refreshToken ?? '');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('gives a router without tokenState no refresh grant at all', async () => {
    const app = express().use('/oauth2', tokenRouter({ clients: shared.clients, keys, issuer: ISSUER, defaultAudience: [DEFAULT_AUDIENCE] }));
    const enabled = await client(shared);
    const issued = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(enabled.clientId, enabled.secret))
      .type('form')
      .send(form({ grant_type: 'client_credentials' }));
    expect(issued.body).not.toHaveProperty('refresh_token');
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(enabled.clientId, enabled.secret))
      .type('form')
      .send(form({ grant_type: 'refresh_token', refresh_token: 'A'.repeat(43) }));
    expect(res.body.error).toBe('unsupported_grant_type');
    expect((await request(app).post('/oauth2/revoke')).status).toBe(404);
  });
});

describe('POST /oauth2/token grant_type=refresh_token — rotation (RFC 6749 §6, RFC 9700 §4.14.2)', () => {
  it('answers a new access token and a new refresh token', async () => {
    const owner = await client(shared);
    const first = await tokensFor(instance.app, owner);

    const res = await refresh(owner, first.refreshToken ?? '');

    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'records:read records:write',
      refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(res.body.refresh_token).not.toBe(first.refreshToken);
    expect(res.body.access_token).not.toBe(first.accessToken);
  });

  it('keeps the original scope and audience of the grant', async () => {
    const owner = await client(shared, { scopes: ['records:read', 'disburse'], audiences: ['https://a.test', 'https://b.test'] });
    const first = await tokensFor(instance.app, owner, { scope: 'disburse', resource: 'https://b.test' });
    const res = await refresh(owner, first.refreshToken ?? '');
    const claims = payloadOf(res.body.access_token as string);
    expect(claims.scope).toBe('disburse');
    expect(claims.aud).toBe('https://b.test');
  });

  it('grants a narrower scope when asked, and keeps the full grant on the next refresh token', async () => {
    const owner = await client(shared, { scopes: ['records:read', 'records:write'] });
    const first = await tokensFor(instance.app, owner);
    const narrowed = await refresh(owner, first.refreshToken ?? '', { scope: 'records:read' });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.scope).toBe('records:read');

    const again = await refresh(owner, narrowed.body.refresh_token as string);
    expect(again.body.scope).toBe('records:read records:write');
  });

  it('refuses a wider scope with invalid_scope and leaves the refresh token usable', async () => {
    const owner = await client(shared, { scopes: ['records:read', 'disburse'] });
    const first = await tokensFor(instance.app, owner, { scope: 'records:read' });
    const wider = await refresh(owner, first.refreshToken ?? '', { scope: 'records:read disburse' });
    expect(wider.status).toBe(400);
    expect(wider.body.error).toBe('invalid_scope');
    expect((await refresh(owner, first.refreshToken ?? '')).status).toBe(200);
  });

  it('drops a scope the client has lost since the grant', async () => {
    const owner = await client(shared, { scopes: ['records:read', 'disburse'] });
    const first = await tokensFor(instance.app, owner);
    await shared.clients.inner.update(owner.clientId, { scopes: ['records:read'] });
    const res = await refresh(owner, first.refreshToken ?? '');
    expect(res.body.scope).toBe('records:read');
  });

  it('gives the new refresh token the client’s own refreshTokenTtl', async () => {
    const owner = await client(shared, { refreshTokenTtl: 120 });
    const first = await tokensFor(instance.app, owner);
    const res = await refresh(owner, first.refreshToken ?? '');
    const seen = await postAs(instance.app, 'introspect', owner, { token: res.body.refresh_token as string });
    expect((seen.body.exp as number) - (seen.body.iat as number)).toBe(120);
  });

  it('gives a client without its own lifetime the router default (86400 s)', async () => {
    const owner = await client(shared);
    const { refreshToken } = await tokensFor(instance.app, owner);
    const seen = await postAs(instance.app, 'introspect', owner, { token: refreshToken ?? '' });
    expect((seen.body.exp as number) - (seen.body.iat as number)).toBe(86_400);
  });
});

describe('POST /oauth2/token grant_type=refresh_token — replay and misuse', () => {
  it('refuses a refresh token replayed after rotation and revokes its whole family', async () => {
    const owner = await client(shared);
    const first = await tokensFor(instance.app, owner);
    const rotated = await refresh(owner, first.refreshToken ?? '');
    expect(rotated.status).toBe(200);

    const replay = await refresh(owner, first.refreshToken ?? '');
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual({
      error: 'invalid_grant',
      error_description: 'The refresh token was already used; every token of its grant has been revoked.',
    });

    const successor = await refresh(owner, rotated.body.refresh_token as string);
    expect(successor.status).toBe(400);
    expect(successor.body.error).toBe('invalid_grant');
  });

  it('leaves other families of the same client alone after a replay', async () => {
    const owner = await client(shared);
    const one = await tokensFor(instance.app, owner);
    const two = await tokensFor(instance.app, owner);
    await refresh(owner, one.refreshToken ?? '').expect(200);
    await refresh(owner, one.refreshToken ?? '').expect(400);
    expect((await refresh(owner, two.refreshToken ?? '')).status).toBe(200);
  });

  it("refuses another client's refresh token with invalid_grant, and it still works for its owner", async () => {
    const owner = await client(shared);
    const intruder = await client(shared);
    const { refreshToken } = await tokensFor(instance.app, owner);

    const res = await refresh(intruder, refreshToken ?? '');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or revoked.' });

    expect((await refresh(owner, refreshToken ?? '')).status).toBe(200);
  });

  it("does not let another client replay a used token to revoke the owner's family", async () => {
    const owner = await client(shared);
    const intruder = await client(shared);
    const first = await tokensFor(instance.app, owner);
    const rotated = await refresh(owner, first.refreshToken ?? '');
    await refresh(intruder, first.refreshToken ?? '').expect(400);
    expect((await refresh(owner, rotated.body.refresh_token as string)).status).toBe(200);
  });

  it.each([
    ['an unknown token', 'C'.repeat(43)],
    ['garbage', 'not a refresh token'],
    ['an access token', ''],
  ])('refuses %s with invalid_grant', async (_name, value) => {
    const owner = await client(shared);
    const { accessToken } = await tokensFor(instance.app, owner);
    const res = await refresh(owner, value === '' ? accessToken : value);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('refuses a request without refresh_token with invalid_request', async () => {
    const owner = await client(shared);
    const res = await postAs(instance.app, 'token', owner, { grant_type: 'refresh_token' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The refresh_token parameter is required.' });
  });

  it('still requires client authentication', async () => {
    const owner = await client(shared);
    const { refreshToken } = await tokensFor(instance.app, owner);
    const res = await request(instance.app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'refresh_token', refresh_token: refreshToken ?? '' }));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect((await refresh(owner, refreshToken ?? '')).status).toBe(200);
  });

  it('answers 503 when the token-state store is down', async () => {
    const owner = await client(shared);
    const { refreshToken } = await tokensFor(instance.app, owner);
    shared.tokenState.failing = true;
    const res = await refresh(owner, refreshToken ?? '');
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
  });

  it('answers 503, issuing nothing, when the store cannot save the refresh token of a new grant', async () => {
    const owner = await client(shared);
    shared.tokenState.failing = true;
    const res = await postAs(instance.app, 'token', owner, { grant_type: 'client_credentials' });
    expect(res.status).toBe(503);
    expect(res.body).not.toHaveProperty('access_token');
  });
});
