import { createHmac, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer } from 'node:http';
import express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { requireToken } from '../../lib/bearer';
import type { RequireTokenOptions } from '../../lib/bearer';
import { KeySourceUnavailableError } from '../../lib/keys/errors';
import { Keyring } from '../../lib/keys/keyring';
import type { VerificationKeySource } from '../../lib/keys/types';
import {
  TEST_AUDIENCE,
  TEST_ISSUER,
  base64url,
  craftJwt,
  accessClaims,
  nowSeconds,
  respelled,
  tokenFor,
  withEditedPayload,
} from '../support/keys';

let keyring: Keyring;

beforeAll(async () => {
  keyring = await Keyring.generate('RS256');
});

const base = (): RequireTokenOptions => ({ keys: keyring, issuer: TEST_ISSUER, audience: TEST_AUDIENCE });

/** A host app with one protected route that echoes what the middleware gave it. */
function hostApp(options: Partial<RequireTokenOptions> = {}, setup?: (app: Express) => void): Express {
  const app = express();
  setup?.(app);
  app.all('/records', requireToken({ ...base(), ...options }), (req, res) => {
    res.json({ auth: req.auth, sameUser: req.user === req.auth });
  });
  // The host's own error handler: the middleware must never reach it.
  app.use((_error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.status(599).json({ host: 'error handler' });
  });
  return app;
}

function bearer(token: string): [string, string] {
  return ['Authorization', `Bearer ${token}`];
}

describe('requireToken — a valid token (RFC 9068 §4)', () => {
  it('lets the request through with req.auth and req.user', async () => {
    const token = tokenFor(keyring, { scope: 'records:read disburse', jti: 'jti-1' });
    const res = await request(hostApp()).get('/records').set(...bearer(token));
    expect(res.status).toBe(200);
    expect(res.body.auth).toMatchObject({
      clientId: 'client-1',
      scopes: ['records:read', 'disburse'],
      audience: [TEST_AUDIENCE],
      jti: 'jti-1',
      claims: { iss: TEST_ISSUER, sub: 'client-1' },
    });
    expect(new Date(res.body.auth.expiresAt as string).getTime()).toBeGreaterThan(Date.now());
    expect(res.body.sameUser).toBe(true);
  });

  it('accepts the scheme name in any case', async () => {
    const res = await request(hostApp()).get('/records').set('Authorization', `bEaReR ${tokenFor(keyring)}`);
    expect(res.status).toBe(200);
  });

  it('reads a string aud as a one-element audience', async () => {
    const res = await request(hostApp()).get('/records').set(...bearer(tokenFor(keyring, { aud: TEST_AUDIENCE })));
    expect(res.body.auth.audience).toEqual([TEST_AUDIENCE]);
  });

  it('reads scopes from an array claim (OpenCRVS profiles)', async () => {
    const token = tokenFor(keyring, { scope: ['records:read', 'disburse'] });
    const res = await request(hostApp({ scope: 'disburse' })).get('/records').set(...bearer(token));
    expect(res.status).toBe(200);
    expect(res.body.auth.scopes).toEqual(['records:read', 'disburse']);
  });

  it('hands the route frozen claims, down to their arrays and objects', async () => {
    const app = express();
    app.get('/', requireToken(base()), (req, res) => {
      const claims = req.auth?.claims as Record<string, unknown> | undefined;
      res.json({ frozen: [claims, claims?.aud, claims?.cnf].map((member) => Object.isFrozen(member)) });
    });
    const token = tokenFor(keyring, { aud: [TEST_AUDIENCE, 'other-api'], cnf: { 'x5t#S256': 'thumbprint' } });
    const res = await request(app).get('/').set(...bearer(token));
    expect(res.body.frozen).toEqual([true, true, true]);
  });

  it('accepts any of several issuers', async () => {
    const token = tokenFor(keyring, { iss: 'https://second.example' });
    const res = await request(hostApp({ issuer: [TEST_ISSUER, 'https://second.example'] })).get('/records').set(...bearer(token));
    expect(res.status).toBe(200);
  });
});

