import request from 'supertest';
import { verifyClientSecret } from '../../lib/clients';
import type { RegistrationApp } from './harness';
import { holdsSecretHash, registrationApp } from './harness';

describe('POST /oauth2/register — RFC 7591 §3.2.1 client information response', () => {
  let ctx: RegistrationApp;

  beforeEach(async () => {
    ctx = await registrationApp();
  });

  const register = (body: object | string) =>
    request(ctx.app)
      .post('/oauth2/register')
      .set('Authorization', `Bearer ${ctx.adminToken}`)
      .set('Content-Type', 'application/json')
      .send(typeof body === 'string' ? body : JSON.stringify(body));

  it('answers 201 with the client id, the secret, the issue time and the registered metadata', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await register({
      client_name: 'reports',
      scope: 'records:read disburse',
      grant_types: ['client_credentials', 'refresh_token'],
      audience: ['example-api'],
      access_token_ttl: 300,
      refresh_token_ttl: 7200,
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      client_id: expect.any(String),
      client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      client_id_issued_at: expect.any(Number),
      client_secret_expires_at: 0,
      client_name: 'reports',
      scope: 'records:read disburse',
      grant_types: ['client_credentials', 'refresh_token'],
      audience: ['example-api'],
      access_token_ttl: 300,
      refresh_token_ttl: 7200,
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(res.body.client_id_issued_at).toBeGreaterThanOrEqual(before);
    expect(res.body.client_id_issued_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('sends Cache-Control: no-store, Pragma: no-cache and a Location under the mount path', async () => {
    const res = await register({ client_name: 'reports' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.headers.location).toBe(`/oauth2/register/${res.body.client_id}`);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('stores only a SHA-256 hash of the generated secret, which verifies it', async () => {
    const res = await register({ client_name: 'reports' });
    const stored = await ctx.store.findByClientId(res.body.client_id);
    expect(stored?.secretHash).toMatch(/^sha256\$/);
    expect(stored?.secretHash).not.toContain(res.body.client_secret);
    expect(await verifyClientSecret(stored!, res.body.client_secret)).toBe(true);
    expect(holdsSecretHash(res.body)).toBe(false);
  });

  it('applies the defaults: no scope, client_credentials only, client_secret_basic, the server audience', async () => {
    const res = await register({ client_name: 'minimal' });
    expect(res.body).toMatchObject({ scope: '', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' });
    expect(res.body).not.toHaveProperty('audience');
    expect(res.body).not.toHaveProperty('access_token_ttl');
    expect(res.body).not.toHaveProperty('refresh_token_ttl');
  });

  it('reports the default refresh token lifetime (1 day) for a refresh-enabled client without its own', async () => {
    const res = await register({ client_name: 'refresher', grant_types: ['client_credentials', 'refresh_token'] });
    expect(res.body.refresh_token_ttl).toBe(86_400);
  });

  it('stores what it registered', async () => {
    const res = await register({ client_name: ' reports ', scope: 'a b a', audience: ['x', 'x', 'y'], access_token_ttl: 60 });
    expect(await ctx.store.findByClientId(res.body.client_id)).toMatchObject({
      name: 'reports',
      scopes: ['a', 'b'],
      audiences: ['x', 'y'],
      grantTypes: ['client_credentials'],
      accessTokenTtl: 60,
      disabled: false,
    });
  });

  it('accepts any whole number of seconds from 1 up to the maxima', async () => {
    const res = await register({ client_name: 'bounds', access_token_ttl: 86_400, refresh_token_ttl: 1 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ access_token_ttl: 86_400, refresh_token_ttl: 1 });
  });

  it('accepts client_secret_post as the authentication method', async () => {
    const res = await register({ client_name: 'poster', token_endpoint_auth_method: 'client_secret_post' });
    expect(res.status).toBe(201);
  });

  it('ignores unknown fields and a client_id or client_secret the caller chose (RFC 7591 §2)', async () => {
    const res = await register({ client_name: 'x', logo_uri: 'https://x.example/logo.png', client_id: 'mine', client_secret: 'mine-too' });
    expect(res.status).toBe(201);
    expect(res.body.client_id).not.toBe('mine');
    expect(res.body.client_secret).not.toBe('mine-too');
    expect(res.body).not.toHaveProperty('logo_uri');
  });

  it('is not polluted by __proto__ or constructor keys', async () => {
    const res = await register(
      '{"client_name":"x","__proto__":{"polluted":"yes","scope":"admin"},"constructor":{"prototype":{"polluted":"yes"}}}',
    );
    expect(res.status).toBe(201);
    expect(res.body.scope).toBe('');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('gives every client its own id and secret', async () => {
    const first = await register({ client_name: 'one' });
    const second = await register({ client_name: 'two' });
    expect(first.body.client_id).not.toBe(second.body.client_id);
    expect(first.body.client_secret).not.toBe(second.body.client_secret);
  });
});

describe('POST /oauth2/register — RFC 7591 §3.2.2 invalid_client_metadata names the field', () => {
  let ctx: RegistrationApp;

  beforeAll(async () => {
    ctx = await registrationApp();
  });

  it.each([
    ['client_name missing', {}, 'client_name'],
    ['client_name empty', { client_name: '' }, 'client_name'],
    ['client_name blank', { client_name: '   ' }, 'client_name'],
    ['client_name too long', { client_name: 'n'.repeat(201) }, 'client_name'],
    ['client_name not a string', { client_name: 42 }, 'client_name'],
    ['client_name with a control character', { client_name: 'a\u0007b' }, 'client_name'],
    ['scope not a string', { client_name: 'x', scope: ['records:read'] }, 'scope'],
    ['scope with a quote', { client_name: 'x', scope: 'say"hi' }, 'scope'],
    ['scope with a backslash', { client_name: 'x', scope: 'a\\b' }, 'scope'],
    ['scope with a tab', { client_name: 'x', scope: 'a\tb' }, 'scope'],
    ['grant_types not an array', { client_name: 'x', grant_types: 'client_credentials' }, 'grant_types'],
    ['grant_types with an unknown grant', { client_name: 'x', grant_types: ['client_credentials', 'password'] }, 'grant_types'],
    ['grant_types without client_credentials', { client_name: 'x', grant_types: ['refresh_token'] }, 'grant_types'],
    ['grant_types empty', { client_name: 'x', grant_types: [] }, 'grant_types'],
    ['audience not an array', { client_name: 'x', audience: 'example-api' }, 'audience'],
    ['audience with an empty entry', { client_name: 'x', audience: [''] }, 'audience'],
    ['audience with a number', { client_name: 'x', audience: [7] }, 'audience'],
    ['audience with 51 entries', { client_name: 'x', audience: Array.from({ length: 51 }, (_, i) => `aud-${i}`) }, 'audience'],
    ['access_token_ttl of 0', { client_name: 'x', access_token_ttl: 0 }, 'access_token_ttl'],
    ['access_token_ttl over one day', { client_name: 'x', access_token_ttl: 86_401 }, 'access_token_ttl'],
    ['access_token_ttl not whole', { client_name: 'x', access_token_ttl: 1.5 }, 'access_token_ttl'],
    ['access_token_ttl as a string', { client_name: 'x', access_token_ttl: '600' }, 'access_token_ttl'],
    ['access_token_ttl negative', { client_name: 'x', access_token_ttl: -1 }, 'access_token_ttl'],
    ['refresh_token_ttl of 0', { client_name: 'x', refresh_token_ttl: 0 }, 'refresh_token_ttl'],
    ['refresh_token_ttl over 30 days', { client_name: 'x', refresh_token_ttl: 2_592_001 }, 'refresh_token_ttl'],
    ['refresh_token_ttl null', { client_name: 'x', refresh_token_ttl: null }, 'refresh_token_ttl'],
    ['token_endpoint_auth_method private_key_jwt', { client_name: 'x', token_endpoint_auth_method: 'private_key_jwt' }, 'token_endpoint_auth_method'],
    ['token_endpoint_auth_method none', { client_name: 'x', token_endpoint_auth_method: 'none' }, 'token_endpoint_auth_method'],
  ])('%s', async (_case, body, field) => {
    const res = await request(ctx.app).post('/oauth2/register').set('Authorization', `Bearer ${ctx.adminToken}`).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_client_metadata');
    expect(res.body.error_description).toMatch(new RegExp(`^${field} (is|must|may) `));
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('registers nothing when the metadata is refused', async () => {
    await request(ctx.app).post('/oauth2/register').set('Authorization', `Bearer ${ctx.adminToken}`).send({ client_name: 'x', scope: 7 });
    expect((await ctx.store.list()).items).toEqual([]);
  });
});

describe('POST /oauth2/register — configured limits', () => {
  it('refuses a scope outside allowedScopes, naming it', async () => {
    const ctx = await registrationApp({ allowedScopes: ['records:read', 'disburse'] });
    const refused = await request(ctx.app)
      .post('/oauth2/register')
      .set('Authorization', `Bearer ${ctx.adminToken}`)
      .send({ client_name: 'x', scope: 'records:read clients:admin' });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: 'invalid_client_metadata', error_description: expect.stringMatching(/^scope .*"clients:admin"/) });
    const accepted = await request(ctx.app)
      .post('/oauth2/register')
      .set('Authorization', `Bearer ${ctx.adminToken}`)
      .send({ client_name: 'x', scope: 'disburse' });
    expect(accepted.status).toBe(201);
  });

  it('applies maxAccessTokenTtl and maxRefreshTokenTtl', async () => {
    const ctx = await registrationApp({ maxAccessTokenTtl: 3600, maxRefreshTokenTtl: 7200 });
    const post = (body: object) => request(ctx.app).post('/oauth2/register').set('Authorization', `Bearer ${ctx.adminToken}`).send(body);
    expect((await post({ client_name: 'x', access_token_ttl: 3600, refresh_token_ttl: 7200 })).status).toBe(201);
    expect((await post({ client_name: 'x', access_token_ttl: 3601 })).body.error_description).toMatch(/^access_token_ttl .* 1 to 3600$/);
    expect((await post({ client_name: 'x', refresh_token_ttl: 7201 })).body.error_description).toMatch(/^refresh_token_ttl .* 1 to 7200$/);
  });

  it('reports defaultRefreshTokenTtl for refresh-enabled clients without their own', async () => {
    const ctx = await registrationApp({ defaultRefreshTokenTtl: 1234 });
    const res = await request(ctx.app)
      .post('/oauth2/register')
      .set('Authorization', `Bearer ${ctx.adminToken}`)
      .send({ client_name: 'x', grant_types: ['client_credentials', 'refresh_token'] });
    expect(res.body.refresh_token_ttl).toBe(1234);
    expect((await ctx.store.findByClientId(res.body.client_id))?.refreshTokenTtl).toBeUndefined();
  });
});

describe('POST /oauth2/register — the request body (RFC 7591 §3.1: a JSON object)', () => {
  let ctx: RegistrationApp;

  beforeAll(async () => {
    ctx = await registrationApp({ bodyLimit: 1024 });
  });

  const post = () => request(ctx.app).post('/oauth2/register').set('Authorization', `Bearer ${ctx.adminToken}`);

  afterEach(() => {
    expect(ctx.hostErrors).toEqual([]);
  });

  it('answers 400 invalid_request to malformed JSON', async () => {
    const res = await post().set('Content-Type', 'application/json').send('{"client_name": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The request body is not valid JSON.' });
  });

  it('answers 413 to a body over the limit', async () => {
    const res = await post().send({ client_name: 'x', padding: 'p'.repeat(2000) });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('invalid_request');
  });

  it('answers 400 to a form body', async () => {
    const res = await post().type('form').send('client_name=x');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The request body must be application/json.' });
  });

  it('answers 400 to a missing body', async () => {
    const res = await post();
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('answers 400 to a JSON array or a bare value', async () => {
    expect((await post().set('Content-Type', 'application/json').send('[{"client_name":"x"}]')).body.error).toBe('invalid_request');
    expect((await post().set('Content-Type', 'application/json').send('"x"')).status).toBe(400);
  });

  it('accepts application/json with a charset', async () => {
    const res = await post().set('Content-Type', 'application/json; charset=utf-8').send('{"client_name":"x"}');
    expect(res.status).toBe(201);
  });

  it('answers 405 with Allow: POST to other methods on /register', async () => {
    const res = await request(ctx.app).get('/oauth2/register').set('Authorization', `Bearer ${ctx.adminToken}`);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.body.error).toBe('method_not_allowed');
  });
});
