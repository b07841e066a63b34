import request from 'supertest';
import { Keyring } from '../../lib/keys';
import type { SigningAlgorithm } from '../../lib/keys';
import { basicAuth, registerClient, tokenTestApp, verifyWithJwks } from '../support/token-harness';

describe.each(['PS256', 'ES256', 'HS256'] as SigningAlgorithm[])('POST /oauth2/token — %s keyring', (alg) => {
  let keys: Keyring;
  beforeAll(async () => {
    keys = await Keyring.generate(alg);
  });

  it(`issues a token signed with ${alg}, typ at+jwt and the active kid`, async () => {
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store);
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(200);
    const { header, payload } = verifyWithJwks(res.body.access_token, keys);
    expect(header).toEqual({ alg, typ: 'at+jwt', kid: keys.signingKey.kid });
    expect(payload.client_id).toBe(client.clientId);
  });
});

describe('POST /oauth2/token — key rotation', () => {
  it('signs with the key that is active at the time of the request', async () => {
    const keys = await Keyring.generate('ES256');
    const { app, store } = tokenTestApp(keys);
    const client = await registerClient(store);
    const ask = () =>
      request(app)
        .post('/oauth2/token')
        .set('Authorization', basicAuth(client.clientId, client.secret))
        .type('form')
        .send('grant_type=client_credentials');
    const before = await ask();
    const next = (await Keyring.generate('ES256')).signingKey;
    const kid = keys.add({ alg: 'ES256', privateKey: next.key }, { activate: true });
    const after = await ask();
    expect(verifyWithJwks(before.body.access_token, keys).header.kid).not.toBe(kid);
    expect(verifyWithJwks(after.body.access_token, keys).header.kid).toBe(kid);
  });
});
