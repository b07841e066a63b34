import fc from 'fast-check';
import request from 'supertest';
import { requireToken } from '../../lib/bearer';
import type { RequireTokenOptions } from '../../lib/bearer';
import { Keyring } from '../../lib/keys';
import { RevocationList } from '../../lib/lifecycle';
import { FaultyTokenStateStore } from '../lifecycle/harness';
import type { StoreFault } from '../support/token-fault-store';
import { basicAuth, DEFAULT_AUDIENCE, ISSUER, registerClient, tokenTestApp } from '../support/token-harness';
import type { RegisteredClient, TokenTestApp } from '../support/token-harness';
import { RecordingLogger } from './support/recording-logger';

let keys: Keyring;
beforeAll(async () => {
  keys = await Keyring.generate('RS256');
});

const STORE_TIMEOUT_MS = 25;

/** The token router at /oauth2 and a requireToken route at /api/records, in one app over one fault-injectable store. */
function appWithApi(options: Partial<RequireTokenOptions> = {}): TokenTestApp {
  const context = tokenTestApp(keys, { storeTimeoutMs: STORE_TIMEOUT_MS, bruteForce: false });
  context.app.get('/api/records', requireToken({ keys, issuer: ISSUER, audience: DEFAULT_AUDIENCE, ...options }), (req, res) => {
    res.json({ clientId: req.auth?.clientId });
  });
  return context;
}

function askForToken(context: TokenTestApp, who: RegisteredClient, secret = who.secret) {
  return request(context.app).post('/oauth2/token').set('Authorization', basicAuth(who.clientId, secret)).type('form').send('grant_type=client_credentials');
}

describe('requireToken while the client store is down — signatures still verified, no store involved', () => {
  let context: TokenTestApp;
  let client: RegisteredClient;
  let accessToken: string;
  beforeEach(async () => {
    context = appWithApi();
    client = await registerClient(context.store);
    accessToken = (await askForToken(context, client)).body.access_token as string;
  });
  afterEach(() => context.store.heal());

  it.each(['reject', 'throw', 'hang'] as const)('admits a valid token while the store fails (%s) and the token endpoint answers 503', async (fault) => {
    context.store.fault = fault;
    expect((await askForToken(context, client)).status).toBe(503);
    const res = await request(context.app).get('/api/records').set('Authorization', `Bearer ${accessToken}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ clientId: client.clientId });
  });

  it.each(['reject', 'hang'] as const)('still refuses a token whose signature does not verify while the store fails (%s)', async (fault) => {
    context.store.fault = fault;
    const [header, payload, signature] = accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, scope: 'clients:admin' })).toString('base64url')}.${signature}`;
    const res = await request(context.app).get('/api/records').set('Authorization', `Bearer ${forged}`);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  });
});

describe('requireToken revocation-check policy, end to end (a strict RevocationList over a token-state store that goes down)', () => {
  async function setUp(options: Partial<RequireTokenOptions>) {
    const tokenState = new FaultyTokenStateStore();
    const revocations = new RevocationList(tokenState, { mode: 'strict', storeTimeoutMs: STORE_TIMEOUT_MS });
    const logger = new RecordingLogger();
    const context = appWithApi({ isRevoked: revocations.isRevoked, logger, ...options });
    const client = await registerClient(context.store);
    const accessToken = (await askForToken(context, client)).body.access_token as string;
    return { context, tokenState, logger, accessToken };
  }

  it('fails closed by default: 503 temporarily_unavailable, with no driver detail, and a logged warning', async () => {
    const { context, tokenState, logger, accessToken } = await setUp({});
    tokenState.failing = true;
    const res = await request(context.app).get('/api/records').set('Authorization', `Bearer ${accessToken}`);
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    expect(res.text).not.toMatch(/hunter2|ECONNREFUSED/);
    expect(logger.lines.map((line) => [line.level, line.fields.event])).toEqual([
      ['warn', 'oauth.revocation_check_failed'],
      ['error', 'oauth.token_check_unavailable'],
    ]);
    expect(logger.lines[0]!.fields).toMatchObject({ policy: 'fail-closed' });
    expect(JSON.stringify(logger.lines)).not.toMatch(/hunter2|ECONNREFUSED/);
  });

  it("lets a validly signed token through with onRevocationCheckError: 'fail-open', logging the skipped check", async () => {
    const { context, tokenState, logger, accessToken } = await setUp({ onRevocationCheckError: 'fail-open' });
    tokenState.failing = true;
    const res = await request(context.app).get('/api/records').set('Authorization', `Bearer ${accessToken}`);
    expect(res.status).toBe(200);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatchObject({ level: 'warn', fields: { event: 'oauth.revocation_check_failed', policy: 'fail-open' } });
  });

  it('fail-open still refuses a forged token (the policy covers the revocation check only)', async () => {
    const { context, tokenState, accessToken } = await setUp({ onRevocationCheckError: 'fail-open' });
    tokenState.failing = true;
    const res = await request(context.app).get('/api/records').set('Authorization', `Bearer ${accessToken.slice(0, -4)}AAAA`);
    expect(res.status).toBe(401);
  });

  it('recovers on its own when the store answers again', async () => {
    const { context, tokenState, accessToken } = await setUp({});
    tokenState.failing = true;
    expect((await request(context.app).get('/api/records').set('Authorization', `Bearer ${accessToken}`)).status).toBe(503);
    tokenState.failing = false;
    expect((await request(context.app).get('/api/records').set('Authorization', `Bearer ${accessToken}`)).status).toBe(200);
  });
});

describe('POST /oauth2/token — a store answer that arrives after the 503', () => {
  it('issues nothing late: the request was answered 503 and stays so', async () => {
    const context = appWithApi();
    const client = await registerClient(context.store);
    context.store.fault = 'hang';
    expect((await askForToken(context, client)).status).toBe(503);
    context.store.heal();
    await new Promise((resolve) => setImmediate(resolve));
    expect(context.issued).toEqual([]);
  });
});

describe('POST /oauth2/token — any sequence of store faults and recoveries (fast-check)', () => {
  const stepArb = fc.record({ fault: fc.constantFrom<StoreFault>('none', 'none', 'reject', 'throw', 'hang'), rightSecret: fc.boolean() });

  it('answers 503 exactly when the store failed, issues a token only to a client it checked, and recovers by itself', async () => {
    const context = appWithApi();
    const client = await registerClient(context.store);
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 6 }), async (steps) => {
        for (const { fault, rightSecret } of steps) {
          context.store.heal();
          context.store.fault = fault;
          const issuedBefore = context.issued.length;
          const res = await askForToken(context, client, rightSecret ? client.secret : 'wrong-secret-0123456789');
          const expected = fault !== 'none' ? 503 : rightSecret ? 200 : 401;
          expect(res.status).toBe(expected);
          expect(context.issued.length - issuedBefore).toBe(expected === 200 ? 1 : 0);
          if (expected === 503) expect(res.headers['retry-after']).toBe('5');
        }
        context.store.heal();
        expect((await askForToken(context, client)).status).toBe(200);
      }),
      { numRuns: 60 },
    );
  });
});