describe('requireToken — no credentials (RFC 6750 §3.1)', () => {
  it('answers 401 with a challenge that carries the realm and no error code', async () => {
    const res = await request(hostApp()).get('/records');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The request carries no access token.' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('uses the configured realm', async () => {
    const res = await request(hostApp({ realm: 'records' })).get('/records');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="records"');
  });

  it('treats an Authorization header of another scheme as no bearer credentials', async () => {
    const res = await request(hostApp()).get('/records').set('Authorization', 'Basic Y2xpZW50OnNlY3JldA==');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });
});

describe('requireToken — malformed requests (RFC 6750 §3.1 invalid_request)', () => {
  it.each([
    ['two tokens', () => `Bearer ${tokenFor(keyring)} ${tokenFor(keyring)}`],
    ['two spaces after the scheme', () => `Bearer  ${tokenFor(keyring)}`],
    ['the scheme alone', () => 'Bearer'],
    ['characters outside token68', () => 'Bearer abc$def'],
    ['a comma-separated auth-param instead of a token', () => 'Bearer token="abc", x=y'],
  ])('refuses %s with 400 invalid_request', async (_what, header) => {
    const res = await request(hostApp()).get('/records').set('Authorization', header());
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_request"/);
  });

  it('refuses a signed token spoilt by one character outside token68 with 400, before any verification failure', async () => {
    const token = tokenFor(keyring);
    const spoilt = `${token.slice(0, 40)}$${token.slice(41)}`;
    const res = await request(hostApp()).get('/records').set(...bearer(spoilt));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The access token in the Authorization header is malformed.' });
  });

  it('names the query when an allowed query token is not a token68', async () => {
    const res = await request(hostApp({ allowQueryToken: true })).get('/records').query({ access_token: `${tokenFor(keyring)} x` });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The access token in the query is malformed.' });
  });

  it('refuses a malformed token with 400 even when the verification keys cannot be fetched (never a 503)', async () => {
    let fetched = 0;
    const unreachable: VerificationKeySource = {
      algorithms: () => ['RS256'],
      getVerificationKey: () => {
        fetched += 1;
        return Promise.reject(new KeySourceUnavailableError('the JWKS endpoint is down'));
      },
    };
    const token = tokenFor(keyring);
    const res = await request(hostApp({ keys: unreachable })).get('/records').set(...bearer(`${token.slice(0, 40)}$${token.slice(41)}`));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(fetched).toBe(0);
    const sound = await request(hostApp({ keys: unreachable })).get('/records').set(...bearer(token));
    expect(sound.status).toBe(503);
  });

  it('refuses a token in the query with 400 invalid_request', async () => {
    const res = await request(hostApp()).get('/records').query({ access_token: tokenFor(keyring) });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_request',
      error_description: 'Access tokens are accepted in the Authorization header only, not in the query.',
    });
  });

  it('refuses a token in a body the host parsed', async () => {
    const app = hostApp({}, (host) => host.use(express.json()));
    const res = await request(app).post('/records').send({ access_token: tokenFor(keyring) });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('accepts a query token when allowQueryToken is set (RFC 6750 §2.3)', async () => {
    const res = await request(hostApp({ allowQueryToken: true })).get('/records').query({ access_token: tokenFor(keyring) });
    expect(res.status).toBe(200);
  });

  it('accepts a body token when allowBodyToken is set and the host parsed the body (RFC 6750 §2.2)', async () => {
    const app = hostApp({ allowBodyToken: true }, (host) => host.use(express.urlencoded({ extended: false })));
    const res = await request(app).post('/records').type('form').send({ access_token: tokenFor(keyring) });
    expect(res.status).toBe(200);
  });

  it('refuses a token sent by two methods at once, even when both are allowed', async () => {
    const token = tokenFor(keyring);
    const res = await request(hostApp({ allowQueryToken: true })).get('/records').query({ access_token: token }).set(...bearer(token));
    expect(res.status).toBe(400);
    expect(res.body.error_description).toBe('The request carries more than one access token.');
  });

  it('refuses a repeated query token', async () => {
    const token = tokenFor(keyring);
    const res = await request(hostApp({ allowQueryToken: true })).get(`/records?access_token=${token}&access_token=${token}`);
    expect(res.status).toBe(400);
  });
});

