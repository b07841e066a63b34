import express from 'express';
import type { Express, Response } from 'express';
import request from 'supertest';
import { Keyring } from '../../lib/keys';
import {
  basicAuth,
  DEFAULT_AUDIENCE,
  decodeJwt,
  form,
  ISSUER,
  registerClient,
  tokenTestApp,
  verifyWithJwks,
} from '../support/token-harness';
import type { RegisteredClient } from '../support/token-harness';

let keys: Keyring;
beforeAll(async () => {
  keys = await Keyring.generate('RS256');
});

describe('POST /oauth2/token — RFC 6749 §4.4 and §5.1 success', () => {
  it('issues a token to a client authenticated with Basic and a form body', async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send(form({ grant_type: 'client_credentials' }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'records:read records:write',
    });
  });

  it('answers with Cache-Control: no-store, Pragma: no-cache and UTF-8 JSON of its exact Content-Length, without an ETag (a no-store answer is never revalidated)', async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['pragma']).toBe('no-cache');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
    expect(res.headers['etag']).toBeUndefined();
  });

  it('accepts client_secret_post credentials in a form body', async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret }));
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token).payload.client_id).toBe(client.clientId);
  });

  it('accepts client_secret_post credentials in a JSON body', async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret });
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token).payload.client_id).toBe(client.clientId);
  });

  it('accepts Basic credentials with a JSON body', async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(200);
  });

  it('omits scope from the response when the client has no scopes', async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store, { scopes: [] });
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('scope');
    expect(decodeJwt(res.body.access_token).payload.scope).toBe('');
  });
});

function askForToken(app: Express, client: RegisteredClient) {
  return request(app)
    .post('/oauth2/token')
    .set('Authorization', basicAuth(client.clientId, client.secret))
    .type('form')
    .send(form({ grant_type: 'client_credentials' }));
}

describe('POST /oauth2/token — the answer goes out on the next turn of the event loop', () => {
  it('leaves alone an answer the host app has sent meanwhile (its own timeout, say): no second write, no crash', async () => {
    let pending: Response | undefined;
    const app = express();
    app.use((_req, res, next) => {
      pending = res;
      next();
    });
    const { app: router, store } = tokenTestApp(keys, {
      // the host answers first, between the token being issued and the router's answer
      hooks: { onTokenIssued: () => void pending?.status(504).json({ host: 'timed out' }) },
    });
    app.use(router);
    const client = await registerClient(store);
    const res = await askForToken(app, client);
    expect(res.status).toBe(504);
    expect(res.body).toEqual({ host: 'timed out' });
    // the server is still up and answers the next request normally
    expect((await askForToken(router, client)).status).toBe(200);
  });
});

describe('POST /oauth2/token — RFC 9068 access token', () => {
  async function issue(fields: Parameters<typeof registerClient>[1] = {}, body = 'grant_type=client_credentials') {
    const { app, store, issued } = tokenTestApp(keys);
    const client = await registerClient(store, fields);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send(body);
    expect(res.status).toBe(200);
    return { client, res, issued, token: res.body.access_token as string };
  }

  it('is an RS256 JWT whose signature verifies against the JWKS entry named by its kid', async () => {
    const { token } = await issue();
    const { header } = verifyWithJwks(token, keys);
    expect(header).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: keys.signingKey.kid });
  });

  it('does not verify once its payload is altered', async () => {
    const { token } = await issue();
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: 'admin' })).toString('base64url')}.${signature}`;
    expect(() => verifyWithJwks(forged, keys)).toThrow('bad RS256 signature');
  });

  it('carries iss, sub, client_id, aud, scope, iat, exp and jti, and nothing else', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { token, client } = await issue();
    const after = Math.floor(Date.now() / 1000);
    const { payload } = verifyWithJwks(token, keys);
    expect(Object.keys(payload).sort()).toEqual(['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub']);
    expect(payload.iss).toBe(ISSUER);
    expect(payload.sub).toBe(client.clientId);
    expect(payload.client_id).toBe(client.clientId);
    expect(payload.aud).toBe(DEFAULT_AUDIENCE);
    expect(payload.scope).toBe('records:read records:write');
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.iat).toBeLessThanOrEqual(after);
    expect(payload.exp).toBe((payload.iat as number) + 600);
    expect(payload.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('has the audiences the client is registered for: a string for one, an array for several', async () => {
    const one = await issue({ audiences: ['https://billing.example'] });
    expect(decodeJwt(one.token).payload.aud).toBe('https://billing.example');
    const several = await issue({ audiences: ['https://billing.example', 'ledger'] });
    expect(decodeJwt(several.token).payload.aud).toEqual(['https://billing.example', 'ledger']);
  });

  it("lives for the client's own accessTokenTtl", async () => {
    const { res, token } = await issue({ accessTokenTtl: 42 });
    expect(res.body.expires_in).toBe(42);
    const { payload } = decodeJwt(token);
    expect((payload.exp as number) - (payload.iat as number)).toBe(42);
  });

  it('gets a fresh jti every time', async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store);
    const jtis = new Set<unknown>();
    for (let i = 0; i < 5; i++) {
      const res = await request(app)
        .post('/oauth2/token')
        .set('Authorization', basicAuth(client.clientId, client.secret))
        .type('form')
        .send('grant_type=client_credentials');
      jtis.add(decodeJwt(res.body.access_token).payload.jti);
    }
    expect(jtis.size).toBe(5);
  });

  it('reports the issued token to onTokenIssued, with no secret in the event', async () => {
    const { issued, client, token } = await issue();
    const { payload } = decodeJwt(token);
    expect(issued).toEqual([
      {
        clientId: client.clientId,
        scopes: ['records:read', 'records:write'],
        audience: [DEFAULT_AUDIENCE],
        jti: payload.jti,
        expiresAt: new Date((payload.exp as number) * 1000),
        ip: expect.any(String),
      },
    ]);
    expect(JSON.stringify(issued)).not.toContain(client.secret);
  });
});

describe('POST /oauth2/token — lifetimes', () => {
  it('uses the router default for a client without its own lifetime', async () => {
    const { app, store } = tokenTestApp(keys, { accessTokenTtl: 120 });
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.body.expires_in).toBe(120);
  });

  it("caps a client's own lifetime at maxAccessTokenTtl", async () => {
    const { app, store } = tokenTestApp(keys, { accessTokenTtl: 60, maxAccessTokenTtl: 300 });
    const client = await registerClient(store, { accessTokenTtl: 3600 });
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.body.expires_in).toBe(300);
  });
});
