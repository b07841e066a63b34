/**
 * Client metadata — RFC 7591 §2 (client_name, scope, grant_types, token_endpoint_auth_method) and
 * this project's extensions (`audience`, `access_token_ttl`, `refresh_token_ttl`).
 *
 * The one place that checks metadata and maps it to and from the registry's `ClientRecord`: the
 * registration router and the CLI both go through here, so both accept exactly the same clients.
 * Unknown properties are ignored (RFC 7591 §2); only own properties with known names are read,
 * so keys such as `__proto__` or `constructor` never reach anything.
 */
import type { ClientRecord, ClientUpdate, GrantType, NewClient } from '../clients';
import { GRANT_TYPES } from '../clients';

export const MAX_CLIENT_NAME_LENGTH = 200;
export const MAX_AUDIENCES = 50;
export const MAX_AUDIENCE_LENGTH = 2048;
export const MAX_SCOPES = 100;
export const MAX_SCOPE_TOKEN_LENGTH = 200;
/** One day: the default ceiling of `access_token_ttl`. */
export const DEFAULT_MAX_ACCESS_TOKEN_TTL = 86_400;
/** Thirty days: the default ceiling of `refresh_token_ttl`. */
export const DEFAULT_MAX_REFRESH_TOKEN_TTL = 2_592_000;
/** One day: the refresh token lifetime reported for a refresh-enabled client that has none of its own. */
export const DEFAULT_REFRESH_TOKEN_TTL = 86_400;

/** RFC 7591 §2: the client authentication methods the token endpoint offers. */
export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

/** RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
/** C0 controls and DEL: never part of a name or an audience. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Checked, normalised metadata: what a client asked for, as it will be registered. */
export interface ClientMetadata {
  client_name: string;
  /** Space-delimited scope tokens, deduplicated; `''` for none. */
  scope: string;
  grant_types: GrantType[];
  /** Absent (or empty): the token router's default audience. */
  audience?: string[];
  access_token_ttl?: number;
  refresh_token_ttl?: number;
  token_endpoint_auth_method: TokenEndpointAuthMethod;
}

/** What the registry says about a client: its metadata plus what the server assigned. */
export interface RegisteredClientMetadata extends ClientMetadata {
  client_id: string;
  /** Seconds since the epoch. */
  client_id_issued_at: number;
}

/** The bounds a registration must respect (the registration router's options). */
export interface MetadataLimits {
  maxAccessTokenTtl: number;
  maxRefreshTokenTtl: number;
  /** When set, the only scopes a client may be given. */
  allowedScopes?: readonly string[];
}

export const DEFAULT_METADATA_LIMITS: MetadataLimits = {
  maxAccessTokenTtl: DEFAULT_MAX_ACCESS_TOKEN_TTL,
  maxRefreshTokenTtl: DEFAULT_MAX_REFRESH_TOKEN_TTL,
};

