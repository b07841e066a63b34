/**
 * The ClientStore contract: what every adapter (memory, MongoDB) must do, as one suite that each
 * adapter's spec runs against a fresh store per test.
 */
import type { ClientRecord, ClientStore, NewClient } from '../../lib/clients';
import {
  DuplicateClientError,
  InvalidClientRecordError,
  generateClientSecret,
  hashGeneratedSecret,
  verifyClientSecret,
} from '../../lib/clients';

export type MakeStore = () => ClientStore | Promise<ClientStore>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function newClient(overrides: Partial<NewClient> = {}): NewClient {
  return { name: 'billing service', secretHash: hashGeneratedSecret(generateClientSecret()), ...overrides };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

async function invalidField(promise: Promise<unknown>): Promise<string> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(InvalidClientRecordError);
  expect((error as InvalidClientRecordError).code).toBe('ERR_INVALID_CLIENT_RECORD');
  return (error as InvalidClientRecordError).field;
}

/** Invalid new clients, each with the field the error must name. */
const INVALID_NEW_CLIENTS: [string, Record<string, unknown>, string][] = [
  ['a missing name', { name: undefined }, 'name'],
  ['an empty name', { name: '' }, 'name'],
  ['a blank name', { name: '   ' }, 'name'],
  ['a name over 200 characters', { name: 'x'.repeat(201) }, 'name'],
  ['a missing secretHash', { secretHash: undefined }, 'secretHash'],
  ['an empty secretHash', { secretHash: '' }, 'secretHash'],
  ['a secretHash that is not a string', { secretHash: 42 }, 'secretHash'],
  ['scopes that are not an array', { scopes: 'read write' }, 'scopes'],
  ['a scope with whitespace', { scopes: ['records:read write'] }, 'scopes'],
  ['an empty scope', { scopes: [''] }, 'scopes'],
  ['a scope that is not a string', { scopes: [7] }, 'scopes'],
  ['audiences that are not an array', { audiences: 'example-api' }, 'audiences'],
  ['an empty audience', { audiences: [''] }, 'audiences'],
  ['an unknown grant type', { grantTypes: ['password'] }, 'grantTypes'],
  ['no grant type at all', { grantTypes: [] }, 'grantTypes'],
  ['a zero access token lifetime', { accessTokenTtl: 0 }, 'accessTokenTtl'],
  ['a fractional access token lifetime', { accessTokenTtl: 1.5 }, 'accessTokenTtl'],
  ['a negative refresh token lifetime', { refreshTokenTtl: -60 }, 'refreshTokenTtl'],
  ['a string refresh token lifetime', { refreshTokenTtl: '3600' }, 'refreshTokenTtl'],
  ['a disabled flag that is not a boolean', { disabled: 'yes' }, 'disabled'],
  ['an empty clientId', { clientId: '' }, 'clientId'],
  ['a clientId with a space', { clientId: 'my client' }, 'clientId'],
  ['a clientId with non-ASCII characters', { clientId: 'clïent' }, 'clientId'],
  ['a clientId over 200 characters', { clientId: 'c'.repeat(201) }, 'clientId'],
];

/**
 * Defines the contract suite for one adapter.
 *
 * @example
 * describeClientStoreContract('MemoryClientStore', () => new MemoryClientStore());
 */
