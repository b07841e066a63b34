'use strict';
/**
 * The ceiling of the token endpoint: a minimal hand-written Express route doing the same work as
 * the library — parse the form body and the Basic header, look the client up, check the secret
 * (SHA-256 + timingSafeEqual), check grant and scope, sign the RFC 9068 claims, answer RFC 6749
 * §5.1 JSON with `Cache-Control: no-store`. No option handling, no hooks, no error rendering
 * beyond the bare codes.
 */
const express = require('express');
const { accessTokenClaims, clientTable, TOKEN_TTL_SECONDS } = require('../../lib/fixture');
const { signingKeyFromPem, signAccessToken } = require('../../lib/jwt');

function parseBasic(header) {
  if (typeof header !== 'string' || !header.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}

/**
 * The shared request handling; `sign(claims)` returns the JWT or a promise of it. With
 * `answerOnNextTurn`, the 200 answer is written from a `setImmediate` (as `tokenRouter` does).
 */
function ceilingTokenRoute(options, sign, { answerOnNextTurn = false } = {}) {
  const clients = clientTable(options.secret);
  return async (req, res) => {
    const credentials = parseBasic(req.headers.authorization);
    const client = credentials && clients.check(credentials.id, credentials.secret);
    if (!client) {
      res.status(401).set('WWW-Authenticate', 'Basic realm="oauth2"').json({ error: 'invalid_client' });
      return;
    }
    if (req.body?.grant_type !== 'client_credentials') {
      res.status(400).json({ error: 'unsupported_grant_type' });
      return;
    }
    const requested = typeof req.body.scope === 'string' ? req.body.scope.split(' ') : client.scopes;
    if (!requested.every((scope) => client.scopes.includes(scope))) {
      res.status(400).json({ error: 'invalid_scope' });
      return;
    }
    const scope = requested.join(' ');
    const accessToken = await sign(accessTokenClaims(client.clientId, scope));
    const answer = () => {
      res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
      res.json({ access_token: accessToken, token_type: 'Bearer', expires_in: TOKEN_TTL_SECONDS, scope });
    };
    if (answerOnNextTurn) setImmediate(answer);
    else answer();
  };
}

/** The ceiling's app: the route at /oauth2/token behind the form parser. */
function ceilingApp(options, sign, routeOptions) {
  const app = express();
  app.post('/oauth2/token', express.urlencoded({ extended: false, limit: '16kb' }), ceilingTokenRoute(options, sign, routeOptions));
  return app;
}

function createApp(options) {
  const signingKey = signingKeyFromPem(options.key);
  return ceilingApp(options, (claims) => signAccessToken(claims, signingKey));
}

module.exports = { createApp, ceilingApp };
