import express from 'express';
import request from 'supertest';
import { TokenCache, createTokenCache, requireToken } from '../../lib/bearer';
import type { AccessTokenAuth, CachedVerification, RequireTokenOptions } from '../../lib/bearer';
import { Keyring } from '../../lib/keys/keyring';
import { TEST_AUDIENCE, TEST_ISSUER, nowSeconds, tokenFor } from '../support/keys';

let keyring: Keyring;

beforeAll(async () => {
  keyring = await Keyring.generate('ES256');
});

function bearer(token: string): [string, string] {
  return ['Authorization', `Bearer ${token}`];
}

/** Two uses of `token` at `path`: under the default admission a token is cached the second time it is verified. */
async function useTwice(app: express.Express, token: string, path = '/records'): Promise<void> {
  for (let i = 0; i < 2; i += 1) expect((await request(app).get(path).set(...bearer(token))).status).toBe(200);
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
  it('remembers a token the second time it is verified, and serves it from the cache after that', async () => {
    const cache = createTokenCache();
    const app = twoRoutes(cache);
    const token = tokenFor(keyring);
    expect((await request(app).get('/records').set(...bearer(token))).status).toBe(200);
    expect(cache.size).toBe(0);
    expect(cache.lookup(token)).toBeUndefined();
    expect((await request(app).get('/records').set(...bearer(token))).status).toBe(200);
    expect(cache.size).toBe(1);
    expect(cache.lookup(token)?.claims.jti).toBeDefined();
  });

  it("remembers a token the first time with admission: 'first-use'", async () => {
    const cache = createTokenCache({ admission: 'first-use' });
    await request(twoRoutes(cache)).get('/records').set(...bearer(tokenFor(keyring)));
    expect(cache.size).toBe(1);
  });

  it('keeps its working set through a flood of tokens used once (they never enter it)', async () => {
    const cache = createTokenCache({ max: 2 });
    const app = twoRoutes(cache);
    const hot = tokenFor(keyring);
    await useTwice(app, hot);
    for (let i = 0; i < 30; i += 1) expect((await request(app).get('/records').set(...bearer(tokenFor(keyring)))).status).toBe(200);
    expect(cache.lookup(hot)).toBeDefined();
    expect(cache.size).toBe(1);
  });

  it('admits a whole working set reused in turn, even tokens that share a slot of the seen-once table', () => {
    // 700 tokens over a table of 2048 slots in buckets of four: these 700 put five or six tokens in
    // twelve buckets (and with one slot per token, over a hundred pairs would share a slot). A token
    // whose first sighting another one overwrote must still get in on a later round.
    const cache = createTokenCache({ max: 1000 });
    const entry = { claims: Object.freeze({}), header: Object.freeze({ alg: 'ES256' }), kid: 'k', source: keyring } as unknown as CachedVerification;
    const workingSet = Array.from({ length: 700 }, (_, i) => `token-${i}`);
    for (let round = 0; round < 10; round += 1) {
      for (const token of workingSet) if (!cache.lookup(token)) cache.remember(token, entry, 60_000);
    }
    expect(cache.size).toBe(workingSet.length);
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

  it('checks a cached token against each route on every request, and gives each request its own req.auth', async () => {
    const cache = createTokenCache();
    const app = twoRoutes(cache);
    const seen: AccessTokenAuth[] = [];
    app.get('/tamper', requireToken({ keys: keyring, issuer: TEST_ISSUER, cache, audience: TEST_AUDIENCE }), (req, res) => {
      seen.push(req.auth!);
      req.auth!.scopes.push('tampered');
      req.auth!.audience.push('tampered');
      res.json({ scopes: req.auth!.scopes });
    });
    const token = tokenFor(keyring, { scope: 'records:read' });
    for (let round = 0; round < 3; round += 1) {
      expect((await request(app).get('/tamper').set(...bearer(token))).body.scopes).toEqual(['records:read', 'tampered']);
      expect((await request(app).get('/records').set(...bearer(token))).status).toBe(200);
      expect((await request(app).get('/payments').set(...bearer(token))).status).toBe(401);
      expect((await request(app).get('/admin').set(...bearer(token))).status).toBe(403);
    }
    expect(cache.size).toBe(1);
    expect(seen[1]).not.toBe(seen[2]);
    expect(seen[2]?.audience).toEqual([TEST_AUDIENCE, 'tampered']);
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
    await useTwice(app, tokenFor(keyring), '/');
    expect(middleware.cache?.size).toBe(1);
  });

  it('can be turned off', () => {
    expect(requireToken({ keys: keyring, issuer: TEST_ISSUER, audience: TEST_AUDIENCE, cache: false }).cache).toBeUndefined();
  });

  it('evicts one token', async () => {
    const cache = createTokenCache();
    const token = tokenFor(keyring);
    await useTwice(twoRoutes(cache), token);
    expect(cache.evict(token)).toBe(true);
    expect(cache.size).toBe(0);
    expect(cache.evict(token)).toBe(false);
  });

  it('evicts by jti', async () => {
    const cache = createTokenCache();
    const app = twoRoutes(cache);
    await useTwice(app, tokenFor(keyring, { jti: 'keep' }));
    await useTwice(app, tokenFor(keyring, { jti: 'drop' }));
    expect(cache.evictJti('drop')).toBe(1);
    expect(cache.size).toBe(1);
  });

  it('clears', async () => {
    const cache = createTokenCache();
    const app = twoRoutes(cache);
    const token = tokenFor(keyring);
    await useTwice(app, token);
    cache.clear();
    expect(cache.size).toBe(0);
    // what was seen once is forgotten too: the next use is a first use again
    await request(app).get('/records').set(...bearer(token));
    expect(cache.size).toBe(0);
  });

  it('holds at most max tokens', async () => {
    const cache = createTokenCache({ max: 2 });
    const app = twoRoutes(cache);
    for (let i = 0; i < 3; i += 1) await useTwice(app, tokenFor(keyring));
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
    await useTwice(app, token, '/');
    expect(cache.size).toBe(1);

    ring.activate(firstKid);
    ring.retire(secondKid);
    expect(cache.size).toBe(0);
    expect((await request(app).get('/').set(...bearer(token))).status).toBe(401);
  });

  it('refuses a max that is not a positive whole number', () => {
    expect(() => createTokenCache({ max: 1.5 })).toThrow(RangeError);
  });

  it('refuses an unknown admission policy, in the cache and in requireToken', () => {
    expect(() => createTokenCache({ admission: 'always' as never })).toThrow("admission must be 'first-use' or 'second-use'");
    expect(() =>
      requireToken({ keys: keyring, issuer: TEST_ISSUER, audience: TEST_AUDIENCE, cache: { admission: 'always' as never } }),
    ).toThrow(/cache.*admission must be 'first-use' or 'second-use'/);
  });
});