export function describeClientStoreContract(name: string, makeStore: MakeStore): void {
  describe(`${name} — ClientStore contract`, () => {
    let store: ClientStore;

    beforeEach(async () => {
      store = await makeStore();
    });

    describe('create', () => {
      it('assigns a random UUID client id, a database id, timestamps and the defaults', async () => {
        const created = await store.create(newClient());
        expect(created.clientId).toMatch(UUID);
        expect(typeof created.id).toBe('string');
        expect(created.id.length).toBeGreaterThan(0);
        expect(created.scopes).toEqual([]);
        expect(created.audiences).toEqual([]);
        expect(created.grantTypes).toEqual(['client_credentials']);
        expect(created.disabled).toBe(false);
        expect(created.createdAt).toBeInstanceOf(Date);
        expect(created.updatedAt.getTime()).toBe(created.createdAt.getTime());
      });

      it('gives every client its own client id and database id', async () => {
        const first = await store.create(newClient());
        const second = await store.create(newClient());
        expect(second.clientId).not.toBe(first.clientId);
        expect(second.id).not.toBe(first.id);
      });

      it('keeps a client id supplied from outside (an import)', async () => {
        const created = await store.create(newClient({ clientId: 'legacy-client:42' }));
        expect(created.clientId).toBe('legacy-client:42');
      });

      it('stores every field it is given', async () => {
        const input = newClient({
          scopes: ['records:read', 'disburse'],
          audiences: ['example-api', 'https://api.example.org/'],
          grantTypes: ['client_credentials', 'refresh_token'],
          accessTokenTtl: 300,
          refreshTokenTtl: 86_400,
        });
        const created = await store.create(input);
        expect(created).toMatchObject({
          name: input.name,
          secretHash: input.secretHash,
          scopes: ['records:read', 'disburse'],
          audiences: ['example-api', 'https://api.example.org/'],
          grantTypes: ['client_credentials', 'refresh_token'],
          accessTokenTtl: 300,
          refreshTokenTtl: 86_400,
        });
        expect(await store.findByClientId(created.clientId)).toEqual(created);
      });

      it('leaves unset optional properties absent rather than null', async () => {
        const created = await store.create(newClient());
        const found = await store.findByClientId(created.clientId);
        for (const record of [created, found]) {
          for (const optional of ['previousSecretHash', 'previousSecretExpiresAt', 'accessTokenTtl', 'refreshTokenTtl', 'lastUsedAt']) {
            expect(record).not.toHaveProperty(optional);
          }
          expect(Object.values(record!)).not.toContain(null);
          expect(Object.values(record!)).not.toContain(undefined);
        }
      });

      it('refuses a client id that is taken with DuplicateClientError', async () => {
        await store.create(newClient({ clientId: 'taken' }));
        const error = await rejection(store.create(newClient({ clientId: 'taken', name: 'impostor' })));
        expect(error).toBeInstanceOf(DuplicateClientError);
        expect((error as DuplicateClientError).code).toBe('ERR_DUPLICATE_CLIENT');
        expect((error as DuplicateClientError).clientId).toBe('taken');
        expect((await store.findByClientId('taken'))?.name).toBe('billing service');
      });

      it.each(INVALID_NEW_CLIENTS)('refuses %s, naming the field', async (_case, overrides, field) => {
        const input = { ...newClient(), ...overrides };
        expect(await invalidField(store.create(input))).toBe(field);
        expect((await store.list()).items).toEqual([]);
      });

      it('stores a disabled client and returns it as disabled', async () => {
        const created = await store.create(newClient({ disabled: true }));
        expect(created.disabled).toBe(true);
        expect((await store.findByClientId(created.clientId))?.disabled).toBe(true);
      });
    });

    describe('findByClientId', () => {
      it('returns null for an unknown client id', async () => {
        expect(await store.findByClientId('no-such-client')).toBeNull();
      });

      it('returns null for ids no client can have, including a query object', async () => {
        await store.create(newClient());
        expect(await store.findByClientId('')).toBeNull();
        expect(await store.findByClientId({ $ne: null } as unknown as string)).toBeNull();
        expect(await store.findByClientId('x'.repeat(5000))).toBeNull();
      });
    });

    describe('update', () => {
      it('changes the given properties, keeps the others and moves updatedAt', async () => {
        const created = await store.create(newClient({ scopes: ['records:read'], accessTokenTtl: 300 }));
        const updated = await store.update(created.clientId, { name: 'renamed', scopes: ['disburse'], disabled: true });
        expect(updated).toMatchObject({
          id: created.id,
          clientId: created.clientId,
          name: 'renamed',
          secretHash: created.secretHash,
          scopes: ['disburse'],
          accessTokenTtl: 300,
          disabled: true,
        });
        expect(updated!.createdAt).toEqual(created.createdAt);
        expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
        expect(await store.findByClientId(created.clientId)).toEqual(updated);
      });

      it('removes a property set to null', async () => {
        const created = await store.create(newClient({ accessTokenTtl: 300, refreshTokenTtl: 3600 }));
        const updated = await store.update(created.clientId, { accessTokenTtl: null });
        expect(updated).not.toHaveProperty('accessTokenTtl');
        expect(updated?.refreshTokenTtl).toBe(3600);
        const found = await store.findByClientId(created.clientId);
        expect(found).not.toHaveProperty('accessTokenTtl');
        expect(found?.refreshTokenTtl).toBe(3600);
      });

      it('returns null for an unknown client id and creates nothing', async () => {
        expect(await store.update('no-such-client', { name: 'ghost' })).toBeNull();
        expect((await store.list()).items).toEqual([]);
      });

      it('refuses invalid changes, naming the field, and changes nothing', async () => {
        const created = await store.create(newClient());
        expect(await invalidField(store.update(created.clientId, { name: '' }))).toBe('name');
        expect(await invalidField(store.update(created.clientId, { scopes: ['a b'] }))).toBe('scopes');
        expect(
          await invalidField(store.update(created.clientId, { grantTypes: ['implicit'] as unknown as ['client_credentials'] })),
        ).toBe('grantTypes');
        expect(await invalidField(store.update(created.clientId, { accessTokenTtl: 0 }))).toBe('accessTokenTtl');
        expect(
          await invalidField(store.update(created.clientId, { previousSecretExpiresAt: new Date('not a date') })),
        ).toBe('previousSecretExpiresAt');
        expect(await store.findByClientId(created.clientId)).toEqual(created);
      });

      it('refuses a previous secret hash without its expiry', async () => {
        const created = await store.create(newClient());
        const field = await invalidField(store.update(created.clientId, { previousSecretHash: created.secretHash }));
        expect(field).toBe('previousSecretExpiresAt');
      });
    });

    describe('delete', () => {
      it('deletes a client and says so', async () => {
        const created = await store.create(newClient());
        expect(await store.delete(created.clientId)).toBe(true);
        expect(await store.findByClientId(created.clientId)).toBeNull();
      });

      it('returns false when there is no such client', async () => {
        const created = await store.create(newClient());
        await store.delete(created.clientId);
        expect(await store.delete(created.clientId)).toBe(false);
        expect(await store.delete('no-such-client')).toBe(false);
      });

      it('frees the client id for a new client', async () => {
        await store.create(newClient({ clientId: 'recycled' }));
        await store.delete('recycled');
        const again = await store.create(newClient({ clientId: 'recycled', name: 'second life' }));
        expect(again.name).toBe('second life');
      });
    });

    describe('list', () => {
      it('returns an empty page without a cursor when there are no clients', async () => {
        expect(await store.list()).toEqual({ items: [] });
      });

      it('pages through every client once, in creation order', async () => {
        const created: ClientRecord[] = [];
        for (let i = 0; i < 7; i++) created.push(await store.create(newClient({ name: `client ${i}` })));

        const pages: ClientRecord[][] = [];
        let cursor: string | undefined;
        do {
          const page = await store.list(cursor === undefined ? { limit: 3 } : { limit: 3, cursor });
          pages.push(page.items);
          cursor = page.nextCursor;
        } while (cursor !== undefined);

        expect(pages.map((items) => items.length)).toEqual([3, 3, 1]);
        expect(pages.flat().map((client) => client.clientId)).toEqual(created.map((client) => client.clientId));
        expect(pages.flat()).toEqual(created);
      });

      it('gives no next cursor when the last page is exactly full', async () => {
        await store.create(newClient());
        await store.create(newClient());
        const page = await store.list({ limit: 2 });
        expect(page.items).toHaveLength(2);
        expect(page.nextCursor).toBeUndefined();
      });

      it('skips clients deleted since the cursor was issued', async () => {
        const [a, b, c] = [await store.create(newClient()), await store.create(newClient()), await store.create(newClient())];
        const first = await store.list({ limit: 1 });
        expect(first.items.map((client) => client.clientId)).toEqual([a.clientId]);
        await store.delete(b.clientId);
        const rest = await store.list({ limit: 10, cursor: first.nextCursor! });
        expect(rest.items.map((client) => client.clientId)).toEqual([c.clientId]);
      });

      it('refuses a page size outside 1 to 1000, naming limit', async () => {
        expect(await invalidField(store.list({ limit: 0 }))).toBe('limit');
        expect(await invalidField(store.list({ limit: 1001 }))).toBe('limit');
        expect(await invalidField(store.list({ limit: 2.5 }))).toBe('limit');
      });

      it('refuses a cursor it did not issue, naming cursor', async () => {
        expect(await invalidField(store.list({ cursor: 'not-a-cursor' }))).toBe('cursor');
        expect(await invalidField(store.list({ cursor: '' }))).toBe('cursor');
      });
    });

    describe('markUsed', () => {
      it('records the time of last use without touching updatedAt', async () => {
        const created = await store.create(newClient());
        const at = new Date('2030-01-02T03:04:05.678Z');
        await store.markUsed(created.clientId, at);
        const found = await store.findByClientId(created.clientId);
        expect(found?.lastUsedAt).toEqual(at);
        expect(found?.updatedAt).toEqual(created.updatedAt);
      });

      it('uses the current time when none is given', async () => {
        const created = await store.create(newClient());
        const before = Date.now();
        await store.markUsed(created.clientId);
        const after = Date.now();
        const usedAt = (await store.findByClientId(created.clientId))!.lastUsedAt!.getTime();
        expect(usedAt).toBeGreaterThanOrEqual(before);
        expect(usedAt).toBeLessThanOrEqual(after);
      });

      it('does nothing for an unknown client id', async () => {
        await expect(store.markUsed('no-such-client')).resolves.toBeUndefined();
        expect(await store.findByClientId('no-such-client')).toBeNull();
      });
    });

    describe('ping', () => {
      it('resolves while the store answers', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });

    describe('secret rotation', () => {
      it('accepts the previous secret until its expiry, and only the new one after', async () => {
        const oldSecret = generateClientSecret();
        const newSecret = generateClientSecret();
        const created = await store.create(newClient({ secretHash: hashGeneratedSecret(oldSecret) }));
        const expiresAt = new Date('2031-06-01T00:00:00.000Z');

        const rotated = await store.update(created.clientId, {
          secretHash: hashGeneratedSecret(newSecret),
          previousSecretHash: created.secretHash,
          previousSecretExpiresAt: expiresAt,
        });
        const client = (await store.findByClientId(created.clientId))!;
        expect(client).toEqual(rotated);
        expect(client.previousSecretExpiresAt).toEqual(expiresAt);

        const beforeExpiry = new Date(expiresAt.getTime() - 1);
        const atExpiry = new Date(expiresAt.getTime());
        expect(await verifyClientSecret(client, newSecret, beforeExpiry)).toBe(true);
        expect(await verifyClientSecret(client, oldSecret, beforeExpiry)).toBe(true);
        expect(await verifyClientSecret(client, oldSecret, atExpiry)).toBe(false);
        expect(await verifyClientSecret(client, newSecret, atExpiry)).toBe(true);
      });

      it('refuses the previous secret once it is removed', async () => {
        const oldSecret = generateClientSecret();
        const created = await store.create(newClient({ secretHash: hashGeneratedSecret(oldSecret) }));
        await store.update(created.clientId, {
          secretHash: hashGeneratedSecret(generateClientSecret()),
          previousSecretHash: created.secretHash,
          previousSecretExpiresAt: new Date(Date.now() + 3_600_000),
        });
        const removed = await store.update(created.clientId, { previousSecretHash: null, previousSecretExpiresAt: null });
        expect(removed).not.toHaveProperty('previousSecretHash');
        expect(removed).not.toHaveProperty('previousSecretExpiresAt');
        const client = (await store.findByClientId(created.clientId))!;
        expect(await verifyClientSecret(client, oldSecret)).toBe(false);
      });
    });

    describe('records are not mutable from outside', () => {
      it('a returned record can be changed without changing the stored one', async () => {
        const created = await store.create(newClient({ scopes: ['records:read'], audiences: ['example-api'] }));
        const snapshot = structuredClone(created);
        const found = (await store.findByClientId(created.clientId))!;
        for (const record of [created, found]) {
          record.name = 'tampered';
          record.disabled = true;
          record.scopes.push('clients:admin');
          record.audiences.length = 0;
          record.grantTypes.push('refresh_token');
          record.createdAt.setTime(0);
          record.updatedAt.setTime(0);
        }
        expect(await store.findByClientId(created.clientId)).toEqual(snapshot);
      });

      it('changing the object given to create afterwards changes nothing stored', async () => {
        const input = newClient({ scopes: ['records:read'], audiences: ['example-api'], grantTypes: ['client_credentials'] });
        const created = await store.create(input);
        const snapshot = structuredClone(created);
        input.name = 'tampered';
        input.scopes!.push('clients:admin');
        input.audiences!.push('evil');
        input.grantTypes!.push('refresh_token');
        expect(await store.findByClientId(created.clientId)).toEqual(snapshot);
      });

      it('changing the object given to update afterwards changes nothing stored', async () => {
        const created = await store.create(newClient());
        const expiresAt = new Date('2031-01-01T00:00:00.000Z');
        const changes = { scopes: ['records:read'], previousSecretHash: created.secretHash, previousSecretExpiresAt: expiresAt };
        const updated = await store.update(created.clientId, changes);
        const snapshot = structuredClone(updated);
        changes.scopes.push('clients:admin');
        expiresAt.setTime(Date.now() + 10 * 365 * 86_400_000);
        updated!.previousSecretExpiresAt!.setTime(0);
        expect(await store.findByClientId(created.clientId)).toEqual(snapshot);
      });

      it('records in a listed page can be changed without changing the stored ones', async () => {
        const created = await store.create(newClient({ scopes: ['records:read'] }));
        const page = await store.list();
        page.items[0]!.scopes.push('clients:admin');
        page.items[0]!.name = 'tampered';
        expect(await store.findByClientId(created.clientId)).toEqual(created);
      });
    });
  });
}
