import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Keyring, signJwt } from '../../lib/keys';
import { hashRefreshToken } from '../../lib/lifecycle';
import { FaultInjectingClientStore } from '../support/token-fault-store';
import { basicAuth } from '../support/token-harness';
import type { Instance, Shared } from './harness';
import { callApi, client, DEFAULT_AUDIENCE, FaultyTokenStateStore, ISSUER, postAs, startInstance, tokensFor } from './harness';

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

describe('POST /oauth2/revoke — an access token of the caller (RFC 7009 §2.1, §2.2)', () => {
  it('answers 200 with an empty, uncacheable body', async () => {
    const owner = await client(shared);
    const { accessToken } = await tokensFor(instance.app, owner);
    const res = await postAs(instance.app, 'revoke', owner, { token: accessToken });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('makes the bearer middleware of the same process refuse the token at once, cached or not', async () => {
    const owner = await client(shared);
    const { accessToken } = await tokensFor(instance.app, owner);
    expect((await callApi(instance.app, accessToken)).status).toBe(200);

    await postAs(instance.app, 'revoke', owner, { token: accessToken }).expect(200);

    const res = await callApi(instance.app, accessToken);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_token', error_description: 'The access token has been revoked.' });
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('is refused by a second instance sharing the store once that instance has polled it', async () => {
    const second = await startInstance(shared);
    try {
      const owner = await client(shared);
      const { accessToken } = await tokensFor(instance.app, owner);
      expect((await callApi(second.app, accessToken)).status).toBe(200);

      await postAs(instance.app, 'revoke', owner, { token: accessToken }).expect(200);
      await second.revocations.refresh();

      expect((await callApi(second.app, accessToken)).status).toBe(401);
    } finally {
      second.revocations.stop();
    }
  });

  it('is refused at once by a second instance in strict mode (a store look-up per request)', async () => {
    const strict = await startInstance(shared, { revocation: { mode: 'strict' } });
    const owner = await client(shared);
    const { accessToken } = await tokensFor(instance.app, owner);
    expect((await callApi(strict.app, accessToken)).status).toBe(200);

    await postAs(instance.app, 'revoke', owner, { token: accessToken }).expect(200);

    expect((await callApi(strict.app, accessToken)).status).toBe(401);
  });

  it('is seen by a second instance that starts after the revocation (first load)', async () => {
    const owner = await client(shared);
    const { accessToken } = await tokensFor(instance.app, owner);
    await postAs(instance.app, 'revoke', owner, { token: accessToken }).expect(200);

    const late = await startInstance(shared);
    late.revocations.stop();
    expect((await callApi(late.app, accessToken)).status).toBe(401);
  });

  it('leaves the caller’s other tokens alone', async () => {
    const owner = await client(shared);
    const revoked = await tokensFor(instance.app, owner);
    const kept = await tokensFor(instance.app, owner);
    await postAs(instance.app, 'revoke', owner, { token: revoked.accessToken }).expect(200);
    expect((await callApi(instance.app, kept.accessToken)).status).toBe(200);
  });

  it('finds the access token even when token_type_hint says refresh_token, and ignores an unknown hint', async () => {
    const owner = await client(shared);
    const first = await tokensFor(instance.app, owner);
    const second = await tokensFor(instance.app, owner);
    await postAs(instance.app, 'revoke', owner, { token: first.accessToken, token_type_hint: 'refresh_token' }).expect(200);
    await postAs(instance.app, 'revoke', owner, { token: second.accessToken, token_type_hint: 'id_token' }).expect(200);
    expect((await callApi(instance.app, first.accessToken)).status).toBe(401);
    expect((await callApi(instance.app, second.accessToken)).status).toBe(401);
  });
});

describe('POST /oauth2/revoke — a refresh token of the caller', () => {
  it('revokes its whole family: neither it nor its successor refreshes any more', async () => {
    const owner = await client(shared);
    const { refreshToken } = await tokensFor(instance.app, owner);
    const rotated = await postAs(instance.app, 'token', owner, { grant_type: 'refresh_token', refresh_token: refreshToken ?? '' });
    expect(rotated.status).toBe(200);
    const successor = rotated.body.refresh_token as string;

    await postAs(instance.app, 'revoke', owner, { token: successor, token_type_hint: 'refresh_token' }).expect(200);

    const res = await postAs(instance.app, 'token', owner, { grant_type: 'refresh_token', refresh_token: successor });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });
});

describe("POST /oauth2/revoke — another client's token (DESIGN.md)", () => {
  it('refuses an access token of another client with 400 unauthorized_client and changes nothing', async () => {
    const owner = await client(shared);
    const intruder = await client(shared);
    const { accessToken } = await tokensFor(instance.app, owner);

    const res = await postAs(instance.app, 'revoke', intruder, { token: accessToken });

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'unauthorized_client', error_description: 'The token was not issued to this client.' });
    expect((await callApi(instance.app, accessToken)).status).toBe(200);
    expect(await shared.tokenState.revokedSince(new Date(0))).toEqual([]);
    const seen = await postAs(instance.app, 'introspect', owner, { token: accessToken });
    expect(seen.body.active).toBe(true);
  });

  it('refuses a refresh token of another client with 400 unauthorized_client and leaves it usable', async () => {
    const owner = await client(shared);
    const intruder = await client(shared);
    const { refreshToken } = await tokensFor(instance.app, owner);

    const res = await postAs(instance.app, 'revoke', intruder, { token: refreshToken ?? '' });

    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
    const refreshed = await postAs(instance.app, 'token', owner, { grant_type: 'refresh_token', refresh_token: refreshToken ?? '' });
    expect(refreshed.status).toBe(200);
  });
});

describe('POST /oauth2/revoke — nothing to revoke (RFC 7009 §2.2: still 200)', () => {
  it.each<[string, () => Promise<string>]>([
    ['garbage', () => Promise.resolve('not-a-token')],
    ['a JWT-shaped string that does not decode', () => Promise.resolve('a.b.c')],
    ['an unknown refresh-token-shaped value', () => Promise.resolve('A'.repeat(43))],
    [
      'a token signed by another key',
      async () => {
        const stranger = await Keyring.generate('ES256', { kid: keys.activeKeyId });
        const now = Math.floor(Date.now() / 1000);
        const claims = { iss: ISSUER, sub: 'x', client_id: 'x', aud: DEFAULT_AUDIENCE, iat: now, exp: now + 600, jti: randomUUID() };
        return signJwt(claims, stranger.signingKey);
      },
    ],
    [
      'an expired token',
      () => {
        const now = Math.floor(Date.now() / 1000);
        const claims = { iss: ISSUER, sub: 'x', client_id: 'x', aud: DEFAULT_AUDIENCE, iat: now - 1200, exp: now - 600, jti: randomUUID() };
        return Promise.resolve(signJwt(claims, keys.signingKey));
      },
    ],
  ])('answers 200 for %s and records nothing', async (_name, make) => {
    const caller = await client(shared);
    const res = await postAs(instance.app, 'revoke', caller, { token: await make() });
    expect(res.status).toBe(200);
    expect(await shared.tokenState.revokedSince(new Date(0))).toEqual([]);
  });
});

describe('POST /oauth2/revoke — request errors', () => {
  it('refuses a request without token with 400 invalid_request', async () => {
    const caller = await client(shared);
    const res = await postAs(instance.app, 'revoke', caller, {});
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The token parameter is required.' });
  });

  it('refuses an unauthenticated client with 401 invalid_client and changes nothing', async () => {
    const owner = await client(shared);
    const { accessToken } = await tokensFor(instance.app, owner);
    const res = await request(instance.app)
      .post('/oauth2/revoke')
      .set('Authorization', basicAuth(owner.clientId, 'wrong secret'))
      .type('form')
      .send({ token: accessToken });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers['www-authenticate']).toBe('Basic realm="oauth2"');
    expect((await callApi(instance.app, accessToken)).status).toBe(200);
  });

  it('accepts client_secret_post credentials like the token endpoint', async () => {
    const owner = await client(shared);
    const { accessToken } = await tokensFor(instance.app, owner);
    await request(instance.app)
      .post('/oauth2/revoke')
      .type('form')
      .send({ token: accessToken, client_id: owner.clientId, client_secret: owner.secret })
      .expect(200);
    expect((await callApi(instance.app, accessToken)).status).toBe(401);
  });

  it('answers any other method with 405 and Allow: POST', async () => {
    const res = await request(instance.app).get('/oauth2/revoke');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.body.error).toBe('method_not_allowed');
  });

  it('answers 503 with Retry-After, and no driver detail, when the token-state store is down', async () => {
    const owner = await client(shared);
    const { accessToken } = await tokensFor(instance.app, owner);
    shared.tokenState.failing = true;
    const res = await postAs(instance.app, 'revoke', owner, { token: accessToken });
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    expect(res.headers['retry-after']).toBe('5');
    expect(JSON.stringify(res.body)).not.toMatch(/Mongo|hunter2/);
  });
});

