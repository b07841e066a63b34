import type { Express } from 'express';
import request from 'supertest';
import { MemoryBruteForceLimiter } from '../../lib/hardening';
import type { BruteForceLimiter } from '../../lib/hardening';
import { Keyring } from '../../lib/keys';
import { MemoryTokenStateStore } from '../../lib/lifecycle';
import { tokenRouter } from '../../lib/token';
import type { TokenRouterOptions } from '../../lib/token';
import { FaultInjectingClientStore } from '../support/token-fault-store';
import { basicAuth, form, INVALID_CLIENT_BODY, ISSUER, registerClient, tokenTestApp } from '../support/token-harness';
import type { RegisteredClient, TokenTestApp } from '../support/token-harness';
import { FaultInjectingLimiter, LIMITER_DRIVER_MESSAGE } from './support/fault-limiter';
import { RecordingLogger } from './support/recording-logger';

let keys: Keyring;
beforeAll(async () => {
  keys = await Keyring.generate('ES256');
});

const TOO_MANY_BODY = {
  error: 'too_many_requests',
  error_description: 'Too many failed client authentication attempts; retry later.',
};
const WRONG_SECRET = 'not-the-secret-at-all-but-long-enough';

/** A test app whose `req.ip` is the first `X-Forwarded-For` entry (`trust proxy`), so tests can speak from any address. */
function appBehindProxy(options: Partial<TokenRouterOptions> = {}): TokenTestApp {
  const context = tokenTestApp(keys, options);
  context.app.set('trust proxy', true);
  return context;
}

function askForToken(app: Express, clientId: string, secret: string, ip = '203.0.113.7') {
  return request(app)
    .post('/oauth2/token')
    .set('X-Forwarded-For', ip)
    .set('Authorization', basicAuth(clientId, secret))
    .type('form')
    .send('grant_type=client_credentials');
}

async function failTimes(app: Express, times: number, clientId: string, ip = '203.0.113.7'): Promise<void> {
  for (let i = 0; i < times; i += 1) {
    const res = await askForToken(app, clientId, WRONG_SECRET, ip);
    expect(res.status).toBe(401);
  }
}

