/** Typed registry errors: callers switch on `code`, never on messages. */

export type ClientStoreErrorCode = 'ERR_DUPLICATE_CLIENT' | 'ERR_INVALID_CLIENT_RECORD' | 'ERR_STORE_UNAVAILABLE';

export abstract class ClientStoreError extends Error {
  abstract readonly code: ClientStoreErrorCode;
}

/** A client with this `clientId` already exists. */
export class DuplicateClientError extends ClientStoreError {
  readonly code = 'ERR_DUPLICATE_CLIENT';
  constructor(readonly clientId: string) {
    super(`a client with id ${clientId} already exists`);
    this.name = 'DuplicateClientError';
  }
}

/** The record breaks the registry's rules; `field` names the offending property. */
export class InvalidClientRecordError extends ClientStoreError {
  readonly code = 'ERR_INVALID_CLIENT_RECORD';
  constructor(readonly field: string, reason: string) {
    super(`invalid client record: ${field} ${reason}`);
    this.name = 'InvalidClientRecordError';
  }
}

/** The store did not answer (down, timed out, disconnected). The token router answers 503. */
export class StoreUnavailableError extends ClientStoreError {
  readonly code = 'ERR_STORE_UNAVAILABLE';
  constructor(message = 'the client store is unavailable', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
