import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Keyring, signJwt } from '../../lib/keys';
import { FaultInjectingClientStore } from '../support/token-fault-store';
import { basicAuth } from '../support/token-harness';
import type { Instance, Shared } from './harness';
import { client, DEFAULT_AUDIENCE, FaultyTokenStateStore, ISSUER, postAs, startInstance, tokensFor } from './harness';

let keys: Keyring;
let shared: Shared;
let instance: Instance;

beforeAll(async () => {
  keys = await Keyring.generate('RS256');
});

beforeEach(async () => {
  shared = { clients: new FaultInjectingClientStore(), keys, tokenState: new FaultyTokenStateStore() };
  instance = await startInstance(shared);
});

afterEach(() => instance.revocations.stop());

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('POST /oauth2/introspect — a live access token (RFC 7662 §2.2)', () => {
  it('answers active with the token’s claims, uncacheable', async () => {
    const owner = await client(shared, { scopes: ['records:read', 'disburse'] });
    const { accessToken } = await tokensFor(instance.app, owner);
    const claims = claimsOf(accessToken);

    const res = await postAs(instance.app, 'introspect', owner, { token: accessToken });

    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      active: true,
      scope: 'records:read disburse',
      client_id: owner.clientId,
      sub: owner.clientId,
      aud: DEFAULT_AUDIENCE,
      iss: ISSUER,
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
      token_type: 'Bearer',
    });
  });

  it('accepts token_type_hint, right or wrong', async () => {
    const owner = await client(shared);
    const { accessToken } = await tokensFor(instance.app, owner);
    for (const hint of ['access_token', 'refresh_token', 'something_else']) {
      const res = await postAs(instance.app, 'introspect', owner, { token: accessToken, token_type_hint: hint });
      expect(res.body.active).toBe(true);
    }
  });
});

describe('POST /oauth2/introspect — access tokens of a profile router sharing the keys and issuer', () => {
  const now = (): number => Math.floor(Date.now() / 1000);

  it('recognises typ JWT and an array scope (OpenCRVS shape), answering scope as a string', async () => {
    const owner = await client(shared);
    const claims = { iss: ISSUER, sub: 'db-id', client_id: owner.clientId, aud: [DEFAULT_AUDIENCE], scope: ['records:read', 'disburse'], iat: now(), exp: now() + 300, jti: randomUUID() };
    const token = signJwt(claims, keys.signingKey, { typ: 'JWT' });
    const res = await postAs(instance.app, 'introspect', owner, { token });
    expect(res.body).toMatchObject({ active: true, scope: 'records:read disburse', sub: 'db-id', aud: [DEFAULT_AUDIENCE] });
  });

  it('does not take a JWT of another type (an ID token, say) for an access token', async () => {
    const owner = await client(shared);
    const claims = { iss: ISSUER, sub: owner.clientId, client_id: owner.clientId, aud: DEFAULT_AUDIENCE, iat: now(), exp: now() + 300, jti: randomUUID() };
    const res = await postAs(instance.app, 'introspect', owner, { token: signJwt(claims, keys.signingKey, { typ: 'id+jwt' }) });
    expect(res.body).toEqual({ active: false });
  });
});

describe('POST /oauth2/introspect — a refresh token', () => {
  it('answers active with token_type refresh_token and the grant’s scope and audience', async () => {
    const owner = await client(shared, { scopes: ['records:read'], refreshTokenTtl: 3600 });
    const { refreshToken } = await tokensFor(instance.app, owner);

    const res = await postAs(instance.app, 'introspect', owner, { token: refreshToken ?? '', token_type_hint: 'refresh_token' });

    expect(res.body).toMatchObject({
      active: true,
      scope: 'records:read',
      client_id: owner.clientId,
      aud: DEFAULT_AUDIENCE,
      iss: ISSUER,
      token_type: 'refresh_token',
    });
    expect((res.body.exp as number) - (res.body.iat as number)).toBe(3600);
    expect(res.body).not.toHaveProperty('refresh_token');
  });

  it('answers inactive for a refresh token already rotated', async () => {
    const owner = await client(shared);
    const { refreshToken } = await tokensFor(instance.app, owner);
    await postAs(instance.app, 'token', owner, { grant_type: 'refresh_token', refresh_token: refreshToken ?? '' }).expect(200);
    const res = await postAs(instance.app, 'introspect', owner, { token: refreshToken ?? '' });
    expect(res.body).toEqual({ active: false });
  });
});