describe('POST /oauth2/token — brute force: per (client id, source address), default 10 failures per 15 minutes', () => {
  let context: TokenTestApp;
  let client: RegisteredClient;
  beforeEach(async () => {
    context = appBehindProxy();
    client = await registerClient(context.store);
  });
  afterEach(() => context.store.heal());

  it('answers the 11th attempt after 10 failures with 429 too_many_requests, Retry-After in seconds and no-store', async () => {
    await failTimes(context.app, 10, client.clientId);
    const res = await askForToken(context.app, client.clientId, WRONG_SECRET);
    expect(res.status).toBe(429);
    expect(res.body).toEqual(TOO_MANY_BODY);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
  });

  it('refuses the right secret too once the pair is blocked (a late correct guess is worth nothing)', async () => {
    await failTimes(context.app, 10, client.clientId);
    const res = await askForToken(context.app, client.clientId, client.secret);
    expect(res.status).toBe(429);
    expect(context.issued).toEqual([]);
  });

  it('answers a blocked pair without touching the client store (the store is down, still 429, not 503)', async () => {
    await failTimes(context.app, 10, client.clientId);
    context.store.fault = 'reject';
    const res = await askForToken(context.app, client.clientId, WRONG_SECRET);
    expect(res.status).toBe(429);
  });

  it('gives the same answer for a client id that does not exist', async () => {
    const unknownId = 'no-such-client-0b6f';
    await failTimes(context.app, 10, client.clientId);
    await failTimes(context.app, 10, unknownId);
    const known = await askForToken(context.app, client.clientId, WRONG_SECRET);
    const unknown = await askForToken(context.app, unknownId, WRONG_SECRET);
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(known.headers).sort());
  });

  it('does not block another client from the same address', async () => {
    const other = await registerClient(context.store);
    await failTimes(context.app, 10, client.clientId);
    expect((await askForToken(context.app, other.clientId, other.secret)).status).toBe(200);
  });

  it('does not block the same client from another address', async () => {
    await failTimes(context.app, 10, client.clientId, '198.51.100.1');
    expect((await askForToken(context.app, client.clientId, client.secret, '198.51.100.2')).status).toBe(200);
  });

  it('counts failures only: successes never lead to a 429', async () => {
    for (let i = 0; i < 15; i += 1) expect((await askForToken(context.app, client.clientId, client.secret)).status).toBe(200);
  });

  it('clears the pair after a success from that address: 10 more failures are answered 401', async () => {
    await failTimes(context.app, 9, client.clientId);
    expect((await askForToken(context.app, client.clientId, client.secret)).status).toBe(200);
    await failTimes(context.app, 10, client.clientId);
    expect((await askForToken(context.app, client.clientId, WRONG_SECRET)).status).toBe(429);
  });

  it("does not reset another address's counter on a success", async () => {
    await failTimes(context.app, 10, client.clientId, '198.51.100.66');
    expect((await askForToken(context.app, client.clientId, client.secret, '198.51.100.1')).status).toBe(200);
    expect((await askForToken(context.app, client.clientId, client.secret, '198.51.100.66')).status).toBe(429);
  });

  it('does not count a request the store could not check (503)', async () => {
    context.store.fault = 'reject';
    for (let i = 0; i < 12; i += 1) expect((await askForToken(context.app, client.clientId, WRONG_SECRET)).status).toBe(503);
    context.store.heal();
    expect((await askForToken(context.app, client.clientId, client.secret)).status).toBe(200);
  });

  it('counts body credentials (client_secret_post) under the same pair as Basic ones', async () => {
    await failTimes(context.app, 5, client.clientId);
    for (let i = 0; i < 5; i += 1) {
      const res = await request(context.app)
        .post('/oauth2/token')
        .set('X-Forwarded-For', '203.0.113.7')
        .type('form')
        .send(form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: WRONG_SECRET }));
      expect(res.status).toBe(401);
    }
    expect((await askForToken(context.app, client.clientId, client.secret)).status).toBe(429);
  });

  it('still reports each counted failure to onAuthenticationFailed, and a 429 as none', async () => {
    await failTimes(context.app, 10, client.clientId);
    await askForToken(context.app, client.clientId, WRONG_SECRET);
    expect(context.failures).toHaveLength(10);
    expect(context.failures[0]).toEqual({ clientId: client.clientId, reason: 'bad_secret', ip: '203.0.113.7' });
  });
});

describe('POST /oauth2/token — brute force: per source address, default 100 failures per 15 minutes', () => {
  it('blocks every client from an address after 100 failures spread over many client ids, whether or not they exist', async () => {
    const context = appBehindProxy();
    const client = await registerClient(context.store);
    for (let i = 0; i < 100; i += 1) {
      const res = await askForToken(context.app, `guess-${i % 25}`, WRONG_SECRET, '192.0.2.9');
      expect(res.status).toBe(401);
    }
    const res = await askForToken(context.app, client.clientId, client.secret, '192.0.2.9');
    expect(res.status).toBe(429);
    expect(res.body).toEqual(TOO_MANY_BODY);
    expect((await askForToken(context.app, client.clientId, client.secret, '192.0.2.10')).status).toBe(200);
  });

  it('counts requests without any credentials against the address', async () => {
    const context = appBehindProxy({ bruteForce: { limits: { perAddress: { failures: 3, windowSeconds: 60 } } } });
    for (let i = 0; i < 3; i += 1) {
      const res = await request(context.app).post('/oauth2/token').set('X-Forwarded-For', '192.0.2.44').type('form').send('grant_type=client_credentials');
      expect(res.status).toBe(401);
    }
    const res = await request(context.app).post('/oauth2/token').set('X-Forwarded-For', '192.0.2.44').type('form').send('grant_type=client_credentials');
    expect(res.status).toBe(429);
  });
});

