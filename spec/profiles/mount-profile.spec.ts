/**
 * The profile registry and the example app's `mountProfile`: each profile's token endpoint at its
 * documented path (DESIGN.md, "Profiles"), its extras, and the bearer options it hands back.
 */
import express from 'express';
import request from 'supertest';
import { MemoryClientStore } from '../../lib/clients';
import { Keyring } from '../../lib/keys';
import { MemoryTokenStateStore } from '../../lib/lifecycle';
import type { ProfileName } from '../../lib/profiles';
import { PROFILE_NAMES, profiles } from '../../lib/profiles';
import { PROFILE_NAMES as EXAMPLE_APP_PROFILE_NAMES } from '../../example-app/config';
import { mountProfile } from '../../example-app/profiles';
import { API_AUDIENCE, TEST_ISSUER } from './harness';

let keys: Keyring;
beforeAll(async () => {
  keys = await Keyring.generate('RS256');
});

function mounted(name: ProfileName, withTokenState = true): ReturnType<typeof mountProfile> & { app: express.Express } {
  const app = express();
  const options = { clients: new MemoryClientStore(), keys, issuer: TEST_ISSUER, defaultAudience: [API_AUDIENCE] };
  const result = mountProfile(app, name, withTokenState ? { ...options, tokenState: new MemoryTokenStateStore() } : options);
  return { ...result, app };
}

describe('the profile registry', () => {
  it('holds one profile per name the example app’s PROFILE takes', () => {
    expect(Object.keys(profiles).sort()).toEqual([...PROFILE_NAMES].sort());
    expect([...EXAMPLE_APP_PROFILE_NAMES].sort()).toEqual([...PROFILE_NAMES].sort());
    for (const name of PROFILE_NAMES) expect(profiles[name].name).toBe(name);
  });

  it('puts each token endpoint at the path DESIGN.md documents', () => {
    expect(Object.fromEntries(PROFILE_NAMES.map((name) => [name, profiles[name].tokenPath]))).toEqual({
      oauth2: '/oauth2/token',
      'opencrvs-v1': '/token',
      'opencrvs-v2': '/auth/token',
      'g2p-connect': '/oauth2/client/token',
      aidbox: '/auth/token',
      'screening-eagle': '/api/id/v1/auth/token',
    });
  });

  it('freezes every profile, so no host can change a preset for all others', () => {
    const profile = profiles['screening-eagle'];
    expect(Object.isFrozen(profile)).toBe(true);
    expect(Object.isFrozen(profile.wire)).toBe(true);
    expect(Object.isFrozen(profile.wire.credentialCarriers)).toBe(true);
  });
});

describe('mountProfile', () => {
  it.each(PROFILE_NAMES.filter((name) => name !== 'oauth2'))('mounts the %s token endpoint at its path', async (name) => {
    const { app } = mounted(name);
    const res = await request(app).post(profiles[name].tokenPath).set('timestamp', 'Tue, 06 Mar 2020 21:00:00 GMT').type('form').send('');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('mounts nothing under oauth2: the app serves /oauth2/* itself', async () => {
    const { app, bearer } = mounted('oauth2');
    expect((await request(app).post('/oauth2/token').type('form').send('grant_type=client_credentials')).status).toBe(404);
    expect(Object.keys(bearer)).toEqual(['isRevoked']);
  });

  it('serves no revocation or introspection endpoint beside a profile’s token endpoint', async () => {
    const { app } = mounted('opencrvs-v1');
    expect((await request(app).post('/revoke')).status).toBe(404);
    expect((await request(app).post('/introspect')).status).toBe(404);
  });

  it('mounts Aidbox’s DELETE /Session', async () => {
    const { app } = mounted('aidbox');
    const res = await request(app).delete('/Session');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="aidbox"');
  });

  it('refuses to mount aidbox without token state, naming what DELETE /Session needs', () => {
    expect(() => mounted('aidbox', false)).toThrow(
      new TypeError('aidbox profile: DELETE /Session needs token state (a RevocationList, or a tokenState to build one)'),
    );
  });

  it('hands back the profile’s bearer options, with the revocation check when there is token state', () => {
    expect(mounted('opencrvs-v1').bearer).toEqual({ acceptedTypes: ['at+jwt', 'JWT'], isRevoked: expect.any(Function) });
    expect(mounted('screening-eagle', false).bearer).toEqual({ errorFormat: expect.any(Function) });
  });
});
