/**
 * The registry's record rules, shared by every `ClientStore` adapter so each store accepts and
 * refuses exactly the same records. RFC 6749 §2.2 (client identifier), §3.3 (scope-token syntax),
 * RFC 7591 §2 (client metadata: grant_types, client_name).
 *
 * Each function returns a fresh, normalised copy built only from known properties (so a store
 * never keeps a reference to a caller's object or array) or throws `InvalidClientRecordError`
 * naming the offending property.
 */
import type { ClientUpdate, GrantType, ListOptions, NewClient } from './client-store';
import { GRANT_TYPES } from './client-store';
import { InvalidClientRecordError } from './errors';

export const MAX_NAME_LENGTH = 200;
export const MAX_CLIENT_ID_LENGTH = 200;
export const MAX_HASH_LENGTH = 1024;
export const MAX_LIST_ENTRIES = 1000;
export const MAX_LIST_ENTRY_LENGTH = 2048;
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_GRANT_TYPES: readonly GrantType[] = ['client_credentials'];

/** Visible ASCII (%x21-7E), the characters a client id may use. */
const CLIENT_ID = /^[\x21-\x7E]+$/;
/** RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E (no space, `"` or `\`). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** A `NewClient` that passed the rules, with defaults applied. */
export interface ValidNewClient {
  clientId?: string;
  name: string;
  secretHash: string;
  scopes: string[];
  audiences: string[];
  grantTypes: GrantType[];
  accessTokenTtl?: number;
  refreshTokenTtl?: number;
  disabled: boolean;
}

/** The properties an update may remove by setting them to `null`. */
export type RemovableField = 'previousSecretHash' | 'previousSecretExpiresAt' | 'accessTokenTtl' | 'refreshTokenTtl';

/** A `ClientUpdate` that passed the rules, split into values to set and properties to remove. */
export interface ValidClientUpdate {
  set: {
    name?: string;
    secretHash?: string;
    previousSecretHash?: string;
    previousSecretExpiresAt?: Date;
    scopes?: string[];
    audiences?: string[];
    grantTypes?: GrantType[];
    accessTokenTtl?: number;
    refreshTokenTtl?: number;
    disabled?: boolean;
  };
  unset: RemovableField[];
}

/**
 * Checks a new client and applies the defaults (no scopes, no audiences, `client_credentials`,
 * enabled).
 *
 * @example
 * const valid = validateNewClient({ name: 'billing', secretHash }); // valid.grantTypes: ['client_credentials']
 */
export function validateNewClient(input: NewClient): ValidNewClient {
  if (!isObject(input)) throw new InvalidClientRecordError('client', 'must be an object');
  const valid: ValidNewClient = {
    name: checkName(input.name),
    secretHash: checkHash('secretHash', input.secretHash),
    scopes: input.scopes === undefined ? [] : checkScopes(input.scopes),
    audiences: input.audiences === undefined ? [] : checkAudiences(input.audiences),
    grantTypes: input.grantTypes === undefined ? [...DEFAULT_GRANT_TYPES] : checkGrantTypes(input.grantTypes),
    disabled: input.disabled === undefined ? false : checkBoolean('disabled', input.disabled),
  };
  if (input.clientId !== undefined) valid.clientId = checkClientId(input.clientId);
  if (input.accessTokenTtl !== undefined) valid.accessTokenTtl = checkTtl('accessTokenTtl', input.accessTokenTtl);
  if (input.refreshTokenTtl !== undefined) valid.refreshTokenTtl = checkTtl('refreshTokenTtl', input.refreshTokenTtl);
  return valid;
}

/**
 * Checks an update. `undefined` leaves a property alone; `null` removes an optional one.
 * `previousSecretHash` and `previousSecretExpiresAt` are set together (a rotation) or not at all.
 *
 * @example
 * const { set, unset } = validateClientUpdate({ disabled: true, accessTokenTtl: null });
 * // set: { disabled: true }, unset: ['accessTokenTtl']
 */
