/**
 * Refresh tokens on the token endpoint (RFC 6749 §1.5, §6; rotation and reuse detection as in
 * RFC 9700 §4.14.2): opt-in per client (`grantTypes` includes `refresh_token`), opaque values
 * stored only as SHA-256 hashes in the token-state store, each family started by a
 * client-credentials grant and continued by every rotation. Lifetime: the client's
 * `refreshTokenTtl`, else the router's default, never more than the router's maximum.
 * Every store call runs under the router's deadline (a store that is down is a 503).
 */
import { randomUUID } from 'node:crypto';
import type { ClientRecord } from '../clients';
import type { RefreshTokenRecord, RefreshTokenUse, TokenStateStore } from '../lifecycle/token-state-store';
import { generateRefreshToken, hashRefreshToken, looksLikeRefreshToken } from '../lifecycle/refresh-token-value';
import { withStoreDeadline } from '../clients';

export interface RefreshTokensOptions {
  store: TokenStateStore;
  /** Seconds, for a client without its own `refreshTokenTtl`. */
  defaultTtl: number;
  /** Seconds; caps a client's own lifetime. */
  maxTtl: number;
  storeTimeoutMs: number;
}

export interface RefreshTokenRequest {
  client: ClientRecord;
  scopes: readonly string[];
  audience: readonly string[];
  /** The family a rotation continues; a new family when absent. */
  familyId?: string;
}

export interface IssuedRefreshToken {
  refreshToken: string;
  familyId: string;
  expiresAt: Date;
}

export interface RefreshTokens {
  /** A refresh token for a client registered for `refresh_token`; `undefined` for any other client. */
  issueFor(request: RefreshTokenRequest): Promise<IssuedRefreshToken | undefined>;
  /** The live record of a presented token, or `null` (unknown, used, revoked, expired, malformed). */
  find(token: string): Promise<RefreshTokenRecord | null>;
  /** Consumes a presented token of `clientId` (atomic; a replay revokes the family). */
  consume(token: string, clientId: string): Promise<RefreshTokenUse>;
  /** Revokes every token of a family. */
  revokeFamily(familyId: string): Promise<void>;
}

/**
 * @example
 * const refreshTokens = refreshTokenService({ store, defaultTtl: 86400, maxTtl: 2592000, storeTimeoutMs: 5000 });
 * const issued = await refreshTokens.issueFor({ client, scopes: ['read'], audience: ['api'] });
 */
export function refreshTokenService(options: RefreshTokensOptions): RefreshTokens {
  const { store, defaultTtl, maxTtl, storeTimeoutMs } = options;
  const withDeadline = <T>(call: () => Promise<T>): Promise<T> => withStoreDeadline(call, storeTimeoutMs, 'the token-state store');

  return {
    async issueFor({ client, scopes, audience, familyId }) {
      if (!client.grantTypes.includes('refresh_token')) return undefined;
      const ttl = Math.min(client.refreshTokenTtl ?? defaultTtl, maxTtl);
      const refreshToken = generateRefreshToken();
      const expiresAt = new Date(Date.now() + ttl * 1000);
      const family = familyId ?? randomUUID();
      await withDeadline(() =>
        store.saveRefreshToken({
          tokenHash: hashRefreshToken(refreshToken),
          familyId: family,
          clientId: client.clientId,
          scopes: [...scopes],
          audiences: [...audience],
          expiresAt,
        }),
      );
      return { refreshToken, familyId: family, expiresAt };
    },
    async find(token) {
      if (!looksLikeRefreshToken(token)) return null;
      return withDeadline(() => store.findRefreshToken(hashRefreshToken(token)));
    },
    async consume(token, clientId) {
      if (!looksLikeRefreshToken(token)) return { status: 'invalid' };
      return withDeadline(() => store.consumeRefreshToken(hashRefreshToken(token), clientId));
    },
    revokeFamily(familyId) {
      return withDeadline(() => store.revokeRefreshFamily(familyId));
    },
  };
}
