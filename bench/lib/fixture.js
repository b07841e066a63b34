'use strict';
/**
 * What every server under test shares: the issuer, the audience and scope of the demo route, the
 * one registered client, the claims of an access token, and the secret check every token server
 * uses (SHA-256 of the presented secret compared with `crypto.timingSafeEqual`, the check the
 * library applies to generated secrets). The key material itself is generated once per run by the
 * parent (`lib/keys.js`) and handed to each server, which parses it into a KeyObject once.
 */
const crypto = require('node:crypto');

const ISSUER = 'https://as.bench.local';
const AUDIENCE = 'example-api';
const SCOPE = 'records:read';
const CLIENT_ID = 'bench-client';
const TOKEN_TTL_SECONDS = 600;
/** Tokens pre-signed for the protected-route scenarios live long enough for the whole run. */
const PRESIGNED_TTL_SECONDS = 3 * 3600;

/** The body every token request sends (form-encoded; the client authenticates with Basic). */
const TOKEN_REQUEST_BODY = `grant_type=client_credentials&scope=${encodeURIComponent(SCOPE)}`;

/** The small JSON answer of the protected route. */
const RECORDS = [
  { id: 'rec-0001', type: 'birth', registeredAt: '2026-01-12' },
  { id: 'rec-0002', type: 'death', registeredAt: '2026-02-03' },
];

function sha256(text) {
  return crypto.createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The client table of the peers and the ceiling: client id → record with the SHA-256 of its secret.
 * `check(clientId, secret)` returns the record or null, in constant time for a known client.
 */
function clientTable(secret) {
  const clients = new Map([[CLIENT_ID, { clientId: CLIENT_ID, secretDigest: sha256(secret), scopes: [SCOPE], audience: AUDIENCE }]]);
  return {
    find: (clientId) => clients.get(clientId) ?? null,
    check(clientId, presented) {
      const client = clients.get(clientId);
      if (!client || typeof presented !== 'string') return null;
      return crypto.timingSafeEqual(sha256(presented), client.secretDigest) ? client : null;
    },
  };
}

/** RFC 9068 claims of a token issued to `clientId`, as every token server here issues them. */
function accessTokenClaims(clientId, scope = SCOPE, ttl = TOKEN_TTL_SECONDS) {
  const iat = Math.floor(Date.now() / 1000);
  return { iss: ISSUER, sub: clientId, client_id: clientId, aud: AUDIENCE, scope, iat, exp: iat + ttl, jti: crypto.randomUUID() };
}

/** The Basic header of the bench client (RFC 6749 §2.3.1: form-urlencoded id and secret). */
function basicAuthorization(secret) {
  const credentials = `${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(secret)}`;
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

/** Whether a space-delimited (or array) scope claim holds `required`. */
function hasScope(scopeClaim, required = SCOPE) {
  if (Array.isArray(scopeClaim)) return scopeClaim.includes(required);
  return typeof scopeClaim === 'string' && scopeClaim.split(' ').includes(required);
}

module.exports = {
  ISSUER,
  AUDIENCE,
  SCOPE,
  CLIENT_ID,
  TOKEN_TTL_SECONDS,
  PRESIGNED_TTL_SECONDS,
  TOKEN_REQUEST_BODY,
  RECORDS,
  clientTable,
  accessTokenClaims,
  basicAuthorization,
  hasScope,
};