export function validateClientUpdate(changes: ClientUpdate): ValidClientUpdate {
  if (!isObject(changes)) throw new InvalidClientRecordError('changes', 'must be an object');
  const result: ValidClientUpdate = { set: {}, unset: [] };
  const { set, unset } = result;
  if (changes.name !== undefined) set.name = checkName(changes.name);
  if (changes.secretHash !== undefined) set.secretHash = checkHash('secretHash', changes.secretHash);
  if (changes.scopes !== undefined) set.scopes = checkScopes(changes.scopes);
  if (changes.audiences !== undefined) set.audiences = checkAudiences(changes.audiences);
  if (changes.grantTypes !== undefined) set.grantTypes = checkGrantTypes(changes.grantTypes);
  if (changes.disabled !== undefined) set.disabled = checkBoolean('disabled', changes.disabled);

  if (changes.previousSecretHash === null) unset.push('previousSecretHash');
  else if (changes.previousSecretHash !== undefined) {
    set.previousSecretHash = checkHash('previousSecretHash', changes.previousSecretHash);
  }
  if (changes.previousSecretExpiresAt === null) unset.push('previousSecretExpiresAt');
  else if (changes.previousSecretExpiresAt !== undefined) {
    set.previousSecretExpiresAt = checkDate('previousSecretExpiresAt', changes.previousSecretExpiresAt);
  }
  if (set.previousSecretHash !== undefined && set.previousSecretExpiresAt === undefined) {
    throw new InvalidClientRecordError('previousSecretExpiresAt', 'is required with previousSecretHash');
  }

  if (changes.accessTokenTtl === null) unset.push('accessTokenTtl');
  else if (changes.accessTokenTtl !== undefined) set.accessTokenTtl = checkTtl('accessTokenTtl', changes.accessTokenTtl);
  if (changes.refreshTokenTtl === null) unset.push('refreshTokenTtl');
  else if (changes.refreshTokenTtl !== undefined) set.refreshTokenTtl = checkTtl('refreshTokenTtl', changes.refreshTokenTtl);
  return result;
}

/**
 * The page size and cursor of a `list` call. A bad `limit` or a cursor that is not a string
 * throws `InvalidClientRecordError` naming it; whether the cursor is one the store issued is
 * the store's to decide.
 *
 * @example
 * const { limit } = validateListOptions({ limit: 10 });
 */
export function validateListOptions(options: ListOptions = {}): { limit: number; cursor?: string } {
  if (!isObject(options)) throw new InvalidClientRecordError('options', 'must be an object');
  const limit = options.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new InvalidClientRecordError('limit', `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  if (options.cursor === undefined) return { limit };
  if (typeof options.cursor !== 'string' || options.cursor.length === 0) {
    throw new InvalidClientRecordError('cursor', 'must be the nextCursor of a previous page');
  }
  return { limit, cursor: options.cursor };
}

/**
 * The time `markUsed` records: `at` when it is a valid date, else now.
 *
 * @example
 * validateUsedAt(undefined); // new Date()
 */
export function validateUsedAt(at: Date | undefined, now: () => Date = () => new Date()): Date {
  return at === undefined ? now() : checkDate('at', at);
}

/**
 * Whether `clientId` could name a stored client. Lookups with anything else (an object, an
 * empty string) find nothing instead of reaching the database.
 */
export function isPossibleClientId(clientId: unknown): clientId is string {
  return typeof clientId === 'string' && clientId.length <= MAX_CLIENT_ID_LENGTH && CLIENT_ID.test(clientId);
}

function checkClientId(value: unknown): string {
  if (!isPossibleClientId(value)) {
    throw new InvalidClientRecordError('clientId', `must be 1 to ${MAX_CLIENT_ID_LENGTH} visible ASCII characters`);
  }
  return value;
}

function checkName(value: unknown): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > MAX_NAME_LENGTH) {
    throw new InvalidClientRecordError('name', `must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`);
  }
  return value;
}

function checkHash(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_HASH_LENGTH) {
    throw new InvalidClientRecordError(field, 'must be a non-empty string');
  }
  return value;
}

function checkScopes(value: unknown): string[] {
  return checkStringList('scopes', value, SCOPE_TOKEN, 'must be an array of RFC 6749 scope tokens (no whitespace)');
}

function checkAudiences(value: unknown): string[] {
  return checkStringList('audiences', value, null, 'must be an array of non-empty strings');
}

function checkStringList(field: string, value: unknown, pattern: RegExp | null, rule: string): string[] {
  if (!Array.isArray(value) || value.length > MAX_LIST_ENTRIES) throw new InvalidClientRecordError(field, rule);
  return value.map((entry: unknown) => {
    const ok =
      typeof entry === 'string' &&
      entry.length > 0 &&
      entry.length <= MAX_LIST_ENTRY_LENGTH &&
      (pattern === null || pattern.test(entry));
    if (!ok) throw new InvalidClientRecordError(field, rule);
    return entry;
  });
}

function checkGrantTypes(value: unknown): GrantType[] {
  const rule = `must be a non-empty array of ${GRANT_TYPES.join(', ')}`;
  if (!Array.isArray(value) || value.length === 0) throw new InvalidClientRecordError('grantTypes', rule);
  return value.map((entry: unknown) => {
    const grant = GRANT_TYPES.find((known) => known === entry);
    if (grant === undefined) throw new InvalidClientRecordError('grantTypes', rule);
    return grant;
  });
}

function checkTtl(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidClientRecordError(field, 'must be a positive whole number of seconds');
  }
  return value;
}

function checkBoolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidClientRecordError(field, 'must be true or false');
  return value;
}

function checkDate(field: string, value: unknown): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidClientRecordError(field, 'must be a valid Date');
  }
  return new Date(value.getTime());
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
