import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { Keyring } from '../../lib/keys/keyring';
import { jwksHandler } from '../../lib/keys/jwks-handler';
import { RemoteJwks } from '../../lib/keys/remote-jwks';
import { KeySourceUnavailableError } from '../../lib/keys/errors';
import { verifyJwt } from '../../lib/keys/jwt';
import { TEST_AUDIENCE, TEST_ISSUER, tokenFor } from '../support/keys';

/** An authorization server that serves its JWKS on 127.0.0.1 and counts the fetches. */
async function startJwksServer(keyring: Keyring): Promise<{ uri: string; fetches: () => number; close: () => Promise<void> }> {
  let count = 0;
  const app = express();
  app.get(
    '/.well-known/jwks.json',
    (_req, _res, next) => {
      count += 1;
      next();
    },
    jwksHandler(keyring),
  );
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    uri: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    fetches: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('RemoteJwks — keys from another server’s JWKS (RFC 7517 §5, RFC 9068 §4)', () => {
  let keyring: Keyring;
  let server: Awaited<ReturnType<typeof startJwksServer>>;

  beforeEach(async () => {
    keyring = await Keyring.generate('RS256');
    server = await startJwksServer(keyring);
  });

  afterEach(async () => {
    await server.close();
  });

  it('finds a key by kid and verifies a token with it', async () => {
    const remote = new RemoteJwks({ jwksUri: server.uri });
    const { claims } = await verifyJwt(tokenFor(keyring), remote, { issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    expect(claims.client_id).toBe('client-1');
  });

  it('parses a key once and serves it from cache afterwards', async () => {
    const remote = new RemoteJwks({ jwksUri: server.uri });
    const first = await remote.getVerificationKey(keyring.signingKey.kid, 'RS256');
    const second = await remote.getVerificationKey(keyring.signingKey.kid, 'RS256');
    expect(first?.key.type).toBe('public');
    expect(second?.key).toBe(first?.key);
    expect(server.fetches()).toBe(1);
  });

  it('follows a rotation: a kid not seen before triggers a refetch', async () => {
    const remote = new RemoteJwks({ jwksUri: server.uri });
    await remote.getVerificationKey(keyring.signingKey.kid, 'RS256');
    const next = await Keyring.generate('RS256');
    const kid = keyring.add({ alg: 'RS256', privateKey: next.signingKey.key }, { activate: true });
    const key = await remote.getVerificationKey(kid, 'RS256');
    expect(key?.kid).toBe(kid);
    expect(server.fetches()).toBe(2);
  });

  it('answers undefined for an unknown kid', async () => {
    const remote = new RemoteJwks({ jwksUri: server.uri });
    expect(await remote.getVerificationKey('no-such-kid', 'RS256')).toBeUndefined();
  });

  it('answers undefined for an alg that is not the JWK’s own or not allowed', async () => {
    const remote = new RemoteJwks({ jwksUri: server.uri, algorithms: ['RS256', 'ES256'] });
    expect(await remote.getVerificationKey(keyring.signingKey.kid, 'ES256')).toBeUndefined();
    expect(await remote.getVerificationKey(keyring.signingKey.kid, 'PS256')).toBeUndefined();
    expect(await remote.getVerificationKey(keyring.signingKey.kid, 'HS256')).toBeUndefined();
    expect(server.fetches()).toBe(1);
  });

  it('throws KeySourceUnavailableError when the JWKS cannot be fetched', async () => {
    const remote = new RemoteJwks({ jwksUri: server.uri });
    await server.close();
    await expect(remote.getVerificationKey(keyring.signingKey.kid, 'RS256')).rejects.toBeInstanceOf(KeySourceUnavailableError);
    server = await startJwksServer(keyring);
  });

  it('turns an unreachable JWKS into ERR_JWKS_UNAVAILABLE for verifyJwt', async () => {
    const remote = new RemoteJwks({ jwksUri: server.uri });
    await server.close();
    await expect(verifyJwt(tokenFor(keyring), remote, { audience: TEST_AUDIENCE })).rejects.toMatchObject({
      code: 'ERR_JWKS_UNAVAILABLE',
    });
    server = await startJwksServer(keyring);
  });
});

describe('RemoteJwks — options are checked at construction', () => {
  it('never accepts HS256', () => {
    expect(() => new RemoteJwks({ jwksUri: 'https://as.example/jwks', algorithms: ['HS256'] })).toThrow(/algorithms/);
  });

  it('allows RS256, PS256 and ES256 by default', () => {
    expect(new RemoteJwks({ jwksUri: 'https://as.example/jwks' }).algorithms()).toEqual(['RS256', 'PS256', 'ES256']);
  });

  it('refuses a jwksUri that is not a URL', () => {
    expect(() => new RemoteJwks({ jwksUri: 'not a url' })).toThrow(/jwksUri/);
  });

  it('refuses plain http to a non-loopback host unless allowInsecureHttp', () => {
    expect(() => new RemoteJwks({ jwksUri: 'http://as.example/jwks' })).toThrow(/https/);
    expect(() => new RemoteJwks({ jwksUri: 'http://as.example/jwks', allowInsecureHttp: true })).not.toThrow();
  });

  it('refuses a cacheMaxAge that is not a positive whole number', () => {
    expect(() => new RemoteJwks({ jwksUri: 'https://as.example/jwks', cacheMaxAge: -1 })).toThrow(/cacheMaxAge/);
  });
});
