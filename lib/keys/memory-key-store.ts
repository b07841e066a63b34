/**
 * The embedded `KeyStore`: a map in this process (shared by every keyring synced from the same
 * instance; not across processes — use `MongoKeyStore` for that). Records are copied in and out.
 */
import type { KeyStore, StoredSigningKey, StoredSigningKeyUpdate } from './key-store';
import { KeyStoreError } from './key-store';

function copy(key: StoredSigningKey): StoredSigningKey {
  return structuredClone(key);
}

/**
 * @example
 * const store = new MemoryKeyStore();
 * const sync = await KeyringSync.open({ store });
 */
export class MemoryKeyStore implements KeyStore {
  private readonly keys = new Map<string, StoredSigningKey>();

  list(now = new Date()): Promise<StoredSigningKey[]> {
    const live = [...this.keys.values()].filter((key) => key.retireAt === undefined || key.retireAt > now);
    for (const key of this.keys.values()) if (key.retireAt !== undefined && key.retireAt <= now) this.keys.delete(key.kid);
    return Promise.resolve(live.map(copy));
  }

  add(key: StoredSigningKey): Promise<void> {
    if (this.keys.has(key.kid)) return Promise.reject(new KeyStoreError('ERR_KEY_EXISTS', `a key with kid ${key.kid} already exists`));
    this.keys.set(key.kid, copy(key));
    return Promise.resolve();
  }

  update(kid: string, changes: StoredSigningKeyUpdate): Promise<boolean> {
    const key = this.keys.get(kid);
    if (!key) return Promise.resolve(false);
    if (changes.activateAt === null) delete key.activateAt;
    else if (changes.activateAt !== undefined) key.activateAt = new Date(changes.activateAt);
    if (changes.retireAt === null) delete key.retireAt;
    else if (changes.retireAt !== undefined) key.retireAt = new Date(changes.retireAt);
    return Promise.resolve(true);
  }
}
