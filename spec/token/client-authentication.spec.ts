import request from 'supertest';
import { generateClientSecret, hashGeneratedSecret } from '../../lib/clients';
import { Keyring } from '../../lib/keys';
import {
  basicAuth,
  decodeJwt,
  form,
  formEncode,
  INVALID_CLIENT_BODY,
  registerClient,
  tokenTestApp,
} from '../support/token-harness';

let keys: Keyring;
beforeAll(async () => {
  keys = await Keyring.generate('RS256');
});

function rawBasic(decoded: string): string {
  return `Basic ${Buffer.from(decoded).toString('base64')}`;
}

describe('POST /oauth2/token — RFC 6749 §2.3.1 client_secret_basic encoding', () => {
  it('form-decodes a client id and a secret containing ":", "+", "%" and spaces', async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store, { clientId: 'tenant:42+billing%x', secret: 'p:a+s%s w=rd' });
    const header = basicAuth(client.clientId, client.secret);
    expect(Buffer.from(header.slice(6), 'base64').toString()).toBe('tenant%3A42%2Bbilling%25x:p%3Aa%2Bs%25s+w%3Drd');
    const res = await request(app).post('/oauth2/token').set('Authorization', header).type('form').send('grant_type=client_credentials');
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token).payload.sub).toBe('tenant:42+billing%x');
  });

  it('splits at the first colon only (RFC 7617 §2), so a secret sent with raw colons works, as curl -u id:se:cret sends it', async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store, { secret: 'my:secret:with-colons-0123456789' });
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', rawBasic(`${client.clientId}:my:secret:with-colons-0123456789`))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(200);
    const cut = await request(app)
      .post('/oauth2/token')
      .set('Authorization', rawBasic(`${client.clientId}:my`))
      .type('form')
      .send('grant_type=client_credentials');
    expect(cut.status).toBe(401);
  });

  it.each([
    ['an empty secret', (id: string) => `${id}:`],
    ['an empty client id', () => ':some-secret-0123456789'],
  ])('treats %s as invalid_client (malformed) with a Basic challenge', async (_label, credentials) => {
    const { app, store, failures } = tokenTestApp(keys);
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', rawBasic(credentials(client.clientId)))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID_CLIENT_BODY);
    expect(res.headers['www-authenticate']).toBe('Basic realm="oauth2"');
    expect(failures).toEqual([expect.objectContaining({ reason: 'malformed' })]);
  });

  it("decodes '+' as a space, so an unencoded '+' in a secret does not match", async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store, { secret: 'a+b' });
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', rawBasic(`${client.clientId}:a+b`))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID_CLIENT_BODY);
  });

  it('treats a malformed %-sequence as invalid_client with a Basic challenge', async () => {
    const { app, store, failures } = tokenTestApp(keys);
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', rawBasic(`${client.clientId}:bad%zzsecret`))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID_CLIENT_BODY);
    expect(res.headers['www-authenticate']).toBe('Basic realm="oauth2"');
    expect(failures).toEqual([{ clientId: client.clientId, reason: 'malformed', ip: expect.any(String) }]);
  });

  it('treats a Basic header without a colon as invalid_client', async () => {
    const { app } = tokenTestApp(keys);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', rawBasic('no-colon-here'))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID_CLIENT_BODY);
    expect(res.headers['www-authenticate']).toBe('Basic realm="oauth2"');
  });

  it('accepts the Basic scheme name in any case', async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret).replace('Basic', 'bAsIc'))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(200);
  });

  it('uses the configured realm in the challenge', async () => {
    const { app } = tokenTestApp(keys, { realm: 'payments' });
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth('nobody', 'nothing'))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.headers['www-authenticate']).toBe('Basic realm="payments"');
  });
});

describe('POST /oauth2/token — RFC 6749 §2.3 one authentication method per request', () => {
  it('refuses a Basic header together with a client_secret in the body', async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send(form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_request',
      error_description: 'The request uses more than one client authentication method.',
    });
  });

  it('refuses a Basic header together with a client_secret in a JSON body', async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .send({ grant_type: 'client_credentials', client_secret: client.secret });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('tolerates a body client_id equal to the Basic one', async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store, { clientId: 'svc:1' });
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send(form({ grant_type: 'client_credentials', client_id: 'svc:1' }));
    expect(res.status).toBe(200);
  });

  it('refuses a body client_id different from the Basic one', async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send(form({ grant_type: 'client_credentials', client_id: 'someone-else' }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_request',
      error_description: 'The client_id parameter does not match the Authorization header.',
    });
  });

  it('refuses credentials in the query string', async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store);
    const res = await request(app)
      .post(`/oauth2/token?client_id=${formEncode(client.clientId)}&client_secret=${formEncode(client.secret)}`)
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_request',
      error_description: 'Client credentials must not be sent in the query string.',
    });
  });

  it('refuses a query-string secret even next to valid Basic credentials', async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store);
    const res = await request(app)
      .post(`/oauth2/token?client_secret=${formEncode(client.secret)}`)
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });
});

