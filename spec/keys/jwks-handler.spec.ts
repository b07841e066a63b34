import express from 'express';
import request from 'supertest';
import { Keyring } from '../../lib/keys/keyring';
import { jwksHandler } from '../../lib/keys/jwks-handler';

function appServing(keyring: Keyring, maxAgeSeconds?: number) {
  const app = express();
  app.get('/.well-known/jwks.json', jwksHandler(keyring, maxAgeSeconds === undefined ? {} : { maxAgeSeconds }));
  return app;
}

describe('GET /.well-known/jwks.json — RFC 7517 §5', () => {
  let keyring: Keyring;
  beforeAll(async () => {
    keyring = await Keyring.generate('RS256');
  });

  it('serves the public keys as application/json', async () => {
    const res = await request(appServing(keyring)).get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual(keyring.jwks());
    expect(res.body.keys[0]).not.toHaveProperty('d');
  });

  it('lets caches keep it for 300 s by default', async () => {
    const res = await request(appServing(keyring)).get('/.well-known/jwks.json');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
  });

  it('takes another max-age', async () => {
    const res = await request(appServing(keyring, 60)).get('/.well-known/jwks.json');
    expect(res.headers['cache-control']).toBe('public, max-age=60');
  });

  it('shows a rotated key at once', async () => {
    const ring = await Keyring.generate('ES256');
    const app = appServing(ring);
    const kid = ring.add({ alg: 'ES256', privateKey: (await Keyring.generate('ES256')).signingKey.key }, { activate: true });
    const res = await request(app).get('/.well-known/jwks.json');
    const kids = (res.body as { keys: { kid: string }[] }).keys.map((key) => key.kid);
    expect(kids).toContain(kid);
  });

  it('refuses a negative max-age at construction', () => {
    expect(() => jwksHandler(keyring, { maxAgeSeconds: -1 })).toThrow(RangeError);
  });
});
