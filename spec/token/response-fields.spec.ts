/**
 * Wire options for profiles whose success body or refusal statuses differ from RFC 6749 §5.1/§5.2:
 * `responseFields` (G2P Connect's three fields, Screening Eagle's field order) and
 * `ScopeNotAllowedError`, which lets `errorStatus` tell a scope the client may not have from a
 * malformed one.
 */
import request from 'supertest';
import { Keyring } from '../../lib/keys';
import { resolveWireOptions, ScopeNotAllowedError } from '../../lib/token';
import { basicAuth, registerClient, tokenTestApp } from '../support/token-harness';

let keys: Keyring;
beforeAll(async () => {
  keys = await Keyring.generate('RS256');
});

describe('wire options — responseFields', () => {
  it('answers with only the named fields, in their order', async () => {
    const { app, store } = tokenTestApp(keys, { wire: { responseFields: ['scope', 'token_type', 'access_token', 'expires_in'] } });
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials&scope=records:read');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['scope', 'token_type', 'access_token', 'expires_in']);
  });

  it('leaves out a named field the grant did not produce', async () => {
    const { app, store } = tokenTestApp(keys, { wire: { responseFields: ['access_token', 'refresh_token', 'expires_in'] } });
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(Object.keys(res.body)).toEqual(['access_token', 'expires_in']);
  });

  it('keeps every RFC 6749 §5.1 field the grant produced when absent', async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(Object.keys(res.body)).toEqual(['access_token', 'token_type', 'expires_in', 'scope']);
  });

  it('must include access_token', () => {
    expect(() => resolveWireOptions({ responseFields: ['token_type', 'expires_in'] })).toThrow(
      new TypeError("tokenRouter: options.wire.responseFields must include 'access_token'"),
    );
  });

  it('must name RFC 6749 §5.1 fields only', () => {
    expect(() => resolveWireOptions({ responseFields: ['access_token', 'id_token'] as never })).toThrow(/options\.wire\.responseFields/);
  });
});

describe('wire options — errorStatus and ScopeNotAllowedError', () => {
  const forbidDisallowedScopes = { errorStatus: (error: Error) => (error instanceof ScopeNotAllowedError ? 403 : undefined) };

  it('lets errorStatus answer a scope the client is not registered for apart', async () => {
    const { app, store } = tokenTestApp(keys, { wire: forbidDisallowedScopes });
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials&scope=records:read clients:admin');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'invalid_scope', error_description: 'The scope clients:admin is not allowed for this client.' });
  });

  it('leaves a malformed scope a 400', async () => {
    const { app, store } = tokenTestApp(keys, { wire: forbidDisallowedScopes });
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials&scope=records:read  records:write');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
  });
});