describe('POST /oauth2/introspect — anything that is not a live token answers {active: false} alone', () => {
  const now = (): number => Math.floor(Date.now() / 1000);

  it.each<[string, () => Promise<string>]>([
    ['garbage', () => Promise.resolve('garbage')],
    ['an empty-looking JWT', () => Promise.resolve('e30.e30.')],
    [
      'an expired token',
      () =>
        Promise.resolve(
          signJwt({ iss: ISSUER, sub: 'c', client_id: 'c', aud: DEFAULT_AUDIENCE, iat: now() - 900, exp: now() - 300, jti: randomUUID() }, keys.signingKey),
        ),
    ],
    [
      'a token of another issuer',
      () =>
        Promise.resolve(
          signJwt({ iss: 'https://elsewhere.test', sub: 'c', client_id: 'c', aud: DEFAULT_AUDIENCE, iat: now(), exp: now() + 300, jti: randomUUID() }, keys.signingKey),
        ),
    ],
    [
      'a forged token (same kid, another key)',
      async () => {
        const forger = await Keyring.generate('RS256', { kid: keys.activeKeyId });
        return signJwt({ iss: ISSUER, sub: 'c', client_id: 'c', aud: DEFAULT_AUDIENCE, iat: now(), exp: now() + 300, jti: randomUUID() }, forger.signingKey);
      },
    ],
    ['an unknown refresh token', () => Promise.resolve('B'.repeat(43))],
  ])('%s', async (_name, make) => {
    const caller = await client(shared, { scopes: ['token:introspect'] });
    const res = await postAs(instance.app, 'introspect', caller, { token: await make() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ active: false });
  });

  it('a revoked access token', async () => {
    const owner = await client(shared);
    const { accessToken } = await tokensFor(instance.app, owner);
    await postAs(instance.app, 'revoke', owner, { token: accessToken }).expect(200);
    const res = await postAs(instance.app, 'introspect', owner, { token: accessToken });
    expect(res.body).toEqual({ active: false });
  });

  it('an access token revoked through another instance (read from the store, not a poll)', async () => {
    const other = await startInstance(shared);
    other.revocations.stop();
    const owner = await client(shared);
    const { accessToken } = await tokensFor(instance.app, owner);
    await postAs(instance.app, 'revoke', owner, { token: accessToken }).expect(200);
    const res = await postAs(other.app, 'introspect', owner, { token: accessToken });
    expect(res.body).toEqual({ active: false });
  });
});

describe('POST /oauth2/introspect — who sees what (DESIGN.md)', () => {
  it("answers {active: false} to a client asking about another client's access token", async () => {
    const owner = await client(shared);
    const other = await client(shared, { scopes: ['records:read'] });
    const { accessToken } = await tokensFor(instance.app, owner);
    const res = await postAs(instance.app, 'introspect', other, { token: accessToken });
    expect(res.body).toEqual({ active: false });
  });

  it("answers {active: false} to a client asking about another client's refresh token", async () => {
    const owner = await client(shared);
    const other = await client(shared);
    const { refreshToken } = await tokensFor(instance.app, owner);
    const res = await postAs(instance.app, 'introspect', other, { token: refreshToken ?? '' });
    expect(res.body).toEqual({ active: false });
  });

  it('shows any client’s tokens to a client registered with scope token:introspect', async () => {
    const owner = await client(shared);
    const resourceServer = await client(shared, { scopes: ['token:introspect'], grantTypes: ['client_credentials'] });
    const { accessToken, refreshToken } = await tokensFor(instance.app, owner);

    const access = await postAs(instance.app, 'introspect', resourceServer, { token: accessToken });
    const refresh = await postAs(instance.app, 'introspect', resourceServer, { token: refreshToken ?? '' });

    expect(access.body).toMatchObject({ active: true, client_id: owner.clientId });
    expect(refresh.body).toMatchObject({ active: true, client_id: owner.clientId, token_type: 'refresh_token' });
  });

  it('honours a configured introspectionScope', async () => {
    const custom = await startInstance(shared, { router: { introspectionScope: 'rs:introspect' } });
    custom.revocations.stop();
    const owner = await client(shared);
    const resourceServer = await client(shared, { scopes: ['rs:introspect'] });
    const holder = await client(shared, { scopes: ['token:introspect'] });
    const { accessToken } = await tokensFor(custom.app, owner);
    expect((await postAs(custom.app, 'introspect', resourceServer, { token: accessToken })).body.active).toBe(true);
    expect((await postAs(custom.app, 'introspect', holder, { token: accessToken })).body.active).toBe(false);
  });
});

describe('POST /oauth2/introspect — request errors', () => {
  it('refuses a request without token with 400 invalid_request', async () => {
    const caller = await client(shared);
    const res = await postAs(instance.app, 'introspect', caller, {});
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses an unauthenticated caller with 401 invalid_client', async () => {
    const owner = await client(shared);
    const { accessToken } = await tokensFor(instance.app, owner);
    const res = await request(instance.app)
      .post('/oauth2/introspect')
      .set('Authorization', basicAuth('nobody', 'nothing'))
      .type('form')
      .send({ token: accessToken });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.body).not.toHaveProperty('active');
  });

  it('answers any other method with 405 and Allow: POST', async () => {
    const res = await request(instance.app).put('/oauth2/introspect');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
  });

  it('answers 503 when the token-state store is down rather than guessing', async () => {
    const owner = await client(shared);
    const { accessToken } = await tokensFor(instance.app, owner);
    shared.tokenState.failing = true;
    const res = await postAs(instance.app, 'introspect', owner, { token: accessToken });
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
  });
});
