import request from 'supertest';
import { Keyring } from '../../lib/keys';
import { DRIVER_MESSAGE } from '../support/token-fault-store';
import { basicAuth, form, registerClient, tokenTestApp } from '../support/token-harness';
import type { RegisteredClient, TokenTestApp } from '../support/token-harness';

let keys: Keyring;
beforeAll(async () => {
  keys = await Keyring.generate('RS256');
});

const UNAVAILABLE = {
  error: 'temporarily_unavailable',
  error_description: 'The service is temporarily unavailable; retry later.',
};

describe('POST /oauth2/token — a store that fails or does not answer', () => {
  let context: TokenTestApp;
  let client: RegisteredClient;
  beforeEach(async () => {
    context = tokenTestApp(keys, { storeTimeoutMs: 50 });
    client = await registerClient(context.store);
  });
  afterEach(() => context.store.heal());

  function askForToken() {
    return request(context.app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials');
  }

  it.each(['reject', 'throw'] as const)('answers 503 temporarily_unavailable with Retry-After when the store fails (%s)', async (fault) => {
    context.store.fault = fault;
    const res = await askForToken();
    expect(res.status).toBe(503);
    expect(res.body).toEqual(UNAVAILABLE);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('never shows the driver message', async () => {
    context.store.fault = 'reject';
    const res = await askForToken();
    expect(res.text).not.toContain('ECONNREFUSED');
    expect(res.text).not.toContain(DRIVER_MESSAGE);
  });

  it('answers 503 when the store does not answer within storeTimeoutMs', async () => {
    context.store.fault = 'hang';
    const res = await askForToken();
    expect(res.status).toBe(503);
    expect(res.body).toEqual(UNAVAILABLE);
    expect(res.headers['retry-after']).toBe('5');
  });

  it('issues no token and reports no authentication failure when the client could not be checked', async () => {
    context.store.fault = 'hang';
    await askForToken();
    context.store.fault = 'reject';
    await askForToken();
    expect(context.issued).toEqual([]);
    expect(context.failures).toEqual([]);
  });

  it('answers 503 for body credentials too', async () => {
    context.store.fault = 'reject';
    const res = await request(context.app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret }));
    expect(res.status).toBe(503);
  });

  it('recovers when the store answers again', async () => {
    context.store.fault = 'hang';
    expect((await askForToken()).status).toBe(503);
    context.store.heal();
    const res = await askForToken();
    expect(res.status).toBe(200);
    expect(res.body.access_token).toEqual(expect.any(String));
  });

  it('recovers after failures', async () => {
    context.store.fault = 'reject';
    expect((await askForToken()).status).toBe(503);
    context.store.heal();
    expect((await askForToken()).status).toBe(200);
  });
});
