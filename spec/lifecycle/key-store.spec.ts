import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { StoreUnavailableError } from '../../lib/clients/errors';
import type { KeyStore, StoredSigningKey } from '../../lib/keys';
import {
  activeStoredKey,
  generateSigningKey,
  KeyStoreError,
  MemoryKeyStore,
  MongoKeyStore,
  openPrivateKey,
  parseKeyEncryptionKey,
  privateJwkOf,
  sealPrivateKey,
  storedKeyAdministration,
} from '../../lib/keys';
import { describeWithMongo } from '../support/mongo';

const KEK = randomBytes(32);
const at = new Date('2026-11-25T12:00:00Z');
const later = (ms: number): Date => new Date(at.getTime() + ms);

async function storedKey(kid: string, fields: Partial<StoredSigningKey> = {}): Promise<StoredSigningKey> {
  return { kid, alg: 'ES256', privateJwk: privateJwkOf(await generateSigningKey('ES256')), createdAt: at, ...fields };
}

function describeKeyStoreContract(name: string, makeStore: () => KeyStore): void {
  describe(`${name} — KeyStore contract`, () => {
    let store: KeyStore;
    beforeEach(() => {
      store = makeStore();
    });

    it('returns what was added, private key included, and refuses a duplicate kid', async () => {
      const key = await storedKey('k1', { activateAt: at });
      await store.add(key);
      expect(await store.list(at)).toEqual([key]);
      await expect(store.add(key)).rejects.toMatchObject({ code: 'ERR_KEY_EXISTS' });
    });

    it('sets and clears dates, and answers false for an unknown kid', async () => {
      await store.add(await storedKey('k1'));
      expect(await store.update('k1', { activateAt: later(10), retireAt: later(1000) })).toBe(true);
      expect((await store.list(at))[0]).toMatchObject({ activateAt: later(10), retireAt: later(1000) });
      await store.update('k1', { retireAt: null });
      expect((await store.list(at))[0]?.retireAt).toBeUndefined();
      expect(await store.update('nope', { retireAt: at })).toBe(false);
    });

    it('stops listing a key once its retirement has come', async () => {
      await store.add(await storedKey('old', { retireAt: later(1000) }));
      await store.add(await storedKey('new'));
      expect((await store.list(at)).map((key) => key.kid)).toEqual(['old', 'new']);
      expect((await store.list(later(1000))).map((key) => key.kid)).toEqual(['new']);
    });

    it('does not let a caller change what is stored through a returned record', async () => {
      await store.add(await storedKey('k1'));
      const [listed] = await store.list(at);
      if (listed) listed.alg = 'HS256';
      expect((await store.list(at))[0]?.alg).toBe('ES256');
    });
  });
}

describeKeyStoreContract('MemoryKeyStore', () => new MemoryKeyStore());

describeWithMongo('MongoKeyStore on a real MongoDB', (mongo) => {
  describeKeyStoreContract('MongoKeyStore', () => new MongoKeyStore(mongo.connection(), { keyEncryptionKey: KEK, collection: mongo.freshCollection() }));

  it('keeps private keys encrypted at rest', async () => {
    const collection = mongo.freshCollection();
    const store = new MongoKeyStore(mongo.connection(), { keyEncryptionKey: KEK, collection });
    const key = await storedKey('k1');
    await store.add(key);
    const raw = JSON.stringify(await mongo.connection().collection(collection).find().toArray());
    expect(raw).not.toContain(String(key.privateJwk.d));
    expect(raw).toContain('A256GCM.v1.');
  });

  it('creates a TTL index on retireAt', async () => {
    const collection = mongo.freshCollection();
    await new MongoKeyStore(mongo.connection(), { keyEncryptionKey: KEK, collection }).ensureIndexes();
    const indexes = await mongo.connection().collection(collection).indexes();
    expect(indexes.find((index) => index.key.retireAt === 1)?.expireAfterSeconds).toBe(0);
  });
});

