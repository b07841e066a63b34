/**
 * Which token a revocation or introspection request names (RFC 7009 §2.1, RFC 7662 §2.1): an
 * access token is one whose signature, issuer, type and lifetime verify against the router's own
 * keyring (a key scheduled for retirement still verifies until it is gone); a refresh token is one
 * whose hash the token-state store holds, live. Anything else — forged, expired, garbage, another
 * server's — is no token at all. `token_type_hint` only orders the two look-ups (§2.1: the server
 * extends its search when the hint is wrong); an unknown hint is ignored (RFC 7009 §2.2 allows
 * `unsupported_token_type`, this server supports both types).
 */
import type { AccessTokenClaims, VerificationKeySource } from '../keys';
import { JwtVerificationError, verifyJwt } from '../keys';
import type { RefreshTokenRecord } from '../lifecycle/token-state-store';
import type { RefreshTokens } from './refresh-tokens';

export type FoundToken =
  | { kind: 'access_token'; claims: AccessTokenClaims }
  | { kind: 'refresh_token'; record: RefreshTokenRecord }
  | { kind: 'none' };

export interface TokenLookupOptions {
  keys: VerificationKeySource;
  issuer: string;
  /**
   * The JWT `typ` the router issues (`at+jwt` by default). `at+jwt` and `JWT` are accepted too: a
   * profile router sharing this server's keys and issuer (OpenCRVS: `JWT`) issues access tokens
   * that this router's revocation and introspection must recognise; this server signs nothing else.
   */
  tokenType: string;
  refreshTokens: Pick<RefreshTokens, 'find'>;
}

/** Finds what a token is; rejects only when the store does not answer (`StoreUnavailableError`). */
export type TokenLookup = (token: string, hint: string | undefined) => Promise<FoundToken>;

const NONE: FoundToken = { kind: 'none' };

/**
 * @example
 * const findToken = tokenLookup({ keys, issuer, tokenType: 'at+jwt', refreshTokens });
 * const found = await findToken(parameters.get('token'), parameters.get('token_type_hint'));
 */
export function tokenLookup(options: TokenLookupOptions): TokenLookup {
  const { keys, issuer, tokenType, refreshTokens } = options;
  const acceptedTypes = [...new Set([tokenType, 'at+jwt', 'JWT'])];

  async function accessToken(token: string): Promise<FoundToken> {
    if (!token.includes('.')) return NONE;
    try {
      const { claims } = await verifyJwt(token, keys, { issuer, acceptedTypes });
      return { kind: 'access_token', claims };
    } catch (error) {
      if (error instanceof JwtVerificationError) return NONE;
      throw error;
    }
  }

  async function refreshToken(token: string): Promise<FoundToken> {
    const record = await refreshTokens.find(token);
    return record ? { kind: 'refresh_token', record } : NONE;
  }

  return async (token, hint) => {
    const order = hint === 'refresh_token' ? [refreshToken, accessToken] : [accessToken, refreshToken];
    for (const look of order) {
      const found = await look(token);
      if (found.kind !== 'none') return found;
    }
    return NONE;
  };
}

/** The client a found token was issued to. */
export function ownerOf(found: Exclude<FoundToken, { kind: 'none' }>): string {
  return found.kind === 'access_token' ? found.claims.client_id : found.record.clientId;
}
