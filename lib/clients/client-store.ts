/**
 * The client registry port. `lib/clients` is the only place that knows how clients are stored:
 * the token router, the bearer middleware and the registration API speak to this interface.
 */

/** Grants a client may be registered for. */
export type GrantType = 'client_credentials' | 'refresh_token';

export const GRANT_TYPES: readonly GrantType[] = ['client_credentials', 'refresh_token'];

/** A registered machine client, as the stores return it (a copy: mutating it changes nothing stored). */
export interface ClientRecord {
  /** The database id (Mongo `_id` as a hex string; a random id in memory). */
  id: string;
  /** The public client identifier, a random UUID unless imported. */
  clientId: string;
  name: string;
  /** `sha256$…` or `scrypt$N$r$p$salt$hash`; never leaves the registry through any API. */
  secretHash: string;
  /** The hash before the last rotation, accepted until `previousSecretExpiresAt`. */
  previousSecretHash?: string;
  previousSecretExpiresAt?: Date;
  scopes: string[];
  audiences: string[];
  grantTypes: GrantType[];
  /** Access token lifetime in seconds; the router's default when absent. */
  accessTokenTtl?: number;
  /** Refresh token lifetime in seconds; the router's default when absent. */
  refreshTokenTtl?: number;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastUsedAt?: Date;
}

/** What `create` takes: the store assigns `id`, timestamps and (when absent) `clientId`. */
export interface NewClient {
  clientId?: string;
  name: string;
  secretHash: string;
  scopes?: string[];
  audiences?: string[];
  grantTypes?: GrantType[];
  accessTokenTtl?: number;
  refreshTokenTtl?: number;
  disabled?: boolean;
}

/**
 * What `update` changes. A property set to `null` is removed (e.g. `previousSecretHash: null`);
 * an absent one is left alone.
 */
export interface ClientUpdate {
  name?: string;
  secretHash?: string;
  previousSecretHash?: string | null;
  previousSecretExpiresAt?: Date | null;
  scopes?: string[];
  audiences?: string[];
  grantTypes?: GrantType[];
  accessTokenTtl?: number | null;
  refreshTokenTtl?: number | null;
  disabled?: boolean;
}

export interface ListOptions {
  /** Page size, 1 to 1000; 100 by default. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface ClientPage {
  items: ClientRecord[];
  /** Present when there are more clients after this page. */
  nextCursor?: string;
}

export interface ClientStore {
  /** The client, or `null` when none has that id. */
  findByClientId(clientId: string): Promise<ClientRecord | null>;
  /** Throws `DuplicateClientError` when the client id is taken, `InvalidClientRecordError` on bad data. */
  create(client: NewClient): Promise<ClientRecord>;
  /** The updated client, or `null` when none has that id. */
  update(clientId: string, changes: ClientUpdate): Promise<ClientRecord | null>;
  /** `true` when a client was deleted. */
  delete(clientId: string): Promise<boolean>;
  /** Clients ordered by creation, a page at a time. */
  list(options?: ListOptions): Promise<ClientPage>;
  /** Records the time of the client's last successful authentication. */
  markUsed(clientId: string, at?: Date): Promise<void>;
  /** Resolves when the store answers; throws `StoreUnavailableError` when it does not. */
  ping(): Promise<void>;
}
