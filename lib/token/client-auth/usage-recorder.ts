/**
 * Records a client's last successful authentication (`ClientStore.markUsed`) off the hot path:
 * never awaited, at most once a minute per client, errors swallowed.
 */
import { LRUCache } from 'lru-cache';
import type { ClientStore } from '../../clients';

const DEFAULT_INTERVAL_MS = 60_000;
const MAX_TRACKED_CLIENTS = 10_000;

/** Notes a successful authentication; returns at once. */
export type UsageRecorder = (clientId: string) => void;

/**
 * @example
 * const recordUse = usageRecorder(store);
 * recordUse(client.clientId); // store.markUsed runs in the background, once a minute at most
 */
export function usageRecorder(store: ClientStore, intervalMs = DEFAULT_INTERVAL_MS): UsageRecorder {
  const recentlyMarked = new LRUCache<string, true>({ max: MAX_TRACKED_CLIENTS, ttl: intervalMs });
  return (clientId) => {
    if (recentlyMarked.has(clientId)) return;
    recentlyMarked.set(clientId, true);
    try {
      store.markUsed(clientId).catch(ignore);
    } catch {
      // A store that throws synchronously changes nothing for the token response.
    }
  };
}

function ignore(): void {
  // Intentionally empty: the last-used time is best effort.
}
