/**
 * A bounded table of failure counters for one limit, in this process's memory: each key counts its
 * failures in a window that starts at its first failure. No timers: an ended window is dropped when
 * its key is next read. At most `maxCounters` keys are held; past that the least recently used one
 * goes, so a flood of attempts from ever-new addresses costs a fixed amount of memory.
 */
import { LRUCache } from 'lru-cache';
import type { FailureLimit } from './limiter';

export interface FailureCount {
  failures: number;
  /** When the window ends (ms since the epoch). */
  endsAt: number;
}

export class FailureWindows {
  private readonly counts: LRUCache<string, FailureCount>;
  private readonly windowMs: number;

  constructor(
    private readonly limit: FailureLimit,
    maxCounters: number,
  ) {
    this.counts = new LRUCache<string, FailureCount>({ max: maxCounters });
    this.windowMs = limit.windowSeconds * 1000;
  }

  /** Keys held now (ended windows included until they are read or pushed out). */
  get size(): number {
    return this.counts.size;
  }

  /** The failures counted for `key` in its current window; `undefined` when none (or its window has ended). */
  current(key: string, now: number): Readonly<FailureCount> | undefined {
    const count = this.counts.get(key);
    if (count === undefined || count.endsAt > now) return count;
    this.counts.delete(key);
    return undefined;
  }

  /** Whole seconds until a key with `count` may try again (at least 1), or `undefined` while it is under its limit. */
  blockedFor(count: Readonly<FailureCount> | undefined, now: number): number | undefined {
    if (count === undefined || count.failures < this.limit.failures) return undefined;
    return Math.max(1, Math.ceil((count.endsAt - now) / 1000));
  }

  /** Counts one failure; the first one of a key starts its window. */
  add(key: string, now: number): void {
    const count = this.counts.get(key);
    if (count === undefined || count.endsAt <= now) this.counts.set(key, { failures: 1, endsAt: now + this.windowMs });
    else count.failures += 1;
  }

  clear(key: string): void {
    this.counts.delete(key);
  }
}