describe('tokenRouter({ bruteForce }) — configuration', () => {
  it('takes its own limits for the default memory limiter', async () => {
    const context = appBehindProxy({ bruteForce: { limits: { perClientAndAddress: { failures: 2, windowSeconds: 30 } } } });
    const client = await registerClient(context.store);
    await failTimes(context.app, 2, client.clientId);
    const res = await askForToken(context.app, client.clientId, client.secret);
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(30);
  });

  it('turns off with bruteForce: false', async () => {
    const context = appBehindProxy({ bruteForce: false });
    const client = await registerClient(context.store);
    await failTimes(context.app, 25, client.clientId);
    expect((await askForToken(context.app, client.clientId, client.secret)).status).toBe(200);
  });

  it('shares counts between routers given the same limiter', async () => {
    const limiter = new MemoryBruteForceLimiter({ perClientAndAddress: { failures: 4, windowSeconds: 60 } });
    const store = new FaultInjectingClientStore();
    const first = appBehindProxy({ clients: store, bruteForce: { limiter } });
    const second = appBehindProxy({ clients: store, bruteForce: { limiter } });
    const client = await registerClient(store);
    await failTimes(first.app, 2, client.clientId);
    await failTimes(second.app, 2, client.clientId);
    expect((await askForToken(first.app, client.clientId, client.secret)).status).toBe(429);
    expect((await askForToken(second.app, client.clientId, client.secret)).status).toBe(429);
  });

  it('keeps its counters bounded while failures come from ever-new addresses, and a pair that keeps trying stays blocked', async () => {
    const limiter = new MemoryBruteForceLimiter(undefined, { maxCounters: 8 });
    const context = appBehindProxy({ bruteForce: { limiter } });
    const client = await registerClient(context.store);
    await failTimes(context.app, 10, client.clientId, '198.51.100.66');
    for (let n = 0; n < 30; n += 1) {
      await failTimes(context.app, 1, `guess-${n}`, `2001:db8::${n.toString(16)}`);
      expect((await askForToken(context.app, client.clientId, client.secret, '198.51.100.66')).status).toBe(429);
    }
    expect(limiter.counters.perClientAndAddress).toBeLessThanOrEqual(8);
    expect(limiter.counters.perAddress).toBeLessThanOrEqual(8);
    expect(context.issued).toEqual([]);
  });

  it.each([
    ["bruteForce: 'on'", { bruteForce: 'on' }, /options\.bruteForce must be false or an object/],
    ['an unknown bruteForce option', { bruteForce: { limitz: {} } }, /options\.bruteForce has an unknown option 'limitz'/],
    ["a limiter without the port's methods", { bruteForce: { limiter: {} } }, /options\.bruteForce\.limiter must be a BruteForceLimiter/],
    ['a limiter together with limits', { bruteForce: { limiter: new MemoryBruteForceLimiter(), limits: {} } }, /options\.bruteForce\.limits configures the default limiter/],
    ['timeoutMs: 0', { bruteForce: { timeoutMs: 0 } }, /options\.bruteForce\.timeoutMs must be a whole number/],
    ["onLimiterError: 'ignore'", { bruteForce: { onLimiterError: 'ignore' } }, /options\.bruteForce\.onLimiterError must be 'fail-open' or 'fail-closed'/],
    ['zero failures per address', { bruteForce: { limits: { perAddress: { failures: 0, windowSeconds: 60 } } } }, /perAddress\.failures must be a whole number/],
    ['a fractional window', { bruteForce: { limits: { perClientAndAddress: { failures: 5, windowSeconds: 1.5 } } } }, /perClientAndAddress\.windowSeconds must be a whole number/],
    ['a logger that is a function', { logger: console.log }, /options\.logger must be a logger with info, warn and error methods/],
  ])('refuses %s with a TypeError naming the option', (_label, bad, message) => {
    const options = { clients: new FaultInjectingClientStore(), keys, issuer: ISSUER, ...bad } as unknown as TokenRouterOptions;
    expect(() => tokenRouter(options)).toThrow(TypeError);
    expect(() => tokenRouter(options)).toThrow(message);
  });
});

