import request from 'supertest';
import { generateSigningKey, Keyring, SigningPool } from '../../lib/keys';
import type { TokenRouterOptions } from '../../lib/token';
import { tokenRouter } from '../../lib/token';
import { MemoryTokenStateStore } from '../../lib/lifecycle';
import { RecordingLogger } from '../hardening/support/recording-logger';
import { basicAuth, form, ISSUER, registerClient, tokenTestApp, verifyWithJwks } from '../support/token-harness';
import type { RegisteredClient, TokenTestApp } from '../support/token-harness';

let keys: Keyring;
let pool: SigningPool;
beforeAll(async () => {
  keys = await Keyring.generate('RS256');
});
beforeEach(() => {
  pool = new SigningPool({ threads: 2 });
});
afterEach(() => pool.close());

function clientCredentialsRequest(app: TokenTestApp['app'], client: RegisteredClient) {
  return request(app)
    .post('/oauth2/token')
    .set('Authorization', basicAuth(client.clientId, client.secret))
    .type('form')
    .send('grant_type=client_credentials');
}

async function askForToken({ app, store }: TokenTestApp) {
  return clientCredentialsRequest(app, await registerClient(store));
}

describe('tokenRouter({ signingPool }) — access tokens signed on worker threads', () => {
  it('issues a token signed by the pool that verifies with the published key, with every RFC 9068 claim', async () => {
    const context = tokenTestApp(keys, { signingPool: pool });
    const res = await askForToken(context);
    expect(res.status).toBe(200);
    const { header, payload } = verifyWithJwks(res.body.access_token, keys);
    expect(header).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: keys.signingKey.kid });
    expect(Object.keys(payload).sort()).toEqual(['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub']);
    expect(context.issued).toHaveLength(1);
    expect(context.issued[0]?.jti).toBe(payload.jti);
  });

  it('answers many concurrent requests, each with its own valid token', async () => {
    const context = tokenTestApp(keys, { signingPool: pool });
    const client = await registerClient(context.store);
    const answers = await Promise.all(Array.from({ length: 40 }, () => clientCredentialsRequest(context.app, client)));
    expect(answers.map((res) => res.status)).toEqual(answers.map(() => 200));
    const jtis = answers.map((res) => verifyWithJwks(res.body.access_token, keys).payload.jti);
    expect(new Set(jtis).size).toBe(40);
  });

  it('signs with the new key after a rotation', async () => {
    const rotating = await Keyring.generate('ES256');
    const context = tokenTestApp(rotating, { signingPool: pool });
    const before = await askForToken(context);
    const kid = rotating.add({ alg: 'ES256', privateKey: await generateSigningKey('ES256') }, { activate: true });
    const after = await askForToken(context);
    expect(verifyWithJwks(before.body.access_token, rotating).header.kid).not.toBe(kid);
    expect(verifyWithJwks(after.body.access_token, rotating).header.kid).toBe(kid);
  });

  it('signs the access token of the refresh_token grant through the pool too', async () => {
    const context = tokenTestApp(keys, { signingPool: pool, tokenState: new MemoryTokenStateStore() });
    const client = await registerClient(context.store, { grantTypes: ['client_credentials', 'refresh_token'] });
    const first = await clientCredentialsRequest(context.app, client);
    const refreshed = await request(context.app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send(form({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token }));
    expect(refreshed.status).toBe(200);
    expect(verifyWithJwks(refreshed.body.access_token, keys).payload.client_id).toBe(client.clientId);
  });

  it('answers 503 temporarily_unavailable with Retry-After, and logs it, when the pool is closed', async () => {
    const logger = new RecordingLogger();
    const context = tokenTestApp(keys, { signingPool: pool, logger });
    await pool.close();
    const res = await askForToken(context);
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(context.issued).toHaveLength(0);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'error', fields: expect.objectContaining({ event: 'oauth.signing_unavailable', code: 'ERR_SIGNING_POOL_CLOSED' }) }),
    );
  });

  it('answers 503 rather than queueing without bound when the pool is saturated, and 200 to the rest', async () => {
    const small = new SigningPool({ threads: 1, maxQueue: 1 });
    try {
      const context = tokenTestApp(keys, { signingPool: small });
      const client = await registerClient(context.store);
      const answers = await Promise.all(Array.from({ length: 12 }, () => clientCredentialsRequest(context.app, client)));
      const statuses = answers.map((res) => res.status);
      expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
      expect(statuses).toContain(200);
      expect(statuses).toContain(503);
      for (const res of answers.filter((answer) => answer.status === 503)) expect(res.body.error).toBe('temporarily_unavailable');
    } finally {
      await small.close();
    }
  });

  it.each([
    ['a function', () => 'token'],
    ['an object without sign', { threads: 2 }],
    ['null', null],
  ])('refuses signingPool: %s with a TypeError naming the option', (_label, signingPool) => {
    const options = { clients: tokenTestApp(keys).store, keys, issuer: ISSUER, signingPool } as unknown as TokenRouterOptions;
    expect(() => tokenRouter(options)).toThrow('tokenRouter: options.signingPool must be a SigningPool');
  });
});
