/**
 * Keeps a process's `Keyring` in step with a shared `KeyStore`, so a rotation made by any
 * instance's admin API or by the CLI (another process) reaches every instance without a restart.
 *
 * Every `pollIntervalMs` (5000 by default) the store is read and the keyring follows it: keys it
 * lacks are added (they verify at once: published before they sign), the signer becomes the
 * stored key with the latest `activateAt` that has come (a timer also fires at that moment), a
 * stored `retireAt` is scheduled in the keyring, and a key no longer in the store stops
 * verifying. The JWKS (`jwksHandler(sync.keyring)`) therefore lists every key that can still
 * verify a live token. A failed poll changes nothing; the next one tries again (`onError` hears it).
 */
import { createPublicKey } from 'node:crypto';
import type { KeyAdministration, KeyLifetimeOptions } from './key-administration';
import { storedKeyAdministration } from './key-administration';
import type { KeyStore, StoredSigningKey } from './key-store';
import { KeyStoreError, activeStoredKey } from './key-store';
import { generateSigningKey, privateJwkOf } from './generate-key';
import { Keyring } from './keyring';
import { keyThumbprint } from './thumbprint';
import type { SigningAlgorithm } from './types';

export interface KeyringSyncOptions extends KeyLifetimeOptions {
  store: KeyStore;
  /** How often the store is read (ms); 5000 by default. */
  pollIntervalMs?: number;
  /** How long a new signer is published before it signs (ms); two poll intervals by default. */
  activationDelayMs?: number;
  /**
   * The keyring to keep in step (the one the token router signs with). When the store has no
   * signer yet, this keyring's active key becomes it. Default: a keyring built from the store.
   */
  keyring?: Keyring;
  /** The algorithm of the first key when the store is empty and no keyring is given; `RS256` by default. */
  alg?: SigningAlgorithm;
  /** Hears a failed poll or a stored key that cannot be used (never key material). */
  onError?: (error: unknown) => void;
}

const DEFAULT_POLL_INTERVAL_MS = 5000;
/** setTimeout's longest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function ignore(): void {
  // The error reached `onError`; the next poll tries again.
}

/**
 * @example
 * const keyStore = new MongoKeyStore(connection, { keyEncryptionKey: process.env.KEY_ENCRYPTION_KEY });
 * const sync = await KeyringSync.open({ store: keyStore, alg: 'RS256' });
 * app.use('/oauth2', tokenRouter({ clients, keys: sync.keyring, issuer }));
 * app.get('/.well-known/jwks.json', jwksHandler(sync.keyring));
 * await sync.administration.rotate(); // every instance follows within a poll interval
 */
export class KeyringSync {
  /** Operations on the store, each followed by a refresh of this keyring. */
  readonly administration: KeyAdministration;
  private readonly store: KeyStore;
  private readonly now: () => number;
  private readonly onError: (error: unknown) => void;
  private readonly pollIntervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private activationTimer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  /** The retirement applied to each kid, so an unchanged one is not re-armed on every poll. */
  private readonly appliedRetirement = new Map<string, number>();

  private constructor(
    readonly keyring: Keyring,
    options: KeyringSyncOptions,
    pollIntervalMs: number,
  ) {
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? ignore;
    this.pollIntervalMs = pollIntervalMs;
    const stored = storedKeyAdministration(options.store, {
      retireAfterSeconds: options.retireAfterSeconds,
      activationDelayMs: options.activationDelayMs ?? pollIntervalMs * 2,
      now: this.now,
    });
    const thenRefresh =
      <A extends unknown[], R>(operation: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        const result = await operation(...args);
        await this.refresh();
        return result;
      };
    this.administration = {
      list: () => stored.list(),
      add: thenRefresh((request?: Parameters<KeyAdministration['add']>[0]) => stored.add(request)),
      activate: thenRefresh((kid: string) => stored.activate(kid)),
      retire: thenRefresh((kid: string, retireOptions?: { at?: Date }) => stored.retire(kid, retireOptions)),
      rotate: thenRefresh((request?: Parameters<KeyAdministration['rotate']>[0]) => stored.rotate(request)),
    };
  }

