/**
 * The embedded client registry: a `ClientStore` kept in this process's memory.
 *
 * The default store when no MongoDB is configured, and the reference the Mongo adapter is tested
 * against (same contract, same validation from `./validate`). Copy-on-write and copy-on-read:
 * it stores its own copy of what it is given and returns a fresh copy on every read, so no
 * caller can change a stored record (or its arrays and dates) except through the port.
 * Records are lost when the process exits.
 */
import crypto from 'node:crypto';
import type { ClientPage, ClientRecord, ClientStore, ClientUpdate, ListOptions, NewClient } from './client-store';
import { DuplicateClientError, InvalidClientRecordError } from './errors';
import {
  isPossibleClientId,
  validateClientUpdate,
  validateListOptions,
  validateNewClient,
  validateUsedAt,
} from './validate';

export interface MemoryClientStoreOptions {
  /** The clock used for `createdAt`, `updatedAt` and a default `markUsed` time; `() => new Date()` by default. */
  now?: () => Date;
}

interface Entry {
  /** Creation order, the key of the `list` cursor. */
  sequence: number;
  record: ClientRecord;
}

const CURSOR_PREFIX = 'mem1:';

/**
 * An in-memory `ClientStore`.
 *
 * @example
 * const store = new MemoryClientStore();
 * const client = await store.create({ name: 'billing', secretHash: hashGeneratedSecret(secret), scopes: ['disburse'] });
 * await store.findByClientId(client.clientId); // a copy of the record
 */
export class MemoryClientStore implements ClientStore {
  private readonly entries = new Map<string, Entry>();
  private nextSequence = 1;
  private readonly now: () => Date;

  constructor(options: MemoryClientStoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
  }

  findByClientId(clientId: string): Promise<ClientRecord | null> {
    return this.run(() => {
      const entry = this.entry(clientId);
      return entry ? copyRecord(entry.record) : null;
    });
  }

  create(client: NewClient): Promise<ClientRecord> {
    return this.run(() => {
      const valid = validateNewClient(client);
      const clientId = valid.clientId ?? crypto.randomUUID();
      if (this.entries.has(clientId)) throw new DuplicateClientError(clientId);
      const now = this.timestamp();
      const record: ClientRecord = {
        id: crypto.randomBytes(12).toString('hex'),
        clientId,
        name: valid.name,
        secretHash: valid.secretHash,
        scopes: valid.scopes,
        audiences: valid.audiences,
        grantTypes: valid.grantTypes,
        disabled: valid.disabled,
        createdAt: now,
        updatedAt: new Date(now.getTime()),
      };
      if (valid.accessTokenTtl !== undefined) record.accessTokenTtl = valid.accessTokenTtl;
      if (valid.refreshTokenTtl !== undefined) record.refreshTokenTtl = valid.refreshTokenTtl;
      this.entries.set(clientId, { sequence: this.nextSequence++, record });
      return copyRecord(record);
    });
  }

  update(clientId: string, changes: ClientUpdate): Promise<ClientRecord | null> {
    return this.run(() => {
      const { set, unset } = validateClientUpdate(changes);
      const entry = this.entry(clientId);
      if (!entry) return null;
      const record: ClientRecord = { ...copyRecord(entry.record), ...set, updatedAt: this.timestamp() };
      for (const field of unset) delete record[field];
      entry.record = record;
      return copyRecord(record);
    });
  }

  delete(clientId: string): Promise<boolean> {
    return this.run(() => (this.entry(clientId) ? this.entries.delete(clientId) : false));
  }

  list(options?: ListOptions): Promise<ClientPage> {
    return this.run(() => {
      const { limit, cursor } = validateListOptions(options);
      const after = cursor === undefined ? 0 : decodeCursor(cursor);
      // A Map iterates in insertion order, which is creation order: updates never re-insert.
      const page: Entry[] = [];
      for (const entry of this.entries.values()) {
        if (entry.sequence <= after) continue;
        page.push(entry);
        if (page.length > limit) break;
      }
      const items = page.slice(0, limit);
      const last = items[items.length - 1];
      const result: ClientPage = { items: items.map((entry) => copyRecord(entry.record)) };
      if (page.length > limit && last) result.nextCursor = encodeCursor(last.sequence);
      return result;
    });
  }

  markUsed(clientId: string, at?: Date): Promise<void> {
    return this.run(() => {
      const usedAt = validateUsedAt(at, this.now);
      const entry = this.entry(clientId);
      if (entry) entry.record = { ...copyRecord(entry.record), lastUsedAt: usedAt };
    });
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  private entry(clientId: string): Entry | undefined {
    return isPossibleClientId(clientId) ? this.entries.get(clientId) : undefined;
  }

  private timestamp(): Date {
    return new Date(this.now().getTime());
  }

  /** Runs a synchronous operation as the port's async one: a throw becomes a rejection. */
  private run<T>(operation: () => T): Promise<T> {
    try {
      return Promise.resolve(operation());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/** A deep copy: fresh arrays and dates, and no optional property that is not set. */
function copyRecord(record: ClientRecord): ClientRecord {
  const copy: ClientRecord = {
    id: record.id,
    clientId: record.clientId,
    name: record.name,
    secretHash: record.secretHash,
    scopes: [...record.scopes],
    audiences: [...record.audiences],
    grantTypes: [...record.grantTypes],
    disabled: record.disabled,
    createdAt: new Date(record.createdAt.getTime()),
    updatedAt: new Date(record.updatedAt.getTime()),
  };
  if (record.previousSecretHash !== undefined) copy.previousSecretHash = record.previousSecretHash;
  if (record.previousSecretExpiresAt !== undefined) {
    copy.previousSecretExpiresAt = new Date(record.previousSecretExpiresAt.getTime());
  }
  if (record.accessTokenTtl !== undefined) copy.accessTokenTtl = record.accessTokenTtl;
  if (record.refreshTokenTtl !== undefined) copy.refreshTokenTtl = record.refreshTokenTtl;
  if (record.lastUsedAt !== undefined) copy.lastUsedAt = new Date(record.lastUsedAt.getTime());
  return copy;
}

function encodeCursor(sequence: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${sequence}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const sequence = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(sequence) || sequence < 1) {
    throw new InvalidClientRecordError('cursor', 'must be the nextCursor of a previous page');
  }
  return sequence;
}