describe('the revocation list of requireToken — a store that is down', () => {
  it('keeps answering from memory while the last poll is within maxStalenessMs', async () => {
    let now = Date.now();
    const clocked = await startInstance(shared, { revocation: { now: () => now, maxStalenessMs: 5000 } });
    clocked.revocations.stop();
    const owner = await client(shared);
    const { accessToken } = await tokensFor(instance.app, owner);
    shared.tokenState.failing = true;
    now += 4000;
    expect((await callApi(clocked.app, accessToken)).status).toBe(200);
  });

  it('fails closed with 503 once the last successful poll is older than maxStalenessMs', async () => {
    let now = Date.now();
    const clocked = await startInstance(shared, { revocation: { now: () => now, maxStalenessMs: 5000 } });
    clocked.revocations.stop();
    const owner = await client(shared);
    const { accessToken } = await tokensFor(instance.app, owner);
    shared.tokenState.failing = true;
    now += 6000;

    const res = await callApi(clocked.app, accessToken);
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
  });

  it('lets requests through when the host chose fail-open', async () => {
    let now = Date.now();
    const open = await startInstance(shared, {
      revocation: { now: () => now },
      api: { onRevocationCheckError: 'fail-open' },
    });
    open.revocations.stop();
    const owner = await client(shared);
    const { accessToken } = await tokensFor(instance.app, owner);
    shared.tokenState.failing = true;
    now += 60_000;
    expect((await callApi(open.app, accessToken)).status).toBe(200);
  });

  it('recovers as soon as the store answers again', async () => {
    let now = Date.now();
    const clocked = await startInstance(shared, { revocation: { now: () => now } });
    clocked.revocations.stop();
    const owner = await client(shared);
    const { accessToken } = await tokensFor(instance.app, owner);
    shared.tokenState.failing = true;
    now += 60_000;
    expect((await callApi(clocked.app, accessToken)).status).toBe(503);
    shared.tokenState.failing = false;
    expect((await callApi(clocked.app, accessToken)).status).toBe(200);
  });

  it('still refuses a token revoked in this process while the store is down', async () => {
    const owner = await client(shared);
    const { accessToken } = await tokensFor(instance.app, owner);
    await postAs(instance.app, 'revoke', owner, { token: accessToken }).expect(200);
    shared.tokenState.failing = true;
    expect((await callApi(instance.app, accessToken)).status).toBe(401);
  });
});

describe('refresh token storage', () => {
  it('stores a refresh token only as its SHA-256 hash', async () => {
    const owner = await client(shared);
    const { refreshToken } = await tokensFor(instance.app, owner);
    expect(refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const saved = shared.tokenState.savedRefreshTokens;
    expect(saved).toHaveLength(1);
    expect(saved[0]?.tokenHash).toBe(hashRefreshToken(refreshToken ?? ''));
    expect(JSON.stringify(saved)).not.toContain(refreshToken);
  });
});
