/**
 * What the bearer middleware hands the route: `req.auth` (RFC 9068 §2.2 claims, typed) and
 * `req.user` for Passport users. Declared on Express's `Request` by module augmentation.
 */
import type { AccessTokenClaims } from '../keys/types';

/** The verified access token of the request. */
export interface AccessTokenAuth {
  /** `client_id` (RFC 9068 §2.2). */
  clientId: string;
  /** The token's scopes, from the space-delimited `scope` string or a `scope` array. */
  scopes: string[];
  /** The token's `aud`, always as a list. */
  audience: string[];
  /** `jti`: the token's unique id (what revocation names). */
  jti: string;
  /** `exp` as a date. */
  expiresAt: Date;
  /** Every claim of the token, as verified (frozen: the same object may serve several requests). */
  claims: Readonly<AccessTokenClaims>;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `requireToken` when the request carries a valid access token. */
      auth?: AccessTokenAuth;
    }
  }
}