  /**
   * Reads the store (giving it a first signer when it has none), builds or adopts the keyring,
   * and starts polling. Rejects when the store cannot be read.
   *
   * @example
   * const sync = await KeyringSync.open({ store: new MemoryKeyStore() });
   */
  static async open(options: KeyringSyncOptions): Promise<KeyringSync> {
    if (typeof options !== 'object' || options === null || typeof options.store?.list !== 'function') {
      throw new TypeError('KeyringSync: options.store must be a KeyStore');
    }
    const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    if (!Number.isSafeInteger(pollIntervalMs) || pollIntervalMs < 1) {
      throw new TypeError('KeyringSync: options.pollIntervalMs must be a positive whole number');
    }
    const now = options.now ?? Date.now;
    const signer = await KeyringSync.ensureSigner(options, new Date(now()));
    const keyring = options.keyring ?? Keyring.fromJwk(signer.privateJwk, { alg: signer.alg, kid: signer.kid, now });
    const sync = new KeyringSync(keyring, options, pollIntervalMs);
    sync.timer = setInterval(() => {
      sync.refresh().catch(ignore);
    }, pollIntervalMs);
    sync.timer.unref();
    try {
      await sync.refresh();
    } catch (error) {
      sync.stop();
      throw error;
    }
    return sync;
  }

  /** The stored signer; when there is none, the given keyring's active key (or a new key) becomes it. */
  private static async ensureSigner(options: KeyringSyncOptions, at: Date): Promise<StoredSigningKey> {
    const existing = activeStoredKey(await options.store.list(at), at);
    if (existing) return existing;
    let first: StoredSigningKey;
    if (options.keyring) {
      const { kid, alg, key } = options.keyring.signingKey;
      first = { kid, alg, privateJwk: privateJwkOf(key), createdAt: at, activateAt: at };
    } else {
      const alg = options.alg ?? 'RS256';
      const key = await generateSigningKey(alg);
      const kid = keyThumbprint(alg === 'HS256' ? key : createPublicKey(key));
      first = { kid, alg, privateJwk: privateJwkOf(key), createdAt: at, activateAt: at };
    }
    try {
      await options.store.add(first);
    } catch (error) {
      if (!(error instanceof KeyStoreError && error.code === 'ERR_KEY_EXISTS')) throw error;
    }
    // Another instance may have raced us to it: whichever signer the store now names wins.
    return activeStoredKey(await options.store.list(at), at) ?? first;
  }

  /**
   * Reads the store now and brings the keyring in step (a refresh already running is joined).
   *
   * @example
   * await sync.refresh();
   */
  refresh(): Promise<void> {
    this.syncing ??= this.apply()
      .catch((error: unknown) => {
        this.onError(error);
        throw error;
      })
      .finally(() => {
        this.syncing = undefined;
      });
    return this.syncing;
  }

  /** Stops polling; the keyring keeps its keys. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.activationTimer) clearTimeout(this.activationTimer);
    this.timer = undefined;
    this.activationTimer = undefined;
  }

  private async apply(): Promise<void> {
    const at = new Date(this.now());
    const stored = await this.store.list(at);
    const present = new Set(this.keyring.describe().map((entry) => entry.kid));

    for (const key of stored) {
      if (present.has(key.kid)) continue;
      try {
        this.keyring.add({ kid: key.kid, alg: key.alg, privateKey: key.privateJwk });
      } catch (error) {
        this.onError(error);
      }
    }
    const signer = activeStoredKey(stored, at);
    if (signer && this.keyring.activeKeyId !== signer.kid && this.keyringHas(signer.kid)) this.keyring.activate(signer.kid);

    const storedKids = new Set(stored.map((key) => key.kid));
    for (const entry of this.keyring.describe()) {
      if (entry.active) continue;
      const key = stored.find((candidate) => candidate.kid === entry.kid);
      if (!storedKids.has(entry.kid)) {
        this.keyring.retire(entry.kid);
        this.appliedRetirement.delete(entry.kid);
      } else if (key?.retireAt && this.appliedRetirement.get(entry.kid) !== key.retireAt.getTime()) {
        this.keyring.retire(entry.kid, { at: key.retireAt });
        this.appliedRetirement.set(entry.kid, key.retireAt.getTime());
      }
    }
    this.armActivation(stored, at);
  }

  private keyringHas(kid: string): boolean {
    return this.keyring.describe().some((entry) => entry.kid === kid);
  }

  /** A timer for the next scheduled activation, so this instance switches signers on time. */
  private armActivation(stored: readonly StoredSigningKey[], at: Date): void {
    if (this.activationTimer) clearTimeout(this.activationTimer);
    this.activationTimer = undefined;
    const upcoming = stored
      .map((key) => key.activateAt?.getTime())
      .filter((time): time is number => time !== undefined && time > at.getTime());
    if (upcoming.length === 0 || this.timer === undefined) return;
    const delay = Math.min(Math.min(...upcoming) - at.getTime(), MAX_TIMER_MS, this.pollIntervalMs * 10);
    this.activationTimer = setTimeout(() => {
      this.refresh().catch(ignore);
    }, delay);
    this.activationTimer.unref();
  }
}
