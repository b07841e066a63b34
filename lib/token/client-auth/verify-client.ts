/**
 * RFC 6749 §2.3.1 and §10.1 — checks a client id and secret against the registry.
 *
 * Unknown client, disabled client and wrong secret are indistinguishable to the caller of the
 * endpoint (one `invalid_client` answer) and cost about the same: an unknown or disabled client's
 * secret is checked against a decoy hash, so response times do not reveal which ids exist.
 */
import type { ClientRecord, ClientStore } from '../../clients';
import { MemoryClientStore, verifyAgainstDecoy, verifyClientSecret } from '../../clients';
import type { AuthenticationFailureReason } from '../hooks';
import { withStoreDeadline } from '../../clients';

export type ClientVerification =
  | { ok: true; client: ClientRecord }
  | { ok: false; reason: AuthenticationFailureReason };

/** Checks credentials; rejects with `StoreUnavailableError` when the store fails or times out. */
export type ClientVerifier = (clientId: string, secret: string) => Promise<ClientVerification>;

/**
 * @example
 * const verify = clientVerifier(store, 5000);
 * const result = await verify(clientId, secret); // { ok: true, client } or { ok: false, reason: 'bad_secret' }
 */
export function clientVerifier(store: ClientStore, timeoutMs: number): ClientVerifier {
  // The library's own in-memory store answers at once and has no network to fail: no deadline timer
  // (a subclass, which may override it with anything, keeps the deadline).
  const findClient =
    Object.getPrototypeOf(store) === MemoryClientStore.prototype
      ? (clientId: string) => store.findByClientId(clientId)
      : (clientId: string) => withStoreDeadline(() => store.findByClientId(clientId), timeoutMs);
  return async (clientId, secret) => {
    const client = await findClient(clientId);
    if (!client) {
      await verifyAgainstDecoy(secret);
      return { ok: false, reason: 'unknown_client' };
    }
    if (client.disabled) {
      await verifyAgainstDecoy(secret);
      return { ok: false, reason: 'disabled' };
    }
    if (!(await verifyClientSecret(client, secret))) return { ok: false, reason: 'bad_secret' };
    return { ok: true, client };
  };
}
