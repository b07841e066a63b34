/**
 * A deadline on client store calls: a store that fails or does not answer in time is
 * `StoreUnavailableError`, which the token router answers with 503 `temporarily_unavailable`
 * (never a hang, never a driver message). The timer is cleared as soon as the call settles.
 */
import { StoreUnavailableError } from '../clients';

/**
 * Runs `call` with a deadline of `timeoutMs`; any failure or a timeout rejects with
 * `StoreUnavailableError` (the original error kept as `cause`, never shown to a client).
 *
 * @example
 * const client = await withStoreDeadline(() => store.findByClientId(id), 5000);
 */
export async function withStoreDeadline<T>(call: () => Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError('the client store did not answer in time')), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(call), deadline]);
  } catch (error) {
    throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(undefined, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
