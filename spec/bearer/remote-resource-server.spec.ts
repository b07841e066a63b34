import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import request from 'supertest';
import { requireToken } from '../../lib/bearer';
import { Keyring } from '../../lib/keys/keyring';
import { jwksHandler } from '../../lib/keys/jwks-handler';
import { TEST_AUDIENCE, TEST_ISSUER, tokenFor } from '../support/keys';

/** The authorization server: publishes its keyring's JWKS on 127.0.0.1, on a random port. */
async function startAuthorizationServer(keyring: Keyring): Promise<{ jwksUri: string; server: Server }> {
  const app = express();
  app.get('/.well-known/jwks.json', jwksHandler(keyring));
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return { jwksUri: `http://127.0.0.1:${port}/.well-known/jwks.json`, server };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The resource server: a second Express app that knows the issuer only by its jwksUri. */
function resourceServer(jwksUri: string) {
  const app = express();
  app.get('/api/records', requireToken({ jwksUri, issuer: TEST_ISSUER, audience: TEST_AUDIENCE, scope: 'records:read' }), (req, res) => {
    res.json({ client_id: req.auth?.clientId });
  });
  return app;
}

function bearer(token: string): [string, string] {
  return ['Authorization', `Bearer ${token}`];
}

describe('requireToken({ jwksUri }) — a separate resource server (RFC 9068 §4, RFC 7517)', () => {
  let keyring: Keyring;
  let authorizationServer: { jwksUri: string; server: Server };

  beforeEach(async () => {
    keyring = await Keyring.generate('RS256');
    authorizationServer = await startAuthorizationServer(keyring);
  });

  afterEach(async () => {
    if (authorizationServer.server.listening) await close(authorizationServer.server);
  });

  it('accepts a token the authorization server signed', async () => {
    const res = await request(resourceServer(authorizationServer.jwksUri)).get('/api/records').set(...bearer(tokenFor(keyring)));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ client_id: 'client-1' });
  });

  it('picks up a rotated key: a token signed with the new key is accepted', async () => {
    const api = resourceServer(authorizationServer.jwksUri);
    expect((await request(api).get('/api/records').set(...bearer(tokenFor(keyring)))).status).toBe(200);

    const next = await Keyring.generate('RS256');
    keyring.add({ alg: 'RS256', privateKey: next.signingKey.key }, { activate: true });
    const res = await request(api).get('/api/records').set(...bearer(tokenFor(keyring)));
    expect(res.status).toBe(200);
  });

  it('refuses a token signed by a key the JWKS does not hold', async () => {
    const stranger = await Keyring.generate('RS256');
    const res = await request(resourceServer(authorizationServer.jwksUri)).get('/api/records').set(...bearer(tokenFor(stranger)));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  });

  it('refuses an HS256 token: a remote JWKS never vouches for a shared secret', async () => {
    const hs = await Keyring.generate('HS256');
    const res = await request(resourceServer(authorizationServer.jwksUri)).get('/api/records').set(...bearer(tokenFor(hs)));
    expect(res.status).toBe(401);
  });

  it('answers 503 temporarily_unavailable, not 500, when the JWKS cannot be fetched', async () => {
    const api = resourceServer(authorizationServer.jwksUri);
    await close(authorizationServer.server);
    const res = await request(api).get('/api/records').set(...bearer(tokenFor(keyring)));
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
  });
});
