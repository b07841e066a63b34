/**
 * A deadline on token-state store calls: a store that fails or does not answer in time becomes
 * `StoreUnavailableError` (answered 503 by the endpoints and the bearer middleware), never a hang.
 */
import { StoreUnavailableError } from '../clients/errors';

/**
 * Runs `call` with a deadline of `timeoutMs`; any failure or a timeout rejects with
 * `StoreUnavailableError` (the original error kept as `cause`, never shown to a client).
 *
 * @example
 * const revoked = await withTokenStateDeadline(() => store.isAccessTokenRevoked(jti), 2000);
 */
export async function withTokenStateDeadline<T>(call: () => Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError('the token-state store did not answer in time')), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(call), deadline]);
  } catch (error) {
    throw error instanceof StoreUnavailableError
      ? error
      : new StoreUnavailableError('the token-state store failed', { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