describe('POST /oauth2/token — a success clears the pair only when failures are recorded for it', () => {
  let limiter: FaultInjectingLimiter;
  let context: TokenTestApp;
  let client: RegisteredClient;
  beforeEach(async () => {
    limiter = new FaultInjectingLimiter({ perClientAndAddress: { failures: 3, windowSeconds: 60 } });
    context = appBehindProxy({ bruteForce: { limiter } });
    client = await registerClient(context.store);
  });

  it('asks the limiter nothing after the check for a clean pair (no store write per token)', async () => {
    expect((await askForToken(context.app, client.clientId, client.secret)).status).toBe(200);
    expect((await askForToken(context.app, client.clientId, client.secret)).status).toBe(200);
    expect(limiter.calls).toEqual(['check', 'check']);
  });

  it('clears a pair with failures on the next success, so the full allowance is back', async () => {
    await failTimes(context.app, 2, client.clientId);
    limiter.calls.length = 0;
    expect((await askForToken(context.app, client.clientId, client.secret)).status).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    expect(limiter.calls).toEqual(['check', 'recordSuccess']);
    await failTimes(context.app, 2, client.clientId);
    expect((await askForToken(context.app, client.clientId, client.secret)).status).toBe(200);
  });

  it('clears the pair on every success with a limiter whose verdicts do not say whether the pair is clean', async () => {
    const inner = new MemoryBruteForceLimiter();
    const calls: string[] = [];
    const plain: BruteForceLimiter = {
      check: async (attempt) => {
        calls.push('check');
        const verdict = await inner.check(attempt);
        return verdict.allowed ? { allowed: true } : verdict;
      },
      recordFailure: (attempt) => inner.recordFailure(attempt),
      recordSuccess: async (attempt) => {
        calls.push('recordSuccess');
        await inner.recordSuccess(attempt);
      },
    };
    const own = appBehindProxy({ bruteForce: { limiter: plain } });
    const ownClient = await registerClient(own.store);
    expect((await askForToken(own.app, ownClient.clientId, ownClient.secret)).status).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['check', 'recordSuccess']);
  });
});

describe('POST /oauth2/token — a brute-force limiter that fails or does not answer', () => {
  let limiter: FaultInjectingLimiter;
  let logger: RecordingLogger;
  let client: RegisteredClient;
  let context: TokenTestApp;

  async function setUp(options: Partial<TokenRouterOptions> = {}): Promise<void> {
    limiter = new FaultInjectingLimiter({ perClientAndAddress: { failures: 3, windowSeconds: 60 } });
    logger = new RecordingLogger();
    context = appBehindProxy({ logger, ...options, bruteForce: { limiter, timeoutMs: 50, ...(options.bruteForce || {}) } });
    client = await registerClient(context.store);
  }
  afterEach(() => limiter.heal());

  it('fails open by default: the secret check still decides (200 for the right secret, 401 for a wrong one)', async () => {
    await setUp();
    limiter.fault = 'reject';
    expect((await askForToken(context.app, client.clientId, client.secret)).status).toBe(200);
    const res = await askForToken(context.app, client.clientId, WRONG_SECRET);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID_CLIENT_BODY);
  });

  it('fails open on a limiter that does not answer within timeoutMs', async () => {
    await setUp();
    limiter.fault = 'hang';
    expect((await askForToken(context.app, client.clientId, client.secret)).status).toBe(200);
  });

  it('logs the failure as a warning without the driver message, at most once a minute', async () => {
    await setUp();
    limiter.fault = 'reject';
    await askForToken(context.app, client.clientId, WRONG_SECRET);
    await askForToken(context.app, client.clientId, WRONG_SECRET);
    const warnings = logger.lines.filter((line) => line.fields.event === 'oauth.brute_force_limiter_error');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn', fields: { policy: 'fail-open', error: { name: 'MongoNetworkError' } } });
    expect(JSON.stringify(logger.lines)).not.toContain('s3cr3t-pw');
    expect(JSON.stringify(logger.lines)).not.toContain(LIMITER_DRIVER_MESSAGE);
  });

  it("answers 503 temporarily_unavailable with onLimiterError: 'fail-closed', and issues nothing", async () => {
    await setUp({ bruteForce: { onLimiterError: 'fail-closed' } });
    limiter.fault = 'reject';
    const res = await askForToken(context.app, client.clientId, client.secret);
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    expect(res.headers['retry-after']).toBe('5');
    expect(res.text).not.toContain('ECONNREFUSED');
    expect(context.issued).toEqual([]);
  });

  it('counts again once the limiter is back', async () => {
    await setUp();
    limiter.fault = 'reject';
    await failTimes(context.app, 5, client.clientId);
    limiter.heal();
    await failTimes(context.app, 3, client.clientId);
    expect((await askForToken(context.app, client.clientId, client.secret)).status).toBe(429);
  });
});

