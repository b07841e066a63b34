/**
 * RFC 7517 §5 — serves the keyring's public keys as a JWK Set (`GET /.well-known/jwks.json`).
 * Public members only (the keyring builds the set); HS256 secrets are never listed.
 */
import type { RequestHandler } from 'express';
import type { Keyring } from './keyring';

export interface JwksHandlerOptions {
  /** `Cache-Control: public, max-age=…` in seconds; 300 by default. Keep it below the rotation overlap. */
  maxAgeSeconds?: number;
}

/**
 * An Express handler that answers with the keyring's JWKS as `application/json`.
 *
 * @example
 * app.get('/.well-known/jwks.json', jwksHandler(keyring));
 */
export function jwksHandler(keyring: Keyring, options: JwksHandlerOptions = {}): RequestHandler {
  const maxAge = options.maxAgeSeconds ?? 300;
  if (!Number.isInteger(maxAge) || maxAge < 0) {
    throw new RangeError('jwksHandler: maxAgeSeconds must be a non-negative whole number of seconds.');
  }
  const cacheControl = `public, max-age=${maxAge}`;
  return (_req, res) => {
    res.set('Cache-Control', cacheControl);
    res.type('application/json').send(JSON.stringify(keyring.jwks()));
  };
}