describe('POST /oauth2/token — invalid_client (RFC 6749 §5.2) reveals nothing', () => {
  async function attempt(authorization: string | undefined, body: Record<string, string>, setup?: (app: ReturnType<typeof tokenTestApp>) => Promise<void>) {
    const context = tokenTestApp(keys);
    if (setup) await setup(context);
    let call = request(context.app).post('/oauth2/token').type('form');
    if (authorization) call = call.set('Authorization', authorization);
    const res = await call.send(form({ grant_type: 'client_credentials', ...body }));
    return { res, failures: context.failures };
  }

  it('answers 401 with the same body and a Basic challenge for an unknown client', async () => {
    const { res, failures } = await attempt(basicAuth('no-such-client', 'whatever'), {});
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID_CLIENT_BODY);
    expect(res.headers['www-authenticate']).toBe('Basic realm="oauth2"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(failures).toEqual([{ clientId: 'no-such-client', reason: 'unknown_client', ip: expect.any(String) }]);
  });

  it('answers 401 with the same body and a Basic challenge for a wrong secret', async () => {
    const context = tokenTestApp(keys);
    const client = await registerClient(context.store);
    const res = await request(context.app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, `${client.secret}x`))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID_CLIENT_BODY);
    expect(res.headers['www-authenticate']).toBe('Basic realm="oauth2"');
    expect(context.failures).toEqual([{ clientId: client.clientId, reason: 'bad_secret', ip: expect.any(String) }]);
  });

  it('answers 401 with the same body for a disabled client, even with the right secret', async () => {
    const context = tokenTestApp(keys);
    const client = await registerClient(context.store, { disabled: true });
    const res = await request(context.app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID_CLIENT_BODY);
    expect(context.failures).toEqual([{ clientId: client.clientId, reason: 'disabled', ip: expect.any(String) }]);
  });

  it('answers 401 with the same body for an empty Basic secret', async () => {
    const context = tokenTestApp(keys);
    const client = await registerClient(context.store);
    const res = await request(context.app)
      .post('/oauth2/token')
      .set('Authorization', rawBasic(`${client.clientId}:`))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID_CLIENT_BODY);
    expect(res.headers['www-authenticate']).toBe('Basic realm="oauth2"');
  });

  it('answers 401 with the same body and no challenge for wrong body credentials', async () => {
    const context = tokenTestApp(keys);
    const client = await registerClient(context.store);
    const res = await request(context.app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: 'wrong' }));
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID_CLIENT_BODY);
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('answers 401 with the same body for a body client_id with an empty secret', async () => {
    const context = tokenTestApp(keys);
    const client = await registerClient(context.store);
    const res = await request(context.app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: '' }));
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID_CLIENT_BODY);
    expect(context.failures).toEqual([{ clientId: client.clientId, reason: 'malformed', ip: expect.any(String) }]);
  });

  it('answers 401 with the same body and a challenge when no credentials are sent at all', async () => {
    const { res, failures } = await attempt(undefined, {});
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID_CLIENT_BODY);
    expect(res.headers['www-authenticate']).toBe('Basic realm="oauth2"');
    expect(failures).toEqual([{ reason: 'malformed', ip: expect.any(String) }]);
  });

  it('answers 401 when the Authorization header uses another scheme', async () => {
    const { res } = await attempt('Bearer some-token', {});
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID_CLIENT_BODY);
  });

  it('never puts the presented secret in a failure event', async () => {
    const context = tokenTestApp(keys);
    const client = await registerClient(context.store);
    await request(context.app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: 'S3cr3t-guess' }));
    expect(context.failures).toHaveLength(1);
    expect(JSON.stringify(context.failures)).not.toContain('S3cr3t-guess');
  });

  it('accepts the previous secret during its grace period after a rotation', async () => {
    const context = tokenTestApp(keys);
    const client = await registerClient(context.store);
    await context.store.inner.update(client.clientId, {
      secretHash: hashGeneratedSecret(generateClientSecret()),
      previousSecretHash: client.record.secretHash,
      previousSecretExpiresAt: new Date(Date.now() + 60_000),
    });
    const res = await request(context.app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(200);
  });
});

describe('POST /oauth2/token — hooks and bookkeeping', () => {
  it('still answers when a hook throws', async () => {
    const { app, store } = tokenTestApp(keys, {
      hooks: {
        onTokenIssued: () => {
          throw new Error('host bug');
        },
        onAuthenticationFailed: () => Promise.reject(new Error('host bug')),
      },
    });
    const client = await registerClient(store);
    const ok = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(ok.status).toBe(200);
    const refused = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, 'wrong'))
      .type('form')
      .send('grant_type=client_credentials');
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual(INVALID_CLIENT_BODY);
  });

  it('records the last use of a client at most once a minute', async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store);
    for (let i = 0; i < 3; i++) {
      await request(app)
        .post('/oauth2/token')
        .set('Authorization', basicAuth(client.clientId, client.secret))
        .type('form')
        .send('grant_type=client_credentials')
        .expect(200);
    }
    expect(store.markUsedCalls).toEqual([client.clientId]);
    expect((await store.inner.findByClientId(client.clientId))?.lastUsedAt).toBeInstanceOf(Date);
  });

  it('does not record a use for a failed authentication', async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store);
    await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, 'wrong'))
      .type('form')
      .send('grant_type=client_credentials')
      .expect(401);
    expect(store.markUsedCalls).toEqual([]);
  });

  it.each(['reject', 'throw'] as const)('issues the token even when recording the use fails (%s)', async (fault) => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store);
    store.markUsedFault = fault;
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(200);
    expect(store.markUsedCalls).toEqual([client.clientId]);
  });
});
