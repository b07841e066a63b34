/**
 * The client registry: the `ClientStore` port, its memory and MongoDB adapters, the typed store
 * errors and the secret helpers. Everything outside `lib/clients` imports from here.
 */
export type {
  ClientPage,
  ClientRecord,
  ClientStore,
  ClientUpdate,
  GrantType,
  ListOptions,
  NewClient,
} from './client-store';
export { GRANT_TYPES } from './client-store';
export { isPossibleClientId } from './validate';
export { clientStoreWithDeadline, withStoreDeadline } from './store-deadline';
export type { ClientStoreErrorCode } from './errors';
export { ClientStoreError, DuplicateClientError, InvalidClientRecordError, StoreUnavailableError } from './errors';
export {
  generateClientSecret,
  hashGeneratedSecret,
  hashImportedSecret,
  verifyAgainstDecoy,
  verifyClientSecret,
  verifySecret,
} from './secrets';
export type { MemoryClientStoreOptions } from './memory-client-store';
export { MemoryClientStore } from './memory-client-store';
export type { MongoClientStoreOptions } from './mongo-client-store';
export { DEFAULT_COLLECTION, MongoClientStore } from './mongo-client-store';
