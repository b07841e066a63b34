/**
 * Key rotation as operations (RFC 7517 keys, `kid` per RFC 7515 §4.1.4): list, add (optionally
 * as the signer), activate, retire after the longest token lifetime, and rotate (all three at
 * once). Two implementations behind one interface: `keyringAdministration` changes one process's
 * `Keyring` directly; `storedKeyAdministration` changes a shared `KeyStore`, which every instance's
 * `KeyringSync` follows (and which the CLI uses). The admin HTTP routes and the CLI call these.
 *
 * A replaced key is never removed at once: it keeps verifying for `retireAfterSeconds` (the
 * longest access-token lifetime plus clock tolerance) so every token it signed stays valid, and
 * the JWKS keeps listing it until then.
 */
import type { Keyring, KeyringEntryDescription } from './keyring';
import type { KeyStore, StoredSigningKey } from './key-store';
import { activatesAfter, activeStoredKey } from './key-store';
import { generateSigningKey, privateJwkOf } from './generate-key';
import { keyThumbprint } from './thumbprint';
import type { SigningAlgorithm } from './types';
import { SIGNING_ALGORITHMS } from './types';
import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** `active`: signs now; `pending`: will sign from `activateAt`; `verifying`: verifies only; `retiring`: verifies until `retireAt`. */
export type KeyStatus = 'active' | 'pending' | 'verifying' | 'retiring';

/** A key as the admin API and the CLI show it: never key material. */
export interface KeyDescription {
  kid: string;
  alg: SigningAlgorithm;
  status: KeyStatus;
  activateAt?: Date;
  retireAt?: Date;
}

export interface AddKeyRequest {
  /** The algorithm; the active key's by default (`RS256` for an empty store). */
  alg?: SigningAlgorithm;
  /** Make it the signer (a stored key: after the activation delay). */
  activate?: boolean;
}

export interface RotationResult {
  /** The new signer. */
  added: KeyDescription;
  /** The keys it replaces, now scheduled for retirement. */
  retiring: KeyDescription[];
}

export interface KeyAdministration {
  list(): Promise<KeyDescription[]>;
  add(request?: AddKeyRequest): Promise<KeyDescription>;
  activate(kid: string): Promise<KeyDescription>;
  /** Schedules retirement at `at`, by default after `retireAfterSeconds`; the signer cannot be retired. */
  retire(kid: string, options?: { at?: Date }): Promise<KeyDescription>;
  /** Adds a key as the signer and schedules the retirement of the keys it replaces. */
  rotate(request?: Omit<AddKeyRequest, 'activate'>): Promise<RotationResult>;
}

export type KeyAdministrationErrorCode = 'ERR_KEY_NOT_FOUND' | 'ERR_KEY_ACTIVE' | 'ERR_KEY_ALG' | 'ERR_KEY_CANNOT_SIGN';

/** A refused key operation; `code` is stable, the message names the kid, never key material. */
export class KeyAdministrationError extends Error {
  constructor(
    readonly code: KeyAdministrationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KeyAdministrationError';
  }
}

export interface KeyLifetimeOptions {
  /** Seconds a replaced key keeps verifying; 86460 (the default longest access-token lifetime, 1 day, plus 60 s) by default. */
  retireAfterSeconds?: number;
  /** Milliseconds since the epoch; `Date.now` by default. */
  now?: () => number;
}

export interface StoredKeyAdministrationOptions extends KeyLifetimeOptions {
  /**
   * How long a new signer is published before it signs (ms), so every instance syncing from the
   * store knows it before its first token: at least the instances' poll interval. 10000 by default.
   */
  activationDelayMs?: number;
}

export const DEFAULT_RETIRE_AFTER_SECONDS = 86_460;
export const DEFAULT_ACTIVATION_DELAY_MS = 10_000;
const ALGORITHMS: readonly SigningAlgorithm[] = SIGNING_ALGORITHMS;

function checkAlg(alg: unknown): SigningAlgorithm {
  const found = ALGORITHMS.find((known) => known === alg);
  if (!found) throw new KeyAdministrationError('ERR_KEY_ALG', `alg must be one of ${ALGORITHMS.join(', ')}`);
  return found;
}

function checkSeconds(name: string, value: number | undefined, fallback: number, min: number): number {
  const result = value ?? fallback;
  if (!Number.isSafeInteger(result) || result < min) throw new TypeError(`${name} must be a whole number of at least ${min}`);
  return result;
}

