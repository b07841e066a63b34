import { MemoryClientStore, hashGeneratedSecret, generateClientSecret } from '../../lib/clients';
import { describeClientStoreContract } from './client-store.contract';

describeClientStoreContract('MemoryClientStore', () => new MemoryClientStore());

describe('MemoryClientStore — options', () => {
  it('stamps createdAt, updatedAt and a default lastUsedAt with the clock it is given', async () => {
    let now = new Date('2030-01-01T00:00:00.000Z');
    const store = new MemoryClientStore({ now: () => now });
    const created = await store.create({ name: 'clocked', secretHash: hashGeneratedSecret(generateClientSecret()) });
    expect(created.createdAt).toEqual(new Date('2030-01-01T00:00:00.000Z'));

    now = new Date('2030-01-02T00:00:00.000Z');
    const updated = await store.update(created.clientId, { name: 'renamed' });
    expect(updated?.createdAt).toEqual(new Date('2030-01-01T00:00:00.000Z'));
    expect(updated?.updatedAt).toEqual(new Date('2030-01-02T00:00:00.000Z'));

    await store.markUsed(created.clientId);
    expect((await store.findByClientId(created.clientId))?.lastUsedAt).toEqual(new Date('2030-01-02T00:00:00.000Z'));
  });

  it('keeps no reference to the Date its clock returns', async () => {
    const now = new Date('2030-01-01T00:00:00.000Z');
    const store = new MemoryClientStore({ now: () => now });
    const created = await store.create({ name: 'clocked', secretHash: hashGeneratedSecret(generateClientSecret()) });
    now.setTime(0);
    expect((await store.findByClientId(created.clientId))?.createdAt).toEqual(new Date('2030-01-01T00:00:00.000Z'));
  });

  it('gives each client a 24-hex database id', async () => {
    const store = new MemoryClientStore();
    const created = await store.create({ name: 'hex', secretHash: hashGeneratedSecret(generateClientSecret()) });
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);
  });
});
