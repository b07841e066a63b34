/**
 * Why a JWT was refused, as a stable code (RFC 7519 §7.2 validation steps, RFC 9068 §4).
 * Callers `switch` on `code`; the message is for logs, never for clients.
 */
export type JwtVerificationErrorCode =
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_NOT_ACTIVE'
  | 'ERR_JWT_MALFORMED'
  | 'ERR_JWT_SIGNATURE'
  | 'ERR_JWT_KEY_NOT_FOUND'
  | 'ERR_JWT_ALG'
  | 'ERR_JWT_CLAIM'
  | 'ERR_JWT_TOO_LARGE'
  /** The key source could not be asked (a remote JWKS that does not answer): not the token's fault. */
  | 'ERR_JWKS_UNAVAILABLE';

export class JwtVerificationError extends Error {
  readonly code: JwtVerificationErrorCode;
  /** The claim (or header parameter, e.g. `typ`) that failed, for `ERR_JWT_CLAIM`. */
  readonly claim?: string;

  constructor(code: JwtVerificationErrorCode, message: string, claim?: string) {
    super(message);
    this.name = 'JwtVerificationError';
    this.code = code;
    if (claim !== undefined) this.claim = claim;
  }
}

/** Thrown by a key source that cannot be reached; `verifyJwt` turns it into `ERR_JWKS_UNAVAILABLE`. */
export class KeySourceUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeySourceUnavailableError';
  }
}
