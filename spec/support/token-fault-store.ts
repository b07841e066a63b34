/**
 * A real `ClientStore` for fault injection: it delegates every call to a `MemoryClientStore` and
 * can be told to fail (every call rejects with a driver-like error) or to hang (calls never
 * answer until `heal()`, which then lets them finish late). It also counts `markUsed` calls.
 * It replaces nothing of the token router: the router under test talks to it like any store.
 */
import type { ClientPage, ClientRecord, ClientStore, ClientUpdate, ListOptions, NewClient } from '../../lib/clients';
import { MemoryClientStore } from '../../lib/clients';

export type StoreFault = 'none' | 'reject' | 'throw' | 'hang';

/** What a failing driver might say; it must never reach a client. */
export const DRIVER_MESSAGE = 'MongoServerSelectionError: connect ECONNREFUSED mongodb://admin:hunter2@db:27017';

export class FaultInjectingClientStore implements ClientStore {
  fault: StoreFault = 'none';
  /** A fault for `markUsed` alone (a write that fails while reads work). */
  markUsedFault: StoreFault = 'none';
  markUsedCalls: string[] = [];
  private readonly parked: (() => void)[] = [];

  constructor(readonly inner: MemoryClientStore = new MemoryClientStore()) {}

  /** Back to normal; calls that were hanging now finish (too late for their requests). */
  heal(): void {
    this.fault = 'none';
    this.markUsedFault = 'none';
    for (const release of this.parked.splice(0)) release();
  }

  findByClientId(clientId: string): Promise<ClientRecord | null> {
    return this.call(() => this.inner.findByClientId(clientId));
  }

  create(client: NewClient): Promise<ClientRecord> {
    return this.call(() => this.inner.create(client));
  }

  update(clientId: string, changes: ClientUpdate): Promise<ClientRecord | null> {
    return this.call(() => this.inner.update(clientId, changes));
  }

  delete(clientId: string): Promise<boolean> {
    return this.call(() => this.inner.delete(clientId));
  }

  list(options?: ListOptions): Promise<ClientPage> {
    return this.call(() => this.inner.list(options));
  }

  markUsed(clientId: string, at?: Date): Promise<void> {
    this.markUsedCalls.push(clientId);
    return this.call(() => this.inner.markUsed(clientId, at), this.markUsedFault === 'none' ? this.fault : this.markUsedFault);
  }

  ping(): Promise<void> {
    return this.call(() => this.inner.ping());
  }

  private call<T>(operation: () => Promise<T>, fault: StoreFault = this.fault): Promise<T> {
    switch (fault) {
      case 'reject':
        return Promise.reject(new Error(DRIVER_MESSAGE));
      case 'throw':
        throw new Error(DRIVER_MESSAGE);
      case 'hang':
        return new Promise<void>((resolve) => this.parked.push(resolve)).then(operation);
      default:
        return operation();
    }
  }
}