/** Metadata that breaks a rule; `field` is the RFC 7591 name, `reason` completes the sentence. */
export class InvalidClientMetadataError extends Error {
  readonly code = 'ERR_INVALID_CLIENT_METADATA';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field} ${reason}`);
    this.name = 'InvalidClientMetadataError';
  }
}

/**
 * Checks registration metadata and returns its normalised form, or throws
 * `InvalidClientMetadataError` naming the first bad field.
 *
 * @example
 * const metadata = validateClientMetadata(
 *   { client_name: 'billing', scope: 'disburse', audience: ['example-api'] },
 *   DEFAULT_METADATA_LIMITS,
 * ); // metadata.grant_types: ['client_credentials']
 */
export function validateClientMetadata(input: unknown, limits: MetadataLimits = DEFAULT_METADATA_LIMITS): ClientMetadata {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidClientMetadataError('metadata', 'must be a JSON object');
  }
  const field = (name: string): unknown => (Object.hasOwn(input, name) ? (input as Record<string, unknown>)[name] : undefined);

  const metadata: ClientMetadata = {
    client_name: checkClientName(field('client_name')),
    scope: checkScope(field('scope'), limits.allowedScopes),
    grant_types: checkGrantTypes(field('grant_types')),
    token_endpoint_auth_method: checkAuthMethod(field('token_endpoint_auth_method')),
  };
  const audience = checkAudience(field('audience'));
  if (audience.length > 0) metadata.audience = audience;
  const accessTokenTtl = checkTtl('access_token_ttl', field('access_token_ttl'), limits.maxAccessTokenTtl);
  if (accessTokenTtl !== undefined) metadata.access_token_ttl = accessTokenTtl;
  const refreshTokenTtl = checkTtl('refresh_token_ttl', field('refresh_token_ttl'), limits.maxRefreshTokenTtl);
  if (refreshTokenTtl !== undefined) metadata.refresh_token_ttl = refreshTokenTtl;
  return metadata;
}

/**
 * The `NewClient` that registers `metadata` with a secret hash (and, for an import, a chosen id).
 *
 * @example
 * await store.create(metadataToNewClient(metadata, hashGeneratedSecret(secret)));
 */
export function metadataToNewClient(metadata: ClientMetadata, secretHash: string, clientId?: string): NewClient {
  const client: NewClient = {
    name: metadata.client_name,
    secretHash,
    scopes: splitScope(metadata.scope),
    audiences: [...(metadata.audience ?? [])],
    grantTypes: [...metadata.grant_types],
  };
  if (clientId !== undefined) client.clientId = clientId;
  if (metadata.access_token_ttl !== undefined) client.accessTokenTtl = metadata.access_token_ttl;
  if (metadata.refresh_token_ttl !== undefined) client.refreshTokenTtl = metadata.refresh_token_ttl;
  return client;
}

/**
 * The `ClientUpdate` that replaces a client's metadata with `metadata` (RFC 7592 §2.2: an omitted
 * field is removed). The secret, the enabled flag and the timestamps are left alone.
 *
 * @example
 * await store.update(clientId, metadataToClientUpdate(metadata));
 */
export function metadataToClientUpdate(metadata: ClientMetadata): ClientUpdate {
  return {
    name: metadata.client_name,
    scopes: splitScope(metadata.scope),
    audiences: [...(metadata.audience ?? [])],
    grantTypes: [...metadata.grant_types],
    accessTokenTtl: metadata.access_token_ttl ?? null,
    refreshTokenTtl: metadata.refresh_token_ttl ?? null,
  };
}

/** How a stored client's lifetimes are reported. */
export interface MetadataViewOptions {
  /**
   * Reported as `refresh_token_ttl` for a client with the `refresh_token` grant and no lifetime of
   * its own, so the client learns how long its refresh tokens live. Unset: only stored values are reported.
   */
  defaultRefreshTokenTtl?: number;
}

/**
 * A stored client as RFC 7591 metadata. Never carries the secret or any hash.
 *
 * @example
 * res.json(clientToMetadata(await store.findByClientId(id)));
 */
export function clientToMetadata(client: ClientRecord, options: MetadataViewOptions = {}): RegisteredClientMetadata {
  const metadata: RegisteredClientMetadata = {
    client_id: client.clientId,
    client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
    client_name: client.name,
    scope: client.scopes.join(' '),
    grant_types: [...client.grantTypes],
    token_endpoint_auth_method: 'client_secret_basic',
  };
  if (client.audiences.length > 0) metadata.audience = [...client.audiences];
  if (client.accessTokenTtl !== undefined) metadata.access_token_ttl = client.accessTokenTtl;
  if (client.refreshTokenTtl !== undefined) metadata.refresh_token_ttl = client.refreshTokenTtl;
  else if (options.defaultRefreshTokenTtl !== undefined && client.grantTypes.includes('refresh_token')) {
    metadata.refresh_token_ttl = options.defaultRefreshTokenTtl;
  }
  return metadata;
}

/** The scope tokens of a space-delimited scope string. */
export function splitScope(scope: string): string[] {
  return scope.split(' ').filter((token) => token.length > 0);
}

function checkClientName(value: unknown): string {
  if (value === undefined) throw new InvalidClientMetadataError('client_name', 'is required');
  const name = typeof value === 'string' ? value.trim() : '';
  if (name.length === 0 || name.length > MAX_CLIENT_NAME_LENGTH || CONTROL_CHARACTER.test(name)) {
    throw new InvalidClientMetadataError(
      'client_name',
      `must be a string of 1 to ${MAX_CLIENT_NAME_LENGTH} characters without control characters`,
    );
  }
  return name;
}

function checkScope(value: unknown, allowedScopes: readonly string[] | undefined): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') {
    throw new InvalidClientMetadataError('scope', 'must be a string of space-delimited scope tokens');
  }
  const tokens = [...new Set(splitScope(value))];
  for (const token of tokens) {
    if (!SCOPE_TOKEN.test(token) || token.length > MAX_SCOPE_TOKEN_LENGTH) {
      throw new InvalidClientMetadataError(
        'scope',
        `must be space-delimited RFC 6749 §3.3 scope tokens of at most ${MAX_SCOPE_TOKEN_LENGTH} characters (no control characters, quotes or backslashes)`,
      );
    }
    if (allowedScopes !== undefined && !allowedScopes.includes(token)) {
      throw new InvalidClientMetadataError('scope', `may only contain ${allowedScopes.join(', ') || 'no scopes'}; "${token}" is not allowed`);
    }
  }
  if (tokens.length > MAX_SCOPES) {
    throw new InvalidClientMetadataError('scope', `may hold at most ${MAX_SCOPES} scope tokens`);
  }
  return tokens.join(' ');
}

function checkGrantTypes(value: unknown): GrantType[] {
  if (value === undefined) return ['client_credentials'];
  const rule = `must be an array of ${GRANT_TYPES.map((grant) => `"${grant}"`).join(', ')} that includes "client_credentials"`;
  if (!Array.isArray(value)) throw new InvalidClientMetadataError('grant_types', rule);
  const grants: GrantType[] = [];
  for (const entry of value as unknown[]) {
    const grant = GRANT_TYPES.find((known) => known === entry);
    if (grant === undefined) {
      const shown = typeof entry === 'string' ? `"${entry.slice(0, 50)}"` : typeof entry;
      throw new InvalidClientMetadataError('grant_types', `${rule}; ${shown} is not supported`);
    }
    if (!grants.includes(grant)) grants.push(grant);
  }
  if (!grants.includes('client_credentials')) throw new InvalidClientMetadataError('grant_types', rule);
  return grants;
}

function checkAudience(value: unknown): string[] {
  if (value === undefined) return [];
  const rule = `must be an array of at most ${MAX_AUDIENCES} non-empty strings of at most ${MAX_AUDIENCE_LENGTH} characters without control characters`;
  if (!Array.isArray(value) || value.length > MAX_AUDIENCES) throw new InvalidClientMetadataError('audience', rule);
  const audiences: string[] = [];
  for (const entry of value as unknown[]) {
    const ok =
      typeof entry === 'string' &&
      entry.trim().length > 0 &&
      entry.length <= MAX_AUDIENCE_LENGTH &&
      !CONTROL_CHARACTER.test(entry);
    if (!ok) throw new InvalidClientMetadataError('audience', rule);
    if (!audiences.includes(entry)) audiences.push(entry);
  }
  return audiences;
}

function checkTtl(field: string, value: unknown, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new InvalidClientMetadataError(field, `must be a whole number of seconds from 1 to ${max}`);
  }
  return value;
}

function checkAuthMethod(value: unknown): TokenEndpointAuthMethod {
  if (value === undefined) return 'client_secret_basic';
  const method = TOKEN_ENDPOINT_AUTH_METHODS.find((known) => known === value);
  if (method === undefined) {
    throw new InvalidClientMetadataError(
      'token_endpoint_auth_method',
      `must be one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}`,
    );
  }
  return method;
}
