/**
 * A deadline on store calls: a store that does not answer in time, or fails with anything but a
 * typed registry error, becomes `StoreUnavailableError` — answered 503 `temporarily_unavailable`
 * by every router and the bearer middleware, never a hang and never a driver message. The timer
 * is cleared as soon as the call settles. Used for the client registry and the token-state store.
 */
import type { ClientStore } from './client-store';
import { ClientStoreError, StoreUnavailableError } from './errors';

/**
 * Runs `call` with a deadline of `timeoutMs`. A typed `ClientStoreError` (duplicate, invalid
 * record, unavailable) passes through; any other failure or a timeout rejects with
 * `StoreUnavailableError` (the original error kept as `cause`, never shown to a client).
 *
 * @example
 * const client = await withStoreDeadline(() => store.findByClientId(id), 5000);
 * const revoked = await withStoreDeadline(() => tokenState.isAccessTokenRevoked(jti), 2000, 'the token-state store');
 */
export async function withStoreDeadline<T>(
  call: () => Promise<T>,
  timeoutMs: number,
  storeName = 'the client store',
): Promise<T> {
  try {
    return await withDeadline(call, timeoutMs, () => new StoreUnavailableError(`${storeName} did not answer in time`));
  } catch (error) {
    throw error instanceof ClientStoreError ? error : new StoreUnavailableError(`${storeName} failed`, { cause: error });
  }
}

/**
 * `call()`, or a rejection with `timeoutError()` after `timeoutMs`; a synchronous throw is a
 * rejection too; the timer is cleared as soon as the call settles. Failures pass through as they are.
 *
 * @example
 * await withDeadline(() => limiter.check(attempt), 1000, () => new Error('the limiter did not answer in time'));
 */
export async function withDeadline<T>(call: () => Promise<T>, timeoutMs: number, timeoutError: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(timeoutError()), timeoutMs);
  });
  try {
    return await Promise.race([call(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The same store with a deadline on every call, for code that calls a host-supplied store in many
 * places (the registration API).
 *
 * @example
 * const store = clientStoreWithDeadline(options.clients, 5000);
 */
export function clientStoreWithDeadline(store: ClientStore, timeoutMs: number): ClientStore {
  return {
    findByClientId: (clientId) => withStoreDeadline(() => store.findByClientId(clientId), timeoutMs),
    create: (client) => withStoreDeadline(() => store.create(client), timeoutMs),
    update: (clientId, changes) => withStoreDeadline(() => store.update(clientId, changes), timeoutMs),
    delete: (clientId) => withStoreDeadline(() => store.delete(clientId), timeoutMs),
    list: (options) => withStoreDeadline(() => store.list(options), timeoutMs),
    markUsed: (clientId, at) => withStoreDeadline(() => store.markUsed(clientId, at), timeoutMs),
    ping: () => withStoreDeadline(() => store.ping(), timeoutMs),
  };
}
