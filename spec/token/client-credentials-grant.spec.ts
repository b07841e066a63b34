import request from 'supertest';
import { Keyring } from '../../lib/keys';
import { basicAuth, DEFAULT_AUDIENCE, decodeJwt, registerClient, tokenTestApp } from '../support/token-harness';
import type { RegisteredClient, TokenTestApp } from '../support/token-harness';

let keys: Keyring;
let context: TokenTestApp;
let client: RegisteredClient;
beforeAll(async () => {
  keys = await Keyring.generate('RS256');
  context = tokenTestApp(keys);
  client = await registerClient(context.store, {
    scopes: ['records:read', 'records:write', 'disburse'],
    audiences: ['https://billing.example/api', 'https://ledger.example', 'ledger-service'],
  });
});

function post(body: string, who: RegisteredClient = client) {
  return request(context.app)
    .post('/oauth2/token')
    .set('Authorization', basicAuth(who.clientId, who.secret))
    .type('form')
    .send(body);
}

function oauthError(error: string, description: string) {
  return { error, error_description: description };
}

describe('POST /oauth2/token — grant_type (RFC 6749 §4.4.2, §5.2)', () => {
  it('refuses a request without grant_type with invalid_request', async () => {
    const res = await post('scope=records:read');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(oauthError('invalid_request', 'The grant_type parameter is required.'));
  });

  it('refuses a grant type the server does not serve with unsupported_grant_type', async () => {
    const res = await post('grant_type=password');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(oauthError('unsupported_grant_type', 'The grant type is not supported.'));
  });

  it('refuses a grant type the client is not registered for with unauthorized_client', async () => {
    const noGrants = await registerClient(context.store, { grantTypes: ['refresh_token'] });
    const res = await post('grant_type=client_credentials', noGrants);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(oauthError('unauthorized_client', 'The client is not allowed to use this grant type.'));
  });
});

describe('POST /oauth2/token — scope (RFC 6749 §3.3)', () => {
  it('grants every scope of the client when scope is absent', async () => {
    const res = await post('grant_type=client_credentials');
    expect(res.body.scope).toBe('records:read records:write disburse');
    expect(decodeJwt(res.body.access_token).payload.scope).toBe('records:read records:write disburse');
  });

  it('grants the requested subset, in request order, once each', async () => {
    const res = await post('grant_type=client_credentials&scope=disburse+records:read+disburse');
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('disburse records:read');
    expect(decodeJwt(res.body.access_token).payload.scope).toBe('disburse records:read');
  });

  it('refuses a scope the client does not have with invalid_scope', async () => {
    const res = await post('grant_type=client_credentials&scope=records:read+clients:admin');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(oauthError('invalid_scope', 'The scope clients:admin is not allowed for this client.'));
  });

  it.each([
    ['a double space', 'records:read  disburse'],
    ['a leading space', ' records:read'],
    ['a trailing space', 'records:read '],
    ['a tab', 'records:read\tdisburse'],
    ['a double quote', 'records:"read"'],
    ['a backslash', 'records\\read'],
    ['a non-ASCII character', 'récords'],
  ])('refuses a scope string with %s as malformed', async (_what, scope) => {
    const res = await post(new URLSearchParams({ grant_type: 'client_credentials', scope }).toString());
    expect(res.status).toBe(400);
    expect(res.body).toEqual(oauthError('invalid_scope', 'The scope parameter is malformed.'));
  });

  it('requires a scope when the wire options say so', async () => {
    const strict = tokenTestApp(keys, { wire: { requireScope: true } });
    const registered = await registerClient(strict.store);
    const res = await request(strict.app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(registered.clientId, registered.secret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(oauthError('invalid_scope', 'The scope parameter is required.'));
  });
});

describe('POST /oauth2/token — audience and resource (RFC 8707)', () => {
  it('targets every audience of the client when none is requested', async () => {
    const res = await post('grant_type=client_credentials');
    expect(decodeJwt(res.body.access_token).payload.aud).toEqual([
      'https://billing.example/api',
      'https://ledger.example',
      'ledger-service',
    ]);
  });

  it('targets the requested audience, as a string', async () => {
    const res = await post('grant_type=client_credentials&audience=ledger-service');
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token).payload.aud).toBe('ledger-service');
  });

  it('targets a requested resource', async () => {
    const res = await post(`grant_type=client_credentials&resource=${encodeURIComponent('https://ledger.example')}`);
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token).payload.aud).toBe('https://ledger.example');
  });

  it('accepts several resource parameters', async () => {
    const res = await post(
      `grant_type=client_credentials&resource=${encodeURIComponent('https://ledger.example')}&resource=${encodeURIComponent('https://billing.example/api')}`,
    );
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token).payload.aud).toEqual(['https://ledger.example', 'https://billing.example/api']);
  });

  it('accepts several resources as a JSON array', async () => {
    const res = await request(context.app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .send({ grant_type: 'client_credentials', resource: ['https://ledger.example', 'https://billing.example/api'] });
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token).payload.aud).toEqual(['https://ledger.example', 'https://billing.example/api']);
  });

  it('refuses an audience the client is not registered for with invalid_target', async () => {
    const res = await post('grant_type=client_credentials&audience=https%3A%2F%2Fevil.example');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(oauthError('invalid_target', 'The requested audience is not allowed for this client.'));
  });

  it('refuses a resource that is not an absolute URI with invalid_target', async () => {
    const res = await post('grant_type=client_credentials&resource=ledger-service');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      oauthError('invalid_target', 'The resource parameter must be an absolute URI without a fragment.'),
    );
  });

  it('refuses a resource with a fragment with invalid_target', async () => {
    const res = await post(`grant_type=client_credentials&resource=${encodeURIComponent('https://ledger.example#x')}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_target');
  });

  it('refuses the whole request when one of several resources is not allowed', async () => {
    const res = await post(
      `grant_type=client_credentials&resource=${encodeURIComponent('https://ledger.example')}&resource=${encodeURIComponent('https://evil.example')}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_target');
  });

  it('gives a client registered with no audiences the default audience', async () => {
    const plain = await registerClient(context.store, { audiences: [] });
    const res = await post('grant_type=client_credentials', plain);
    expect(decodeJwt(res.body.access_token).payload.aud).toBe(DEFAULT_AUDIENCE);
    const other = await post('grant_type=client_credentials&audience=ledger-service', plain);
    expect(other.body.error).toBe('invalid_target');
  });

  it('refuses a client with no audience at all when the router has no default', async () => {
    const bare = tokenTestApp(keys, { defaultAudience: undefined });
    const registered = await registerClient(bare.store);
    const res = await request(bare.app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(registered.clientId, registered.secret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(oauthError('invalid_target', 'No audience is configured for this client.'));
  });

  it('ignores an audience parameter that the wire options do not read', async () => {
    const resourceOnly = tokenTestApp(keys, { wire: { audienceParameters: ['resource'] } });
    const registered = await registerClient(resourceOnly.store, { audiences: ['a', 'b'] });
    const res = await request(resourceOnly.app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(registered.clientId, registered.secret))
      .type('form')
      .send('grant_type=client_credentials&audience=a');
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token).payload.aud).toEqual(['a', 'b']);
  });
});
