/**
 * A pool of worker threads that signs access tokens off the main thread (opt-in).
 *
 * jsonwebtoken signs synchronously, and an RSA-2048 signature costs about 250 µs of one core: that
 * core is the token server's ceiling. The pool moves signing to worker threads so a server can use
 * more cores; a token it signs is the one `signJwt` would write (same jsonwebtoken call, see `jwt.ts`).
 *
 * - Workers start eagerly in the constructor (no first-request latency) and are `unref()`ed while
 *   idle, `ref()`ed while they have tasks in flight: an idle pool never keeps a process alive, a
 *   pending `sign` always completes.
 * - Each task goes to the worker with the fewest tasks in flight.
 * - Key material is sent once per worker, not with every task: the main thread gives each
 *   `KeyObject` an id and remembers which ids each worker holds (at most
 *   `SIGNING_WORKER_KEY_CACHE_SIZE`, the least recently used dropped). A task carries the key only
 *   when its worker does not hold it, and names the id the worker must drop to make room.
 * - Failures: a signing error rejects that task only (the worker lives on). A worker that errors or
 *   exits rejects its tasks with `ERR_SIGNING_WORKER_FAILED`; a task unanswered within `timeoutMs`
 *   rejects with `ERR_SIGNING_POOL_TIMEOUT` and its worker is terminated (its other tasks reject with
 *   `ERR_SIGNING_WORKER_FAILED`). A failed worker is replaced when the next task is sent to its slot,
 *   so a worker that cannot start is never restarted in a loop.
 */
import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { jsonwebtokenSignOptions, signingWorkerSource } from './jwt';
import type { SignJwtOptions, SigningWorkerReply, SigningWorkerRequest } from './jwt';
import type { SigningKey } from './types';

/** How many keys each worker holds; one more sends the least recently used one away. */
export const SIGNING_WORKER_KEY_CACHE_SIZE = 8;

const MAX_THREADS = 64;
const MAX_DEFAULT_THREADS = 4;
const DEFAULT_MAX_QUEUE = 1024;
const DEFAULT_TIMEOUT_MS = 5000;
/** setTimeout's longest delay. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export interface SigningPoolOptions {
  /** Worker threads, 1 to 64; by default one fewer than the available cores, at least 1 and at most 4. */
  threads?: number;
  /** Tasks in flight across the pool before `sign` rejects at once with `ERR_SIGNING_POOL_BUSY`; 1024 by default. */
  maxQueue?: number;
  /** Milliseconds before an unanswered task rejects with `ERR_SIGNING_POOL_TIMEOUT`; 5000 by default. */
  timeoutMs?: number;
}

export type SigningPoolErrorCode =
  /** `close()` was called: before the task was answered, or before `sign`. */
  | 'ERR_SIGNING_POOL_CLOSED'
  /** `maxQueue` tasks were already in flight. */
  | 'ERR_SIGNING_POOL_BUSY'
  /** The task was not answered within `timeoutMs`. */
  | 'ERR_SIGNING_POOL_TIMEOUT'
  /** The worker failed (errored, exited, was replaced), or jsonwebtoken refused to sign (its message). */
  | 'ERR_SIGNING_WORKER_FAILED';

export class SigningPoolError extends Error {
  readonly code: SigningPoolErrorCode;

  constructor(code: SigningPoolErrorCode, message: string) {
    super(message);
    this.name = 'SigningPoolError';
    this.code = code;
  }
}

interface PendingTask {
  resolve: (token: string) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** One running worker: its tasks in flight and the key ids it holds, least recently used first. */
interface WorkerHandle {
  readonly slot: number;
  readonly worker: Worker;
  readonly tasks: Map<number, PendingTask>;
  readonly keyIds: Set<number>;
}

function wholeNumber(value: unknown, fallback: number, min: number, max: number, message: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`SigningPool: ${message}`);
  }
  return value;
}

function isReply(value: unknown): value is SigningWorkerReply {
  if (typeof value !== 'object' || value === null) return false;
  const reply = value as Record<string, unknown>;
  return typeof reply.id === 'number' && (typeof reply.token === 'string' || typeof reply.error === 'string');
}

