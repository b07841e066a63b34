import express from 'express';
import type { Express } from 'express';
import request from 'supertest';
import { authorizationServerMetadataFor, metadataOptionsFor } from '../../lib/discovery';
import { jwksHandler, Keyring } from '../../lib/keys';
import { MemoryTokenStateStore } from '../../lib/lifecycle';
import { registrationRouter } from '../../lib/registration';
import { tokenRouter } from '../../lib/token';
import type { TokenRouterOptions } from '../../lib/token';
import { FaultInjectingClientStore } from '../support/token-fault-store';
import type { RegisteredClient } from '../support/token-harness';
import { basicAuth, DEFAULT_AUDIENCE, form, ISSUER, registerClient } from '../support/token-harness';

const BASE = 'https://auth.example.test';
const WELL_KNOWN = '/.well-known/oauth-authorization-server';

let keys: Keyring;
beforeAll(async () => {
  keys = await Keyring.generate('RS256');
});

interface Served {
  app: Express;
  clients: FaultInjectingClientStore;
}

/** An app that mounts what it advertises: token router at /oauth2, registration API, JWKS, metadata. */
function servedApp(options: Partial<TokenRouterOptions> = {}, scopesSupported?: string[]): Served {
  const clients = new FaultInjectingClientStore();
  const oauth = tokenRouter({ clients, keys, issuer: ISSUER, defaultAudience: [DEFAULT_AUDIENCE], ...options });
  const app = express();
  app.use('/oauth2', oauth);
  app.use('/oauth2', registrationRouter({ clients, auth: { keys, issuer: ISSUER, audience: ISSUER } }));
  app.get('/.well-known/jwks.json', jwksHandler(keys));
  app.get(
    WELL_KNOWN,
    authorizationServerMetadataFor(oauth, {
      mountUrl: `${BASE}/oauth2/`,
      jwksUri: `${BASE}/.well-known/jwks.json`,
      registrationEndpoint: `${BASE}/oauth2/register`,
      ...(scopesSupported ? { scopesSupported } : {}),
    }),
  );
  return { app, clients };
}

async function metadataOf(app: Express): Promise<Record<string, unknown>> {
  const res = await request(app).get(WELL_KNOWN);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return res.body as Record<string, unknown>;
}

/** The path of an advertised URL on this app. */
function pathOf(url: unknown): string {
  expect(typeof url).toBe('string');
  const parsed = new URL(url as string);
  expect(parsed.origin).toBe(BASE);
  return parsed.pathname;
}

function postForm(app: Express, path: string, who: RegisteredClient | undefined, parameters: Record<string, string>): request.Test {
  const req = request(app).post(path).type('form');
  if (who) void req.set('Authorization', basicAuth(who.clientId, who.secret));
  return req.send(form(parameters));
}

