/**
 * The token-state port: what the server remembers about tokens after issuing them.
 *
 * - Revoked access tokens (RFC 7009): a `jti` is kept until the token's own `exp`, after which the
 *   token is refused on its expiry anyway, so the entry may go.
 * - Refresh tokens (RFC 6749 §1.5, §6; rotation and reuse detection as in the OAuth 2.0 Security BCP,
 *   RFC 9700 §4.14.2): opaque values kept only as SHA-256 hashes, grouped in families; each use
 *   consumes one and issues the next; a consumed one presented again revokes its whole family.
 *
 * Adapters: `MemoryTokenStateStore` (embedded) and `MongoTokenStateStore` (TTL indexes clean expired
 * entries). Every method is async; a store that is down throws `StoreUnavailableError`.
 */

export interface RevokedAccessToken {
  jti: string;
  clientId: string;
  /** The token's `exp`: the entry is needed until then. */
  expiresAt: Date;
  revokedAt: Date;
}

export interface RefreshTokenRecord {
  /** SHA-256 (base64url) of the opaque token; the token itself is never stored. */
  tokenHash: string;
  /** Every token issued from one client-credentials grant and its rotations shares a family. */
  familyId: string;
  clientId: string;
  scopes: string[];
  audiences: string[];
  expiresAt: Date;
  createdAt: Date;
  usedAt?: Date;
  revokedAt?: Date;
}

export type NewRefreshToken = Omit<RefreshTokenRecord, 'createdAt' | 'usedAt' | 'revokedAt'>;

/** The outcome of presenting a refresh token. */
export type RefreshTokenUse =
  | { status: 'consumed'; token: RefreshTokenRecord }
  /** Already used: a replay. The family has been revoked. */
  | { status: 'reused'; familyId: string; clientId: string }
  /** Unknown, expired, revoked, or another client's. */
  | { status: 'invalid' };

export interface TokenStateStore {
  /** Records a revoked access token; revoking twice is harmless. */
  revokeAccessToken(entry: Omit<RevokedAccessToken, 'revokedAt'>, now?: Date): Promise<void>;
  isAccessTokenRevoked(jti: string, now?: Date): Promise<boolean>;
  /** Revocations recorded after `since`, oldest first (other instances poll this). */
  revokedSince(since: Date, limit?: number): Promise<RevokedAccessToken[]>;

  saveRefreshToken(token: NewRefreshToken, now?: Date): Promise<void>;
  /**
   * Atomically marks a live refresh token of `clientId` used; a second use revokes its family.
   * A token of another client is `invalid` and changes nothing (a client cannot burn or revoke
   * another client's tokens by presenting them).
   */
  consumeRefreshToken(tokenHash: string, clientId: string, now?: Date): Promise<RefreshTokenUse>;
  /** The live record for a hash (for introspection and revocation), or `null`. */
  findRefreshToken(tokenHash: string, now?: Date): Promise<RefreshTokenRecord | null>;
  revokeRefreshFamily(familyId: string, now?: Date): Promise<void>;
  /** Revokes every refresh token of a client (client deleted or secret compromised). */
  revokeClientRefreshTokens(clientId: string, now?: Date): Promise<void>;
}
