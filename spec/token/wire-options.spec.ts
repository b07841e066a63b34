import request from 'supertest';
import { OAuthError } from '../../lib/errors';
import { Keyring } from '../../lib/keys';
import { basicAuth, decodeJwt, form, formEncode, registerClient, tokenTestApp } from '../support/token-harness';

let keys: Keyring;
beforeAll(async () => {
  keys = await Keyring.generate('RS256');
});

describe('wire options — where credentials and parameters travel', () => {
  it("accepts OpenCRVS's literal query-string request when 'query' is a carrier and repeats are allowed", async () => {
    const { app, store } = tokenTestApp(keys, { wire: { credentialCarriers: ['query'], allowRepeatedParameters: true } });
    const client = await registerClient(store);
    const res = await request(app).post(
      `/oauth2/token?client_id=${formEncode(client.clientId)}&client_secret=${formEncode(client.secret)}&grant_type=&grant_type=client_credentials`,
    );
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token).payload.client_id).toBe(client.clientId);
  });

  it("refuses query credentials when only 'query' is enabled but repeats are not allowed", async () => {
    const { app, store } = tokenTestApp(keys, { wire: { credentialCarriers: ['query'] } });
    const client = await registerClient(store);
    const res = await request(app).post(
      `/oauth2/token?client_id=${formEncode(client.clientId)}&client_secret=${formEncode(client.secret)}&grant_type=&grant_type=client_credentials`,
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Parameter grant_type must not be repeated.' });
  });

  it('lets the last non-empty value of a repeated parameter win when repeats are allowed', async () => {
    const { app, store } = tokenTestApp(keys, { wire: { allowRepeatedParameters: true } });
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials&scope=records:write&scope=records:read&scope=');
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('records:read');
  });

  it("answers body credentials with 401 and a Basic challenge when only 'basic' is enabled", async () => {
    const { app, store, failures } = tokenTestApp(keys, { wire: { credentialCarriers: ['basic'] } });
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret }));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
    expect(res.headers['www-authenticate']).toBe('Basic realm="oauth2"');
    expect(failures).toEqual([{ clientId: client.clientId, reason: 'malformed', ip: expect.any(String) }]);
  });

  it("answers a Basic header with 401 and no challenge when only 'body' is enabled", async () => {
    const { app, store } = tokenTestApp(keys, { wire: { credentialCarriers: ['body'] } });
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('refuses JSON when only forms are enabled, naming the accepted type', async () => {
    const { app, store } = tokenTestApp(keys, { wire: { bodyFormats: ['form'] } });
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_request',
      error_description: 'The request body must be application/x-www-form-urlencoded.',
    });
  });

  it('refuses a form when only JSON is enabled', async () => {
    const { app } = tokenTestApp(keys, { wire: { bodyFormats: ['json'] } });
    const res = await request(app).post('/oauth2/token').type('form').send('grant_type=client_credentials');
    expect(res.status).toBe(400);
    expect(res.body.error_description).toBe('The request body must be application/json.');
  });
});

describe('wire options — token and response shapes', () => {
  it('shapes scope and aud as arrays, sub as the database id and typ as configured', async () => {
    const { app, store } = tokenTestApp(keys, {
      wire: { scopeClaim: 'array', audienceClaim: 'array', subjectClaim: 'databaseId', tokenType: 'JWT', responseTokenType: 'bearer' },
    });
    const client = await registerClient(store, { scopes: ['recordsearch'], audiences: ['opencrvs.auth'] });
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('bearer');
    const { header, payload } = decodeJwt(res.body.access_token);
    expect(header.typ).toBe('JWT');
    expect(payload.scope).toEqual(['recordsearch']);
    expect(payload.aud).toEqual(['opencrvs.auth']);
    expect(payload.sub).toBe(client.record.id);
    expect(payload.client_id).toBe(client.clientId);
  });
});

describe('wire options — profile checks and error shapes', () => {
  const g2p = {
    requiredHeaders: ['timestamp'],
    validateRequest: (req: { headers: Record<string, unknown> }) =>
      Number.isNaN(Date.parse(String(req.headers.timestamp)))
        ? new OAuthError('invalid_request', 'The timestamp header must be an HTTP-date.')
        : undefined,
    responseHeaders: (req: { headers: Record<string, unknown> }) =>
      typeof req.headers.message_id === 'string' ? { message_id: req.headers.message_id } : undefined,
  };

  it('refuses a request without a required header', async () => {
    const { app } = tokenTestApp(keys, { wire: g2p });
    const res = await request(app).post('/oauth2/token').type('form').send('grant_type=client_credentials');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The timestamp header is required.' });
  });

  it('refuses a request that validateRequest refuses', async () => {
    const { app } = tokenTestApp(keys, { wire: g2p });
    const res = await request(app).post('/oauth2/token').set('timestamp', 'yesterday').type('form').send('grant_type=client_credentials');
    expect(res.status).toBe(400);
    expect(res.body.error_description).toBe('The timestamp header must be an HTTP-date.');
  });

  it('adds responseHeaders to successes and errors', async () => {
    const { app, store } = tokenTestApp(keys, { wire: g2p });
    const client = await registerClient(store);
    const ok = await request(app)
      .post('/oauth2/token')
      .set('timestamp', 'Tue, 06 Mar 2020 21:00:00 GMT')
      .set('message_id', '123456789020211216223812')
      .type('form')
      .send(form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret }));
    expect(ok.status).toBe(200);
    expect(ok.headers['message_id']).toBe('123456789020211216223812');
    const refused = await request(app).post('/oauth2/token').set('message_id', '42').type('form').send('grant_type=client_credentials');
    expect(refused.status).toBe(400);
    expect(refused.headers['message_id']).toBe('42');
  });

  it('renders errors with errorFormat and statuses with errorStatus', async () => {
    const { app, store } = tokenTestApp(keys, {
      wire: {
        errorFormat: (error) => ({ error: error.code, errorDescription: error.description }),
        errorStatus: (error) => (error.code === 'invalid_scope' || error.code === 'unauthorized_client' ? 403 : undefined),
      },
    });
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials&scope=clients:admin');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'invalid_scope', errorDescription: 'The scope clients:admin is not allowed for this client.' });
    const unauthenticated = await request(app).post('/oauth2/token').type('form').send('grant_type=client_credentials');
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body).toEqual({ error: 'invalid_client', errorDescription: 'Client authentication failed.' });
  });

  it('falls back to the RFC error body when errorFormat throws, and ignores a throwing errorStatus', async () => {
    const { app } = tokenTestApp(keys, {
      wire: {
        errorFormat: () => {
          throw new Error('profile bug');
        },
        errorStatus: () => {
          throw new Error('profile bug');
        },
      },
    });
    const res = await request(app).post('/oauth2/token').type('form').send('scope=x');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The grant_type parameter is required.' });
  });

  it.each<[string, () => Record<string, unknown>]>([
    ['a BigInt', () => ({ error: 'x', at: BigInt(1) })],
    [
      'a cycle',
      () => {
        const body: Record<string, unknown> = { error: 'x' };
        body.self = body;
        return body;
      },
    ],
    ['nothing', () => undefined as unknown as Record<string, unknown>],
  ])('falls back to the RFC error body when errorFormat gives %s, which JSON cannot hold', async (_what, errorFormat) => {
    const { app } = tokenTestApp(keys, { wire: { errorFormat } });
    const res = await request(app).post('/oauth2/token').type('form').send('scope=x');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The grant_type parameter is required.' });
  });
});
