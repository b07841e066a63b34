import request from 'supertest';
import { Keyring } from '../../lib/keys';
import { basicAuth, form, registerClient, tokenTestApp } from '../support/token-harness';
import type { RegisteredClient, TokenTestApp } from '../support/token-harness';

let keys: Keyring;
let context: TokenTestApp;
let client: RegisteredClient;
beforeAll(async () => {
  keys = await Keyring.generate('RS256');
  context = tokenTestApp(keys);
  client = await registerClient(context.store);
});

function post() {
  return request(context.app).post('/oauth2/token').set('Authorization', basicAuth(client.clientId, client.secret));
}

function invalidRequest(description: string | RegExp) {
  return { error: 'invalid_request', error_description: typeof description === 'string' ? description : expect.stringMatching(description) };
}

describe('POST /oauth2/token — request body formats', () => {
  it('refuses a body of another content type, naming the accepted ones', async () => {
    const res = await post().set('Content-Type', 'text/plain').send('grant_type=client_credentials');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      invalidRequest('The request body must be application/x-www-form-urlencoded or application/json.'),
    );
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('refuses a body with no content type', async () => {
    const res = await post().set('Content-Type', '').send(Buffer.from('grant_type=client_credentials'));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses multipart/form-data', async () => {
    const res = await post().field('grant_type', 'client_credentials');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses malformed JSON with a 400, not a 500', async () => {
    const res = await post().set('Content-Type', 'application/json').send('{"grant_type": "client_credentials"');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalidRequest('The request body is not valid JSON.'));
  });

  it('refuses a JSON body that is not an object', async () => {
    const array = await post().send(['client_credentials']);
    expect(array.status).toBe(400);
    expect(array.body).toEqual(invalidRequest('The request body must be an object of parameters.'));
    const scalar = await post().set('Content-Type', 'application/json').send('"client_credentials"');
    expect(scalar.status).toBe(400);
    expect(scalar.body.error).toBe('invalid_request');
  });

  it.each([
    ['a number', { grant_type: 'client_credentials', scope: 42 }],
    ['an object', { grant_type: 'client_credentials', scope: { read: true } }],
    ['null', { grant_type: 'client_credentials', scope: null }],
    ['an array of non-strings', { grant_type: 'client_credentials', resource: [1, 2] }],
  ])('refuses a JSON parameter that is %s', async (_kind, body) => {
    const res = await post().send(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalidRequest(/must be a string/));
  });

  it('refuses a body over the limit with 413', async () => {
    const res = await post().type('form').send(`grant_type=client_credentials&padding=${'x'.repeat(17 * 1024)}`);
    expect(res.status).toBe(413);
    expect(res.body).toEqual(invalidRequest('The request body is too large.'));
  });

  it('honours a configured body limit', async () => {
    const small = tokenTestApp(keys, { bodyLimit: 64 });
    const res = await request(small.app).post('/oauth2/token').type('form').send(`grant_type=client_credentials&p=${'x'.repeat(100)}`);
    expect(res.status).toBe(413);
  });

  it('refuses an unsupported charset with 415', async () => {
    const res = await post().set('Content-Type', 'application/json; charset=koi8-r').send('{"grant_type":"client_credentials"}');
    expect(res.status).toBe(415);
    expect(res.body.error).toBe('invalid_request');
  });

  it('ignores an empty body announced with Content-Length: 0 and asks for grant_type', async () => {
    const res = await post().set('Content-Type', 'text/plain').send('');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalidRequest('The grant_type parameter is required.'));
  });
});

describe('POST /oauth2/token — RFC 6749 §3.2 parameters are not repeated', () => {
  it('refuses a repeated form parameter', async () => {
    const res = await post().type('form').send('grant_type=client_credentials&grant_type=client_credentials');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalidRequest('Parameter grant_type must not be repeated.'));
  });

  it('refuses a repeated parameter even when one value is empty', async () => {
    const res = await post().type('form').send('grant_type=&grant_type=client_credentials');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses a repeated scope', async () => {
    const res = await post().type('form').send('grant_type=client_credentials&scope=records:read&scope=records:write');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalidRequest('Parameter scope must not be repeated.'));
  });

  it('refuses a JSON array for a single-valued parameter', async () => {
    const res = await post().send({ grant_type: ['client_credentials'], scope: ['records:read', 'records:write'] });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalidRequest('Parameter scope must not be repeated.'));
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a parameter named %s', async (name) => {
    const res = await post().set('Content-Type', 'application/json').send(`{"grant_type":"client_credentials","${name}":"x"}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalidRequest(`The parameter name ${name} is not allowed.`));
  });

  it('treats a parameter sent without a value as omitted (RFC 6749 §3.1)', async () => {
    const res = await post().type('form').send('grant_type=client_credentials&scope=');
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('records:read records:write');
  });

  it('ignores parameters in the query string that are not credentials', async () => {
    const res = await request(context.app)
      .post('/oauth2/token?grant_type=client_credentials')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalidRequest('The grant_type parameter is required.'));
  });
});

describe('POST /oauth2/token — only POST', () => {
  it.each(['get', 'put', 'delete', 'patch'] as const)('answers %s with 405, Allow: POST and an OAuth body', async (method) => {
    const res = await request(context.app)[method]('/oauth2/token');
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('POST');
    expect(res.body).toEqual({ error: 'method_not_allowed', error_description: 'The token endpoint accepts POST only.' });
  });

  it('answers HEAD with 405 and Allow: POST', async () => {
    const res = await request(context.app).head('/oauth2/token');
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('POST');
  });

  it('serves another path when configured, and nothing at the default one', async () => {
    const custom = tokenTestApp(keys, { path: '/client/token' });
    const registered = await registerClient(custom.store);
    const ok = await request(custom.app)
      .post('/oauth2/client/token')
      .set('Authorization', basicAuth(registered.clientId, registered.secret))
      .type('form')
      .send(form({ grant_type: 'client_credentials' }));
    expect(ok.status).toBe(200);
    const missing = await request(custom.app).post('/oauth2/token').type('form').send('grant_type=client_credentials');
    expect(missing.status).toBe(404);
  });
});