describe('POST /oauth2/revoke and /oauth2/introspect — the same limiter as the token endpoint', () => {
  it('refuses a blocked pair at the revocation and introspection endpoints with 429', async () => {
    const limiter = new MemoryBruteForceLimiter({ perClientAndAddress: { failures: 2, windowSeconds: 60 } });
    const context = appBehindProxy({ tokenState: new MemoryTokenStateStore(), bruteForce: { limiter } });
    const client = await registerClient(context.store);
    await failTimes(context.app, 2, client.clientId);
    for (const path of ['/oauth2/revoke', '/oauth2/introspect']) {
      const res = await request(context.app)
        .post(path)
        .set('X-Forwarded-For', '203.0.113.7')
        .set('Authorization', basicAuth(client.clientId, client.secret))
        .type('form')
        .send('token=abc');
      expect(res.status).toBe(429);
      expect(res.body).toEqual(TOO_MANY_BODY);
    }
  });

  it('counts failures at the introspection endpoint toward the token endpoint', async () => {
    const context = appBehindProxy({ tokenState: new MemoryTokenStateStore(), bruteForce: { limits: { perClientAndAddress: { failures: 2, windowSeconds: 60 } } } });
    const client = await registerClient(context.store);
    for (let i = 0; i < 2; i += 1) {
      const res = await request(context.app)
        .post('/oauth2/introspect')
        .set('X-Forwarded-For', '203.0.113.7')
        .set('Authorization', basicAuth(client.clientId, WRONG_SECRET))
        .type('form')
        .send('token=abc');
      expect(res.status).toBe(401);
    }
    expect((await askForToken(context.app, client.clientId, client.secret)).status).toBe(429);
  });
});

describe('tokenRouter({ logger }) — what the token endpoint logs', () => {
  it('logs a failed authentication, a 429 and a 503 with client id, reason and address, never the secret', async () => {
    const logger = new RecordingLogger();
    const context = appBehindProxy({ logger, storeTimeoutMs: 50, bruteForce: { limits: { perClientAndAddress: { failures: 1, windowSeconds: 60 } } } });
    const client = await registerClient(context.store);
    await askForToken(context.app, client.clientId, WRONG_SECRET);
    await askForToken(context.app, client.clientId, WRONG_SECRET);
    context.store.fault = 'reject';
    await askForToken(context.app, client.clientId, client.secret, '198.51.100.3');
    context.store.heal();

    expect(logger.lines.map((line) => [line.level, line.fields.event])).toEqual([
      ['warn', 'oauth.client_authentication_failed'],
      ['warn', 'oauth.brute_force_blocked'],
      ['error', 'oauth.store_unavailable'],
    ]);
    expect(logger.lines[0]!.fields).toMatchObject({ clientId: client.clientId, reason: 'bad_secret', ip: '203.0.113.7', path: '/oauth2/token' });
    expect(logger.lines[2]!.fields).toMatchObject({ error: { name: 'StoreUnavailableError', code: 'ERR_STORE_UNAVAILABLE', cause: { name: 'Error' } } });
    const logged = JSON.stringify(logger.lines);
    for (const secret of [client.secret, WRONG_SECRET, client.record.secretHash, 'hunter2', 'ECONNREFUSED']) expect(logged).not.toContain(secret);
  });

  it('cuts a claimed client id longer than 128 characters in log lines', async () => {
    const logger = new RecordingLogger();
    const context = appBehindProxy({ logger });
    await askForToken(context.app, 'x'.repeat(2000), WRONG_SECRET);
    expect(logger.lines[0]!.fields.clientId).toBe(`${'x'.repeat(128)}…`);
  });

  it('answers normally when the logger throws', async () => {
    const throwing = { info: () => { throw new Error('log'); }, warn: () => { throw new Error('log'); }, error: () => { throw new Error('log'); } };
    const context = appBehindProxy({ logger: throwing });
    const client = await registerClient(context.store);
    expect((await askForToken(context.app, client.clientId, WRONG_SECRET)).status).toBe(401);
    expect((await askForToken(context.app, client.clientId, client.secret)).status).toBe(200);
  });
});