describe('MongoKeyStore without a key-encryption key or a server', () => {
  it('refuses to store a private key in plaintext', async () => {
    const connection = mongoose.createConnection();
    const store = new MongoKeyStore(connection);
    await expect(store.add(await storedKey('k1'))).rejects.toMatchObject({ code: 'ERR_KEY_PLAINTEXT_REFUSED' });
    await connection.close();
  });

  it('answers StoreUnavailableError, not a hang, when its connection is not open', async () => {
    const connection = mongoose.createConnection();
    const store = new MongoKeyStore(connection, { keyEncryptionKey: KEK });
    await expect(store.list()).rejects.toBeInstanceOf(StoreUnavailableError);
    await connection.close();
  });

  it('refuses a key-encryption key that is not 32 bytes', () => {
    expect(() => new MongoKeyStore(mongoose.createConnection(), { keyEncryptionKey: 'short' })).toThrow('32 bytes');
  });
});

describe('private keys at rest — AES-256-GCM under the key-encryption key', () => {
  it('opens what it sealed, with the same key and kid only', async () => {
    const jwk = privateJwkOf(await generateSigningKey('RS256'));
    const sealed = sealPrivateKey(jwk, KEK, 'kid-1');
    expect(sealed).not.toContain(String(jwk.d));
    expect(openPrivateKey(sealed, KEK, 'kid-1')).toEqual(jwk);
    expect(() => openPrivateKey(sealed, randomBytes(32), 'kid-1')).toThrow(KeyStoreError);
    expect(() => openPrivateKey(sealed, KEK, 'kid-2')).toThrow('cannot be decrypted');
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}A`;
    expect(() => openPrivateKey(tampered, KEK, 'kid-1')).toThrow(KeyStoreError);
  });

  it('seals the same key differently each time (a fresh IV)', async () => {
    const jwk = privateJwkOf(await generateSigningKey('ES256'));
    expect(sealPrivateKey(jwk, KEK, 'k')).not.toBe(sealPrivateKey(jwk, KEK, 'k'));
  });

  it('reads a key-encryption key as hex or base64, and names no value in its error', () => {
    expect(parseKeyEncryptionKey(KEK.toString('hex'))).toEqual(KEK);
    expect(parseKeyEncryptionKey(KEK.toString('base64'))).toEqual(KEK);
    expect(parseKeyEncryptionKey(KEK.toString('base64url'))).toEqual(KEK);
    expect(() => parseKeyEncryptionKey('c2VjcmV0')).toThrow(/^(?!.*c2VjcmV0)/);
  });
});

describe('storedKeyAdministration — rotation on a shared store', () => {
  it('publishes a new signer first and activates it after the activation delay', async () => {
    let now = at.getTime();
    const store = new MemoryKeyStore();
    await store.add(await storedKey('first', { activateAt: at }));
    const admin = storedKeyAdministration(store, { now: () => now, activationDelayMs: 10_000, retireAfterSeconds: 600 });

    const { added, retiring } = await admin.rotate();

    expect(added).toMatchObject({ alg: 'ES256', status: 'pending', activateAt: later(10_000) });
    expect(retiring).toEqual([{ kid: 'first', alg: 'ES256', status: 'active', activateAt: at, retireAt: later(610_000) }]);
    expect(activeStoredKey(await store.list(new Date(now)), new Date(now))?.kid).toBe('first');
    now += 10_000;
    expect(activeStoredKey(await store.list(new Date(now)), new Date(now))?.kid).toBe(added.kid);
    expect((await admin.list()).map((key) => key.status)).toEqual(['retiring', 'active']);
  });

  it('refuses to retire the signer, or the key about to become it', async () => {
    const store = new MemoryKeyStore();
    await store.add(await storedKey('first', { activateAt: at }));
    const admin = storedKeyAdministration(store, { now: () => at.getTime() });
    await expect(admin.retire('first')).rejects.toMatchObject({ code: 'ERR_KEY_ACTIVE' });
    const { added } = await admin.rotate();
    await expect(admin.retire(added.kid)).rejects.toMatchObject({ code: 'ERR_KEY_ACTIVE' });
    await expect(admin.retire('nope')).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
  });

  it('cancels a scheduled retirement when a retiring key is activated again', async () => {
    let now = at.getTime();
    const store = new MemoryKeyStore();
    await store.add(await storedKey('first', { activateAt: at }));
    const admin = storedKeyAdministration(store, { now: () => now, activationDelayMs: 0 });
    await admin.rotate();
    now += 1000;
    const again = await admin.activate('first');
    expect(again).toMatchObject({ kid: 'first', status: 'active' });
    expect(again.retireAt).toBeUndefined();
  });
});