describe('GET /.well-known/oauth-authorization-server — RFC 8414 §2, §3', () => {
  it('describes a router with token state: every endpoint, both grants, both auth methods', async () => {
    const { app } = servedApp({ tokenState: new MemoryTokenStateStore() });
    expect(await metadataOf(app)).toEqual({
      issuer: ISSUER,
      token_endpoint: `${BASE}/oauth2/token`,
      jwks_uri: `${BASE}/.well-known/jwks.json`,
      revocation_endpoint: `${BASE}/oauth2/revoke`,
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      introspection_endpoint: `${BASE}/oauth2/introspect`,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      registration_endpoint: `${BASE}/oauth2/register`,
      grant_types_supported: ['client_credentials', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      response_types_supported: [],
    });
  });

  it('lists no revocation, introspection or refresh grant for a router without token state', async () => {
    const metadata = await metadataOf(servedApp().app);
    expect(metadata).not.toHaveProperty('revocation_endpoint');
    expect(metadata).not.toHaveProperty('introspection_endpoint');
    expect(metadata.grant_types_supported).toEqual(['client_credentials']);
  });

  it('follows configured endpoint paths, and drops a disabled endpoint', async () => {
    const { app } = servedApp({ tokenState: new MemoryTokenStateStore(), revocationPath: '/tokens/revoke', introspectionPath: false });
    const metadata = await metadataOf(app);
    expect(metadata.revocation_endpoint).toBe(`${BASE}/oauth2/tokens/revoke`);
    expect(metadata).not.toHaveProperty('introspection_endpoint');
  });

  it('lists only the authentication methods the router accepts', async () => {
    const { app } = servedApp({ wire: { credentialCarriers: ['basic'] } });
    expect((await metadataOf(app)).token_endpoint_auth_methods_supported).toEqual(['client_secret_basic']);
  });

  it('lists scopes_supported only when configured', async () => {
    expect(await metadataOf(servedApp().app)).not.toHaveProperty('scopes_supported');
    const { app } = servedApp({}, ['records:read', 'disburse']);
    expect((await metadataOf(app)).scopes_supported).toEqual(['records:read', 'disburse']);
  });

  it('is cacheable for a short while', async () => {
    const res = await request(servedApp().app).get(WELL_KNOWN);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
  });
});

describe('GET /.well-known/oauth-authorization-server — matches what is served', () => {
  it('advertises endpoints that answer as their RFCs say', async () => {
    const { app, clients } = servedApp({ tokenState: new MemoryTokenStateStore() });
    const metadata = await metadataOf(app);
    const caller = await registerClient(clients, { grantTypes: ['client_credentials', 'refresh_token'] });

    const token = await postForm(app, pathOf(metadata.token_endpoint), caller, { grant_type: 'client_credentials' });
    expect(token.status).toBe(200);
    const accessToken = token.body.access_token as string;

    const introspection = await postForm(app, pathOf(metadata.introspection_endpoint), caller, { token: accessToken });
    expect(introspection.body.active).toBe(true);
    const revocation = await postForm(app, pathOf(metadata.revocation_endpoint), caller, { token: accessToken });
    expect(revocation.status).toBe(200);

    const jwks = await request(app).get(pathOf(metadata.jwks_uri));
    expect((jwks.body as { keys: { kid: string }[] }).keys.map((key) => key.kid)).toContain(keys.activeKeyId);

    const registration = await request(app).post(pathOf(metadata.registration_endpoint)).send({});
    expect(registration.status).toBe(401);
  });

  it('serves every advertised grant type and refuses any other', async () => {
    for (const options of [{}, { tokenState: new MemoryTokenStateStore() }]) {
      const { app, clients } = servedApp(options);
      const metadata = await metadataOf(app);
      const caller = await registerClient(clients, { grantTypes: ['client_credentials', 'refresh_token'] });
      const path = pathOf(metadata.token_endpoint);
      const advertised = metadata.grant_types_supported as string[];
      for (const grantType of ['client_credentials', 'refresh_token']) {
        const res = await postForm(app, path, caller, { grant_type: grantType, refresh_token: 'D'.repeat(43) });
        if (advertised.includes(grantType)) expect(res.body.error).not.toBe('unsupported_grant_type');
        else expect(res.body.error).toBe('unsupported_grant_type');
      }
    }
  });

  it('accepts exactly the advertised client authentication methods', async () => {
    for (const carriers of [['basic', 'body'], ['basic'], ['body']] as const) {
      const { app, clients } = servedApp({ wire: { credentialCarriers: [...carriers] } });
      const metadata = await metadataOf(app);
      const methods = metadata.token_endpoint_auth_methods_supported as string[];
      const caller = await registerClient(clients);
      const path = pathOf(metadata.token_endpoint);

      const basic = await postForm(app, path, caller, { grant_type: 'client_credentials' });
      const post = await postForm(app, path, undefined, {
        grant_type: 'client_credentials',
        client_id: caller.clientId,
        client_secret: caller.secret,
      });
      expect(basic.status === 200).toBe(methods.includes('client_secret_basic'));
      expect(post.status === 200).toBe(methods.includes('client_secret_post'));
    }
  });

  it('serves nothing at a path it does not advertise', async () => {
    const { app, clients } = servedApp({ tokenState: new MemoryTokenStateStore(), introspectionPath: false });
    const caller = await registerClient(clients);
    expect((await postForm(app, '/oauth2/introspect', caller, { token: 'x' })).status).toBe(404);
  });
});

describe('metadataOptionsFor — from a router’s resolved configuration', () => {
  it('accepts the router or its config, and refuses options without URLs', () => {
    const oauth = tokenRouter({ clients: new FaultInjectingClientStore(), keys, issuer: ISSUER });
    const options = { mountUrl: `${BASE}/oauth2`, jwksUri: `${BASE}/jwks` };
    expect(metadataOptionsFor(oauth.config, options)).toEqual(metadataOptionsFor(oauth, options));
    expect(() => metadataOptionsFor(oauth, {} as never)).toThrow('options.mountUrl and options.jwksUri');
  });
});