describe('requireToken — invalid tokens (RFC 6750 §3.1 invalid_token)', () => {
  async function expectInvalid(token: string, description = 'The access token is invalid.', options: Partial<RequireTokenOptions> = {}) {
    const res = await request(hostApp(options)).get('/records').set(...bearer(token));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_token', error_description: description });
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="api", error="invalid_token", error_description="${description}"`,
    );
  }

  it('refuses a token expired by one second beyond the tolerance, saying it expired', async () => {
    const now = nowSeconds();
    await expectInvalid(tokenFor(keyring, { iat: now - 600, exp: now - 6 }), 'The access token has expired.');
  });

  it('accepts a token expired within the tolerance', async () => {
    const now = nowSeconds();
    const res = await request(hostApp()).get('/records').set(...bearer(tokenFor(keyring, { iat: now - 600, exp: now - 4 })));
    expect(res.status).toBe(200);
  });

  it('reads the clock from the now option', async () => {
    const token = tokenFor(keyring);
    const later = () => Date.now() + 3600_000;
    await expectInvalid(token, 'The access token has expired.', { now: later });
  });

  it('refuses a token that is not valid yet', async () => {
    await expectInvalid(tokenFor(keyring, { nbf: nowSeconds() + 60 }), 'The access token is not valid yet.');
  });

  it('refuses a token for another audience', async () => {
    await expectInvalid(tokenFor(keyring, { aud: ['payments-api'] }), 'The access token is not meant for this resource.');
  });

  it('refuses a token from another issuer', async () => {
    await expectInvalid(tokenFor(keyring, { iss: 'https://evil.example' }));
  });

  it('refuses a token whose typ is not at+jwt, unless the profile accepts it', async () => {
    const token = tokenFor(keyring, {}, { typ: 'JWT' });
    await expectInvalid(token);
    const res = await request(hostApp({ acceptedTypes: ['at+jwt', 'JWT'] })).get('/records').set(...bearer(token));
    expect(res.status).toBe(200);
  });

  it('refuses a string that is not a JWT', async () => {
    await expectInvalid('not-a-jwt');
  });
});

describe('requireToken — attacks (RFC 8725)', () => {
  it('refuses alg none', async () => {
    const res = await request(hostApp())
      .get('/records')
      .set(...bearer(`${craftJwt({ alg: 'none', typ: 'at+jwt', kid: keyring.signingKey.kid }, accessClaims())}`.replace(/\.$/, '.AA')));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  });

  it('refuses alg none with an empty signature (which is no token68)', async () => {
    const token = craftJwt({ alg: 'none', typ: 'at+jwt' }, accessClaims());
    const res = await request(hostApp()).get('/records').set(...bearer(token));
    expect([400, 401]).toContain(res.status);
  });

  it('refuses HS256 signed with the RSA public key PEM as the HMAC secret', async () => {
    const publicPem = createPublicKey(keyring.signingKey.key).export({ type: 'spki', format: 'pem' });
    const unsigned = `${base64url({ alg: 'HS256', typ: 'at+jwt', kid: keyring.signingKey.kid })}.${base64url(accessClaims())}`;
    const token = `${unsigned}.${createHmac('sha256', publicPem).update(unsigned).digest('base64url')}`;
    const res = await request(hostApp()).get('/records').set(...bearer(token));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  });

  it('admits only the token as it was signed: a signature re-spelled with the same bytes is refused, cached original or not', async () => {
    const app = hostApp();
    const token = tokenFor(keyring);
    // an RS256 signature is 342 characters: the last one's low 4 bits encode nothing
    const other = respelled(token);
    expect(other).not.toBe(token);
    for (let i = 0; i < 3; i += 1) {
      expect((await request(app).get('/records').set(...bearer(token))).status).toBe(200);
      const res = await request(app).get('/records').set(...bearer(other));
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_token');
    }
  });

  it('refuses a payload edited after signing', async () => {
    const token = withEditedPayload(tokenFor(keyring, { scope: 'records:read' }), (claims) => {
      claims.scope = 'records:read disburse';
    });
    const res = await request(hostApp({ scope: 'disburse' })).get('/records').set(...bearer(token));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  });

  it('refuses a token signed by a stranger’s key that carries our kid', async () => {
    const strangerPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    const stranger = Keyring.fromPem({ privateKey: strangerPem as string, alg: 'RS256', kid: keyring.signingKey.kid });
    const res = await request(hostApp()).get('/records').set(...bearer(tokenFor(stranger)));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  });

  it('refuses a token with an unknown kid', async () => {
    const stranger = await Keyring.generate('RS256', { kid: 'unknown-kid' });
    const res = await request(hostApp()).get('/records').set(...bearer(tokenFor(stranger)));
    expect(res.status).toBe(401);
  });

  it('refuses 16 KiB of garbage before parsing it', async () => {
    // A server that admits large headers, so the middleware (not Node's header limit) answers.
    const server = createServer({ maxHeaderSize: 64 * 1024 }, hostApp());
    const garbage = 'A'.repeat(16 * 1024);
    const res = await request(server).get('/records').set(...bearer(garbage));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_token', error_description: 'The access token is too large.' });
  });

  it('never answers 500, whatever the token', async () => {
    const header = base64url({ alg: 'RS256', typ: 'at+jwt', kid: keyring.signingKey.kid });
    const inputs = [
      '.',
      '..',
      '...',
      'a.b.c',
      `${header}..`,
      `${header}.${base64url('null')}.AA`,
      `${header}.${base64url('[]')}.AA`,
      `${header}.${base64url('{"exp":"x"}')}.AA`,
      `${base64url('{"alg":"RS256","crit":["x"]}')}.e30.AA`,
      `${base64url('{"alg":"RS256","kid":{"$ne":1}}')}.e30.AA`,
      `${base64url('{"alg":"RS256","kid":"__proto__"}')}.e30.AA`,
      `${base64url('{"alg":"RS256","kid":"constructor"}')}.e30.AA`,
      `${base64url('{"alg":"ES256"}')}.e30.AA`,
      `${base64url('{"alg":"PS256","kid":"x"}')}.e30.${'A'.repeat(400)}`,
      `${base64url('"string"')}.e30.AA`,
      `${base64url('{"alg":"RS256"')}.e30.AA`,
      'eyJ=.eyJ=.AA',
      '~~~.~~~.~~~',
      `${tokenFor(keyring)}=`,
      tokenFor(keyring).split('.').reverse().join('.'),
    ];
    const app = hostApp();
    const unexpected: { token: string; status: number }[] = [];
    for (const token of inputs) {
      const res = await request(app).get('/records').set(...bearer(token));
      if (res.status !== 400 && res.status !== 401) unexpected.push({ token, status: res.status });
    }
    expect(unexpected).toEqual([]);
  });
});

describe('requireToken — scope (RFC 6750 §3.1 insufficient_scope)', () => {
  it('answers 403 with the required scope in the challenge', async () => {
    const token = tokenFor(keyring, { scope: 'records:read' });
    const res = await request(hostApp({ scope: 'disburse' })).get('/records').set(...bearer(token));
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('insufficient_scope');
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", ' +
        'error_description="The access token does not carry the scope this resource requires.", scope="disburse"',
    );
  });

  it('requires every scope by default', async () => {
    const token = tokenFor(keyring, { scope: 'a b' });
    const app = hostApp({ scopes: ['a', 'c'] });
    const res = await request(app).get('/records').set(...bearer(token));
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toMatch(/scope="a c"$/);
  });

  it('requires one scope with scopeMatch any', async () => {
    const token = tokenFor(keyring, { scope: 'a b' });
    const res = await request(hostApp({ scopes: ['c', 'b'], scopeMatch: 'any' })).get('/records').set(...bearer(token));
    expect(res.status).toBe(200);
  });

  it('does not match a scope by prefix or by substring', async () => {
    const token = tokenFor(keyring, { scope: 'records:read-all xrecords:read' });
    const res = await request(hostApp({ scope: 'records:read' })).get('/records').set(...bearer(token));
    expect(res.status).toBe(403);
  });

  it('treats a token without a scope claim as holding no scope', async () => {
    const token = tokenFor(keyring, { scope: undefined });
    expect((await request(hostApp()).get('/records').set(...bearer(token))).status).toBe(200);
    expect((await request(hostApp({ scope: 'a' })).get('/records').set(...bearer(token))).status).toBe(403);
  });
});

describe('requireToken — revocation hook', () => {
  it('refuses a revoked token with 401 invalid_token', async () => {
    const token = tokenFor(keyring, { jti: 'revoked-jti' });
    const app = hostApp({ isRevoked: (claims) => claims.jti === 'revoked-jti' });
    const res = await request(app).get('/records').set(...bearer(token));
    expect(res.status).toBe(401);
    expect(res.body.error_description).toBe('The access token has been revoked.');
  });

  it('asks on every request, cached token or not', async () => {
    const revoked = new Set<string>();
    const token = tokenFor(keyring, { jti: 'later-revoked' });
    const app = hostApp({ isRevoked: (claims) => Promise.resolve(revoked.has(claims.jti)) });
    expect((await request(app).get('/records').set(...bearer(token))).status).toBe(200);
    revoked.add('later-revoked');
    expect((await request(app).get('/records').set(...bearer(token))).status).toBe(401);
  });

  it('fails closed with 503 temporarily_unavailable when the check throws', async () => {
    const app = hostApp({ isRevoked: () => Promise.reject(new Error('redis down: secret-host:6379')) });
    const res = await request(app).get('/records').set(...bearer(tokenFor(keyring)));
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    expect(JSON.stringify(res.body)).not.toContain('redis');
  });

  it('lets the request through when configured to fail open', async () => {
    const app = hostApp({
      isRevoked: () => {
        throw new Error('down');
      },
      onRevocationCheckError: 'fail-open',
    });
    expect((await request(app).get('/records').set(...bearer(tokenFor(keyring)))).status).toBe(200);
  });
});

describe('requireToken — mount safety', () => {
  it('leaves no Passport state on the host request', async () => {
    const app = express();
    app.get('/', requireToken(base()), (req, res) => {
      const record = req as unknown as Record<string, unknown>;
      res.json({ login: typeof record.login, sessionManager: '_sessionManager' in record });
    });
    const res = await request(app).get('/').set(...bearer(tokenFor(keyring)));
    expect(res.body).toEqual({ login: 'undefined', sessionManager: false });
  });

  it('leaves the body unread for the host’s own parser', async () => {
    const app = express();
    app.post('/', requireToken(base()), express.json(), (req, res) => {
      res.json({ echoed: req.body as unknown });
    });
    const res = await request(app).post('/').set(...bearer(tokenFor(keyring))).send({ amount: 5 });
    expect(res.body).toEqual({ echoed: { amount: 5 } });
  });

  it('never hands a token error to the host’s error handler', async () => {
    const res = await request(hostApp()).get('/records').set(...bearer('x.y.z'));
    expect(res.status).toBe(401);
    expect(res.body).not.toHaveProperty('host');
  });

  it('hands an admitted request on asynchronously, every time: new token, cached token, async revocation check', async () => {
    const asyncRevocation = { isRevoked: () => Promise.resolve(false) };
    for (const options of [{}, asyncRevocation]) {
      const app = express();
      const guard = requireToken({ ...base(), ...options });
      app.get(
        '/',
        (req, res, next) => {
          let returned = false;
          guard(req, res, (error?: unknown) => {
            res.locals.synchronous = !returned;
            next(error);
          });
          returned = true;
        },
        (_req, res) => res.json({ synchronous: res.locals.synchronous as boolean }),
      );
      const token = tokenFor(keyring);
      for (let use = 0; use < 4; use += 1) {
        const res = await request(app).get('/').set(...bearer(token));
        expect(res.body).toEqual({ synchronous: false });
      }
    }
  });

  it('keeps the async context of the request (AsyncLocalStorage) into the route, and an error the route throws reaches the host’s error handler', async () => {
    const context = new AsyncLocalStorage<string>();
    const app = express();
    app.use((req, _res, next) => context.run(String(req.headers['x-request-id']), next));
    app.get('/', requireToken(base()), (_req, res) => res.json({ requestId: context.getStore() }));
    app.get('/throws', requireToken(base()), () => {
      throw new Error('the route failed');
    });
    app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).json({ host: error.message, requestId: context.getStore() });
    });
    const token = tokenFor(keyring);
    for (let use = 0; use < 3; use += 1) {
      const res = await request(app).get('/').set('X-Request-Id', `r-${use}`).set(...bearer(token));
      expect(res.body).toEqual({ requestId: `r-${use}` });
    }
    const res = await request(app).get('/throws').set('X-Request-Id', 'r-9').set(...bearer(token));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ host: 'the route failed', requestId: 'r-9' });
  });

  it('renders errors in the configured format', async () => {
    const app = hostApp({ errorFormat: (error) => ({ error: error.code, errorDescription: error.description }) });
    const res = await request(app).get('/records');
    expect(res.body).toEqual({ error: 'invalid_request', errorDescription: 'The request carries no access token.' });
  });

  it('answers in the RFC format when the configured format gives a body JSON cannot hold', async () => {
    const app = hostApp({ errorFormat: (error) => ({ error: error.code, weight: BigInt(1) }) });
    const res = await request(app).get('/records');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The request carries no access token.' });
  });

  it('answers in the RFC format when the configured format throws, on every path (sync, new token, async revocation)', async () => {
    const app = hostApp({
      errorFormat: () => {
        throw new Error('format broke');
      },
      isRevoked: (claims) => Promise.resolve(claims.jti === 'gone'),
    });
    const none = await request(app).get('/records');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: 'invalid_request', error_description: 'The request carries no access token.' });
    const forged = await request(app).get('/records').set(...bearer(`${tokenFor(keyring).slice(0, -4)}AAAA`));
    expect(forged.status).toBe(401);
    expect(forged.body.error).toBe('invalid_token');
    const token = tokenFor(keyring, { jti: 'gone' });
    for (let use = 0; use < 3; use += 1) {
      const revoked = await request(app).get('/records').set(...bearer(token));
      expect(revoked.status).toBe(401);
      expect(revoked.body).toEqual({ error: 'invalid_token', error_description: 'The access token has been revoked.' });
    }
  });
});

describe('requireToken — options are checked once, at construction', () => {
  it.each<[string, Partial<RequireTokenOptions> & Record<string, unknown>]>([
    ['keys', { keys: undefined }],
    ['keys', { jwksUri: 'https://as.example/jwks' }],
    ['keys', { keys: {} as never }],
    ['issuer', { issuer: '' }],
    ['issuer', { issuer: [] }],
    ['audience', { audience: undefined }],
    ['audience', { audience: ['a'] as unknown as string }],
    ['scopes', { scope: 'a', scopes: ['b'] }],
    ['scope', { scope: 'bad"scope' }],
    ['scopeMatch', { scopeMatch: 'some' as never }],
    ['realm', { realm: 'a"b' }],
    ['clockTolerance', { clockTolerance: 60 }],
    ['clockTolerance', { clockTolerance: -1 }],
    ['acceptedTypes', { acceptedTypes: [] }],
    ['maxTokenLength', { maxTokenLength: 0 }],
    ['cache', { cache: { max: 0 } }],
    ['allowQueryToken', { allowQueryToken: 'yes' as never }],
    ['isRevoked', { isRevoked: true as never }],
    ['onRevocationCheckError', { onRevocationCheckError: 'ignore' as never }],
    ['audiences', { audiences: ['x'] }],
    ['jwks', { jwks: { cacheMaxAge: 1 } }],
  ])('names the bad option %s', (name, bad) => {
    expect(() => requireToken({ ...base(), ...bad })).toThrow(`option "${name}"`);
  });

  it('allows a larger clockTolerance when maxClockTolerance raises the ceiling', () => {
    expect(() => requireToken({ ...base(), clockTolerance: 60, maxClockTolerance: 60 })).not.toThrow();
  });
});