/**
 * Signs access tokens on worker threads. Create one per process, `close()` it on shutdown.
 *
 * @example
 * const pool = new SigningPool({ threads: 2 });
 * const token = await pool.sign(claims, keyring.signingKey);
 * await pool.close();
 */
export class SigningPool {
  readonly threads: number;
  private readonly maxQueue: number;
  private readonly timeoutMs: number;
  private readonly source = signingWorkerSource();
  /** A slot without a worker (it failed) starts one when a task is sent to it. */
  private readonly workers: (WorkerHandle | undefined)[];
  private readonly keyIds = new WeakMap<KeyObject, number>();
  private lastKeyId = 0;
  private lastTaskId = 0;
  private closing: Promise<void> | undefined;

  constructor(options: SigningPoolOptions = {}) {
    const defaultThreads = Math.min(MAX_DEFAULT_THREADS, Math.max(1, availableParallelism() - 1));
    this.threads = wholeNumber(
      options.threads,
      defaultThreads,
      1,
      MAX_THREADS,
      `options.threads must be a whole number from 1 to ${MAX_THREADS}`,
    );
    this.maxQueue = wholeNumber(
      options.maxQueue,
      DEFAULT_MAX_QUEUE,
      1,
      Number.MAX_SAFE_INTEGER,
      'options.maxQueue must be a whole number of at least 1',
    );
    this.timeoutMs = wholeNumber(
      options.timeoutMs,
      DEFAULT_TIMEOUT_MS,
      1,
      MAX_TIMEOUT_MS,
      `options.timeoutMs must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`,
    );
    this.workers = Array.from({ length: this.threads }, (_, slot) => this.start(slot));
  }

  /**
   * Signs like `signJwt`, on a worker thread. The payload must be plain JSON data (it is copied to
   * the worker with the structured clone algorithm).
   *
   * @example
   * try {
   *   const token = await pool.sign(claims, keyring.signingKey);
   * } catch (error) {
   *   if (error instanceof SigningPoolError && error.code === 'ERR_SIGNING_POOL_BUSY') { … 503 … }
   * }
   */
  async sign(payload: Record<string, unknown>, key: SigningKey, options: SignJwtOptions = {}): Promise<string> {
    if (this.closing) throw new SigningPoolError('ERR_SIGNING_POOL_CLOSED', 'The signing pool is closed.');
    if (this.inFlight() >= this.maxQueue) {
      const message = `The signing pool already has ${this.maxQueue} tasks in flight.`;
      throw new SigningPoolError('ERR_SIGNING_POOL_BUSY', message);
    }
    const handle = this.leastBusy();
    const keyId = this.keyIdOf(key.key);
    const request: SigningWorkerRequest = {
      id: ++this.lastTaskId,
      keyId,
      payload,
      options: jsonwebtokenSignOptions(payload, key, options),
    };
    if (!handle.keyIds.has(keyId)) {
      request.key = key.key;
      if (handle.keyIds.size >= SIGNING_WORKER_KEY_CACHE_SIZE) request.drop = handle.keyIds.values().next().value;
    }
    return new Promise<string>((resolve, reject) => {
      handle.worker.postMessage(request); // throws (rejects) for a payload that cannot be cloned: nothing changed yet
      if (request.drop !== undefined) handle.keyIds.delete(request.drop);
      handle.keyIds.delete(keyId); // most recently used last
      handle.keyIds.add(keyId);
      const timer = setTimeout(() => this.timedOut(handle, request.id), this.timeoutMs);
      timer.unref();
      handle.tasks.set(request.id, { resolve, reject, timer });
      if (handle.tasks.size === 1) handle.worker.ref();
    });
  }