function kidOf(key: KeyObject): string {
  return keyThumbprint(key.type === 'private' ? createPublicKey(key) : key);
}

function notFound(kid: string): KeyAdministrationError {
  return new KeyAdministrationError('ERR_KEY_NOT_FOUND', `no key with kid ${JSON.stringify(kid)}`);
}

function describeEntry(entry: KeyringEntryDescription): KeyDescription {
  const description: KeyDescription = {
    kid: entry.kid,
    alg: entry.alg,
    status: entry.active ? 'active' : entry.retireAt ? 'retiring' : 'verifying',
  };
  if (entry.retireAt) description.retireAt = entry.retireAt;
  return description;
}

/**
 * Key operations on one process's keyring (no shared store).
 *
 * @example
 * const admin = keyringAdministration(keyring, { retireAfterSeconds: 600 + 60 });
 * await admin.rotate(); // a new signer; the old key verifies 11 more minutes, then is gone
 */
export function keyringAdministration(keyring: Keyring, options: KeyLifetimeOptions = {}): KeyAdministration {
  const retireAfterMs = checkSeconds('retireAfterSeconds', options.retireAfterSeconds, DEFAULT_RETIRE_AFTER_SECONDS, 0) * 1000;
  const now = options.now ?? Date.now;

  function describe(kid: string): KeyDescription {
    const entry = keyring.describe().find((candidate) => candidate.kid === kid);
    if (!entry) throw notFound(kid);
    return describeEntry(entry);
  }

  async function add(request: AddKeyRequest = {}): Promise<KeyDescription> {
    const alg = checkAlg(request.alg ?? keyring.signingKey.alg);
    const kid = keyring.add({ alg, privateKey: await generateSigningKey(alg) }, { activate: request.activate === true });
    return describe(kid);
  }

  function retire(kid: string, at: Date | undefined): KeyDescription {
    const entry = keyring.describe().find((candidate) => candidate.kid === kid);
    if (!entry) throw notFound(kid);
    if (entry.active) throw new KeyAdministrationError('ERR_KEY_ACTIVE', 'the active signing key cannot be retired: activate another key first');
    keyring.retire(kid, { at: at ?? new Date(now() + retireAfterMs) });
    return keyring.describe().some((candidate) => candidate.kid === kid) ? describe(kid) : { ...describeEntry(entry), status: 'retiring', retireAt: new Date(now()) };
  }

  return {
    list: () => Promise.resolve(keyring.describe().map(describeEntry)),
    add,
    activate(kid) {
      const entry = keyring.describe().find((candidate) => candidate.kid === kid);
      if (!entry) return Promise.reject(notFound(kid));
      if (!entry.canSign) return Promise.reject(new KeyAdministrationError('ERR_KEY_CANNOT_SIGN', `the key ${kid} has no private key`));
      keyring.activate(kid);
      return Promise.resolve(describe(kid));
    },
    retire(kid, retireOptions = {}) {
      try {
        return Promise.resolve(retire(kid, retireOptions.at));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    async rotate(request = {}) {
      const previous = keyring.activeKeyId;
      const added = await add({ ...request, activate: true });
      return { added, retiring: [retire(previous, undefined)] };
    },
  };
}

/**
 * Key operations on a shared key store (for `KeyringSync` and the CLI). A new signer is published
 * at once and signs after `activationDelayMs`.
 *
 * @example
 * const admin = storedKeyAdministration(new MongoKeyStore(connection, { keyEncryptionKey }), { retireAfterSeconds: 86460 });
 * const { added, retiring } = await admin.rotate({ alg: 'ES256' });
 */
export function storedKeyAdministration(store: KeyStore, options: StoredKeyAdministrationOptions = {}): KeyAdministration {
  const retireAfterMs = checkSeconds('retireAfterSeconds', options.retireAfterSeconds, DEFAULT_RETIRE_AFTER_SECONDS, 0) * 1000;
  const activationDelayMs = checkSeconds('activationDelayMs', options.activationDelayMs, DEFAULT_ACTIVATION_DELAY_MS, 0);
  const now = options.now ?? Date.now;

  function describe(key: StoredSigningKey, keys: readonly StoredSigningKey[], at: Date): KeyDescription {
    const active = activeStoredKey(keys, at);
    const status: KeyStatus =
      active?.kid === key.kid
        ? 'active'
        : key.activateAt !== undefined && key.activateAt > at
          ? 'pending'
          : key.retireAt !== undefined
            ? 'retiring'
            : 'verifying';
    const description: KeyDescription = { kid: key.kid, alg: key.alg, status };
    if (key.activateAt) description.activateAt = key.activateAt;
    if (key.retireAt) description.retireAt = key.retireAt;
    return description;
  }

  async function find(kid: string): Promise<{ key: StoredSigningKey; keys: StoredSigningKey[]; at: Date }> {
    const at = new Date(now());
    const keys = await store.list(at);
    const key = keys.find((candidate) => candidate.kid === kid);
    if (!key) throw notFound(kid);
    return { key, keys, at };
  }

  /** The signer now or the one already scheduled to take over: the latest `activateAt` of all. */
  function latestSigner(keys: readonly StoredSigningKey[]): StoredSigningKey | undefined {
    let latest: StoredSigningKey | undefined;
    for (const key of keys) {
      if (key.activateAt !== undefined && (!latest || activatesAfter(key, latest))) latest = key;
    }
    return latest;
  }

  /**
   * `earliest`, but never before the latest activation already stored: a newer activation always
   * wins, even when a clock lags (a tie goes to the newer key, `activatesAfter`).
   */
  function activationTime(keys: readonly StoredSigningKey[], earliest: number, { strictlyLater = false } = {}): Date {
    const latest = latestSigner(keys)?.activateAt?.getTime();
    if (latest === undefined || latest < earliest) return new Date(earliest);
    return new Date(strictlyLater ? latest + 1 : latest);
  }

  async function describeKid(kid: string): Promise<KeyDescription> {
    const { key, keys, at } = await find(kid);
    return describe(key, keys, at);
  }

  async function add(request: AddKeyRequest = {}): Promise<{ key: StoredSigningKey; before: StoredSigningKey[] }> {
    const at = new Date(now());
    const before = await store.list(at);
    const alg = checkAlg(request.alg ?? activeStoredKey(before, at)?.alg ?? 'RS256');
    const privateKey = await generateSigningKey(alg);
    // Strictly newer than every stored key, so a tie on activateAt goes to this one.
    const newest = Math.max(at.getTime(), ...before.map((stored) => stored.createdAt.getTime() + 1));
    const key: StoredSigningKey = { kid: kidOf(privateKey), alg, privateJwk: privateJwkOf(privateKey), createdAt: new Date(newest) };
    if (request.activate) key.activateAt = activationTime(before, at.getTime() + activationDelayMs);
    await store.add(key);
    return { key, before };
  }

  async function retire(kid: string, at: Date | undefined): Promise<KeyDescription> {
    const found = await find(kid);
    if (latestSigner(found.keys)?.kid === kid) {
      throw new KeyAdministrationError('ERR_KEY_ACTIVE', 'the active signing key cannot be retired: activate another key first');
    }
    const retireAt = at ?? new Date(found.at.getTime() + retireAfterMs);
    if (!(await store.update(kid, { retireAt }))) throw notFound(kid);
    return describe({ ...found.key, retireAt }, found.keys, found.at);
  }

  return {
    async list() {
      const at = new Date(now());
      const keys = await store.list(at);
      return keys.map((key) => describe(key, keys, at));
    },
    async add(request) {
      const { key } = await add(request);
      return describeKid(key.kid);
    },
    async activate(kid) {
      const { key, keys, at } = await find(kid);
      const others = keys.filter((candidate) => candidate.kid !== kid);
      // An older key activated again must win the tie on activateAt that its createdAt would lose.
      const activateAt = activationTime(others, Math.max(at.getTime(), key.createdAt.getTime() + activationDelayMs), {
        strictlyLater: true,
      });
      if (!(await store.update(kid, { activateAt, retireAt: null }))) throw notFound(kid);
      return describeKid(kid);
    },
    retire: (kid, retireOptions = {}) => retire(kid, retireOptions.at),
    async rotate(request = {}) {
      const { key, before } = await add({ ...request, activate: true });
      const activateAt = key.activateAt as Date;
      const replaced = before.filter((candidate) => candidate.activateAt !== undefined && candidate.retireAt === undefined);
      const retiring: KeyDescription[] = [];
      for (const old of replaced) {
        const retireAt = new Date(activateAt.getTime() + retireAfterMs);
        if (await store.update(old.kid, { retireAt })) retiring.push(await describeKid(old.kid));
      }
      return { added: await describeKid(key.kid), retiring };
    },
  };
}
