import express from 'express';
import request from 'supertest';
import { TokenCache, createTokenCache, requireToken } from '../../lib/bearer';
import type { RequireTokenOptions } from '../../lib/bearer';
import { Keyring } from '../../lib/keys/keyring';
import { TEST_AUDIENCE, TEST_ISSUER, nowSeconds, tokenFor } from '../support/keys';

let keyring: Keyring;

beforeAll(async () => {
  keyring = await Keyring.generate('ES256');
});

function bearer(token: string): [string, string] {
  return ['Authorization', `Bearer ${token}`];
}

/** Two routes with different audiences and scopes that share one cache. */
function twoRoutes(cache: TokenCache, overrides: Partial<RequireTokenOptions> = {}) {
  const app = express();
  const base = { keys: keyring, issuer: TEST_ISSUER, cache, ...overrides };
  app.get('/records', requireToken({ ...base, audience: TEST_AUDIENCE, scope: 'records:read' }), (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/payments', requireToken({ ...base, audience: 'payments-api', scope: 'records:read' }), (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/admin', requireToken({ ...base, audience: TEST_AUDIENCE, scope: 'admin' }), (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}

describe('token cache — verified once, checked per route', () => {
  it('remembers a verified token', async () => {
    const cache = createTokenCache();
    await request(twoRoutes(cache)).get('/records').set(...bearer(tokenFor(keyring)));
    expect(cache.size).toBe(1);
  });

  it('still refuses a cached token on a route with another audience', async () => {
    const cache = createTokenCache();
    const app = twoRoutes(cache);
    const token = tokenFor(keyring);
    expect((await request(app).get('/records').set(...bearer(token))).status).toBe(200);
    const res = await request(app).get('/payments').set(...bearer(token));
    expect(res.status).toBe(401);
    expect(res.body.error_description).toBe('The access token is not meant for this resource.');
  });

  it('still refuses a cached token on a route that needs another scope', async () => {
    const cache = createTokenCache();
    const app = twoRoutes(cache);
    const token = tokenFor(keyring);
    expect((await request(app).get('/records').set(...bearer(token))).status).toBe(200);
    expect((await request(app).get('/admin').set(...bearer(token))).status).toBe(403);
  });

  it('still refuses a cached token once it has expired', async () => {
    let clock = Date.now();
    const cache = createTokenCache();
    const app = twoRoutes(cache, { now: () => clock });
    const token = tokenFor(keyring);
    expect((await request(app).get('/records').set(...bearer(token))).status).toBe(200);
    clock += 3600_000;
    const res = await request(app).get('/records').set(...bearer(token));
    expect(res.status).toBe(401);
    expect(res.body.error_description).toBe('The access token has expired.');
  });

  it('does not remember a token past its exp (one inside the clock tolerance is not cached)', async () => {
    const cache = createTokenCache();
    const now = nowSeconds();
    const token = tokenFor(keyring, { iat: now - 600, exp: now - 3 });
    expect((await request(twoRoutes(cache)).get('/records').set(...bearer(token))).status).toBe(200);
    expect(cache.size).toBe(0);
  });

  it('does not let a token verified by one key source pass a route with another', async () => {
    const cache = createTokenCache();
    const other = await Keyring.generate('ES256');
    const app = express();
    app.get('/a', requireToken({ keys: keyring, issuer: TEST_ISSUER, audience: TEST_AUDIENCE, cache }), (_q, r) => {
      r.json({});
    });
    app.get('/b', requireToken({ keys: other, issuer: TEST_ISSUER, audience: TEST_AUDIENCE, cache }), (_q, r) => {
      r.json({});
    });
    const token = tokenFor(keyring);
    expect((await request(app).get('/a').set(...bearer(token))).status).toBe(200);
    expect((await request(app).get('/b').set(...bearer(token))).status).toBe(401);
  });
});

describe('token cache — eviction (for revocation and rotation)', () => {
  it('is exposed on the middleware', async () => {
    const middleware = requireToken({ keys: keyring, issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    expect(middleware.cache).toBeInstanceOf(TokenCache);
    const app = express();
    app.get('/', middleware, (_req, res) => {
      res.json({});
    });
    await request(app).get('/').set(...bearer(tokenFor(keyring)));
    expect(middleware.cache?.size).toBe(1);
  });

  it('can be turned off', () => {
    expect(requireToken({ keys: keyring, issuer: TEST_ISSUER, audience: TEST_AUDIENCE, cache: false }).cache).toBeUndefined();
  });

  it('evicts one token', async () => {
    const cache = createTokenCache();
    const token = tokenFor(keyring);
    await request(twoRoutes(cache)).get('/records').set(...bearer(token));
    expect(cache.evict(token)).toBe(true);
    expect(cache.size).toBe(0);
    expect(cache.evict(token)).toBe(false);
  });

  it('evicts by jti', async () => {
    const cache = createTokenCache();
    const app = twoRoutes(cache);
    await request(app).get('/records').set(...bearer(tokenFor(keyring, { jti: 'keep' })));
    await request(app).get('/records').set(...bearer(tokenFor(keyring, { jti: 'drop' })));
    expect(cache.evictJti('drop')).toBe(1);
    expect(cache.size).toBe(1);
  });

  it('clears', async () => {
    const cache = createTokenCache();
    await request(twoRoutes(cache)).get('/records').set(...bearer(tokenFor(keyring)));
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('holds at most max tokens', async () => {
    const cache = createTokenCache({ max: 2 });
    const app = twoRoutes(cache);
    for (let i = 0; i < 3; i += 1) await request(app).get('/records').set(...bearer(tokenFor(keyring)));
    expect(cache.size).toBe(2);
  });

  it('drops the tokens of a retired key, which are then refused', async () => {
    const ring = await Keyring.generate('ES256');
    const firstKid = ring.signingKey.kid;
    const secondKid = ring.add({ alg: 'ES256', privateKey: (await Keyring.generate('ES256')).signingKey.key }, { activate: true });
    const cache = createTokenCache();
    const app = express();
    app.get('/', requireToken({ keys: ring, issuer: TEST_ISSUER, audience: TEST_AUDIENCE, cache }), (_req, res) => {
      res.json({});
    });
    const token = tokenFor(ring);
    expect((await request(app).get('/').set(...bearer(token))).status).toBe(200);
    expect(cache.size).toBe(1);

    ring.activate(firstKid);
    ring.retire(secondKid);
    expect(cache.size).toBe(0);
    expect((await request(app).get('/').set(...bearer(token))).status).toBe(401);
  });

  it('refuses a max that is not a positive whole number', () => {
    expect(() => createTokenCache({ max: 1.5 })).toThrow(RangeError);
  });
});