  /**
   * Terminates every worker; tasks in flight and every later `sign` reject with
   * `ERR_SIGNING_POOL_CLOSED`. Calling it again returns the same promise.
   *
   * @example
   * process.once('SIGTERM', () => void pool.close());
   */
  close(): Promise<void> {
    if (!this.closing) {
      const terminations: Promise<number>[] = [];
      for (const handle of this.workers) {
        if (!handle) continue;
        this.detach(handle, new SigningPoolError('ERR_SIGNING_POOL_CLOSED', 'The signing pool was closed.'));
        terminations.push(handle.worker.terminate());
      }
      this.closing = Promise.all(terminations).then(() => undefined);
    }
    return this.closing;
  }

  private start(slot: number): WorkerHandle {
    const worker = new Worker(this.source, { eval: true });
    const handle: WorkerHandle = { slot, worker, tasks: new Map(), keyIds: new Set() };
    worker.on('message', (reply: unknown) => this.answered(handle, reply));
    const failed = (reason: string): void => this.failed(handle, reason);
    worker.on('error', (error: Error) => failed(`The signing worker failed: ${error.message}`));
    worker.on('messageerror', () => failed('The signing worker sent a message that could not be read.'));
    worker.on('exit', (code: number) => failed(`The signing worker exited with code ${code}.`));
    worker.unref(); // after the listeners: adding a 'message' listener refs the worker's port again
    return handle;
  }

  private answered(handle: WorkerHandle, reply: unknown): void {
    if (!isReply(reply)) return;
    const task = handle.tasks.get(reply.id);
    if (!task) return;
    handle.tasks.delete(reply.id);
    clearTimeout(task.timer);
    if (handle.tasks.size === 0) handle.worker.unref();
    if ('token' in reply) task.resolve(reply.token);
    else task.reject(new SigningPoolError('ERR_SIGNING_WORKER_FAILED', reply.error));
  }

  /** An error or exit the pool did not cause: reject the worker's tasks, free its slot. */
  private failed(handle: WorkerHandle, reason: string): void {
    if (this.detach(handle, new SigningPoolError('ERR_SIGNING_WORKER_FAILED', reason))) void handle.worker.terminate();
  }

  private timedOut(handle: WorkerHandle, taskId: number): void {
    const task = handle.tasks.get(taskId);
    if (!task || this.workers[handle.slot] !== handle) return;
    handle.tasks.delete(taskId);
    const message = `The signing worker did not answer within ${this.timeoutMs} ms.`;
    task.reject(new SigningPoolError('ERR_SIGNING_POOL_TIMEOUT', message));
    this.failed(handle, 'The signing worker was replaced after a task timed out.');
  }

  /** Takes the worker out of its slot and rejects its tasks; false when it was already out. */
  private detach(handle: WorkerHandle, error: SigningPoolError): boolean {
    if (this.workers[handle.slot] !== handle) return false;
    this.workers[handle.slot] = undefined;
    for (const task of handle.tasks.values()) {
      clearTimeout(task.timer);
      task.reject(error);
    }
    handle.tasks.clear();
    handle.worker.unref();
    return true;
  }

  private inFlight(): number {
    return this.workers.reduce((sum, handle) => sum + (handle?.tasks.size ?? 0), 0);
  }

  /** The worker with the fewest tasks in flight; an empty slot (0 tasks) gets a new worker. */
  private leastBusy(): WorkerHandle {
    let best = 0;
    for (let slot = 1; slot < this.workers.length; slot++) {
      if ((this.workers[slot]?.tasks.size ?? 0) < (this.workers[best]?.tasks.size ?? 0)) best = slot;
    }
    return (this.workers[best] ??= this.start(best));
  }

  private keyIdOf(key: KeyObject): number {
    let id = this.keyIds.get(key);
    if (id === undefined) {
      id = ++this.lastKeyId;
      this.keyIds.set(key, id);
    }
    return id;
  }
}

/**
 * A signing pool (see `SigningPool`).
 *
 * @example
 * const pool = createSigningPool({ threads: 2, maxQueue: 512, timeoutMs: 2000 });
 * const token = await pool.sign(claims, keyring.signingKey);
 */
export function createSigningPool(options?: SigningPoolOptions): SigningPool {
  return new SigningPool(options);
}
