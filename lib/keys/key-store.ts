/**
 * The signing-key store port: where signing keys live when several processes (server instances,
 * the CLI) must rotate them together. Each process's `Keyring` follows the store through
 * `KeyringSync`; the store holds private keys, so its MongoDB adapter encrypts them at rest.
 *
 * A key's role follows from two dates (RFC 7517 keys, rotated as in RFC 7515 §4.1.4 `kid`):
 * - `activateAt`: from then on the key may sign; the signer is the key with the latest
 *   `activateAt` that has come. A key activated in the future is published (it verifies) before
 *   it signs, so every instance and every remote verifier knows it before its first token.
 * - `retireAt`: from then on the key neither signs nor verifies (and the store may delete it);
 *   set to "now + the longest token lifetime" so every token it signed has expired by then.
 */
import type { JsonWebKey } from 'node:crypto';
import type { SigningAlgorithm } from './types';

export interface StoredSigningKey {
  kid: string;
  alg: SigningAlgorithm;
  /** The private JWK (RS/PS/ES, with `d`) or the secret (`oct`, HS256). */
  privateJwk: JsonWebKey;
  createdAt: Date;
  /** From when the key signs; absent: it verifies only. */
  activateAt?: Date;
  /** From when the key is gone; absent: it stays. */
  retireAt?: Date;
}

/** What `update` changes; `null` removes a date, an absent property is left alone. */
export interface StoredSigningKeyUpdate {
  activateAt?: Date | null;
  retireAt?: Date | null;
}

export type KeyStoreErrorCode = 'ERR_KEY_EXISTS' | 'ERR_KEY_PLAINTEXT_REFUSED' | 'ERR_KEY_UNREADABLE';

/** A key store refusal; `code` is stable. Outages are `StoreUnavailableError` instead. */
export class KeyStoreError extends Error {
  constructor(
    readonly code: KeyStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KeyStoreError';
  }
}

export interface KeyStore {
  /** Every key not yet retired at `now`, oldest first. */
  list(now?: Date): Promise<StoredSigningKey[]>;
  /** Throws `KeyStoreError` `ERR_KEY_EXISTS` when the kid is taken. */
  add(key: StoredSigningKey): Promise<void>;
  /** `false` when no key has that kid. */
  update(kid: string, changes: StoredSigningKeyUpdate): Promise<boolean>;
}

/**
 * Whether `a` takes over from `b` as signer: the later `activateAt`; on a tie the later
 * `createdAt`, then the greater kid (so every process picks the same signer).
 */
export function activatesAfter(a: StoredSigningKey, b: StoredSigningKey): boolean {
  const byActivation = (a.activateAt?.getTime() ?? -Infinity) - (b.activateAt?.getTime() ?? -Infinity);
  if (byActivation !== 0) return byActivation > 0;
  const byCreation = a.createdAt.getTime() - b.createdAt.getTime();
  if (byCreation !== 0) return byCreation > 0;
  return a.kid > b.kid;
}

/**
 * The signer among stored keys at `now`: the latest `activateAt` that has come, among keys not
 * retired (ties as in `activatesAfter`).
 *
 * @example
 * const signer = activeStoredKey(await store.list(), new Date());
 */
export function activeStoredKey(keys: readonly StoredSigningKey[], now: Date): StoredSigningKey | undefined {
  let active: StoredSigningKey | undefined;
  for (const key of keys) {
    if (key.activateAt === undefined || key.activateAt > now) continue;
    if (key.retireAt !== undefined && key.retireAt <= now) continue;
    if (!active || activatesAfter(key, active)) active = key;
  }
  return active;
}
