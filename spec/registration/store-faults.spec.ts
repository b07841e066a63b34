import request from 'supertest';
import { FaultInjectingClientStore } from '../support/token-fault-store';
import type { StoreFault } from '../support/token-fault-store';
import { registrationApp } from './harness';

describe('registration API — a host store that fails or hangs', () => {
  it.each<[StoreFault]>([['reject'], ['throw'], ['hang']])(
    'answers 503 temporarily_unavailable (never 500, never a hang) when the store %s, then recovers',
    async (fault) => {
      const store = new FaultInjectingClientStore();
      const { app, adminToken, hostErrors } = await registrationApp({ storeTimeoutMs: 200 }, store);
      store.fault = fault;
      const down = await request(app)
        .post('/oauth2/register')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ client_name: 'billing' });
      expect(down.status).toBe(503);
      expect(down.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
      expect(JSON.stringify(down.body)).not.toContain('hunter2');
      const read = await request(app).get('/oauth2/register/some-client').set('Authorization', `Bearer ${adminToken}`);
      expect(read.status).toBe(503);

      store.heal();
      const up = await request(app)
        .post('/oauth2/register')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ client_name: 'billing' });
      expect(up.status).toBe(201);
      expect(hostErrors).toEqual([]);
    },
  );

  it('refuses a storeTimeoutMs that is not a positive whole number', async () => {
    await expect(registrationApp({ storeTimeoutMs: 0 })).rejects.toThrow(/storeTimeoutMs/);
  });
});
