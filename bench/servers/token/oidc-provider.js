'use strict';
/**
 * oidc-provider 9 (ESM, loaded with import()): the client-credentials grant with JWT access
 * tokens through resource indicators (`accessTokenFormat: 'jwt'`), mounted in Express. The same
 * key (the run's PEM, given as a private JWK with the same kid) signs; the secret check is the
 * same (the provider's `Client#compareClientSecret` is replaced by SHA-256 + timingSafeEqual).
 */
const crypto = require('node:crypto');
const express = require('express');
const { AUDIENCE, CLIENT_ID, ISSUER, SCOPE, TOKEN_TTL_SECONDS, clientTable } = require('../../lib/fixture');

/** The resource indicator (RFC 8707 needs an absolute URI); its tokens carry `aud: example-api`. */
const RESOURCE = 'https://api.bench.local/';

async function createApp(options) {
  const { default: Provider } = await import('oidc-provider');
  const clients = clientTable(options.secret);
  const jwk = { ...crypto.createPrivateKey(options.key.pem).export({ format: 'jwk' }), kid: options.key.kid, alg: options.key.alg, use: 'sig' };

  const provider = new Provider(ISSUER, {
    clients: [
      {
        client_id: CLIENT_ID,
        // Never compared: compareClientSecret below checks the SHA-256 of the presented secret.
        client_secret: crypto.randomBytes(32).toString('base64url'),
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        // The provider checks every signing default against the keystore: name the run's algorithm.
        id_token_signed_response_alg: options.key.alg,
        scope: SCOPE,
      },
    ],
    jwks: { keys: [jwk] },
    scopes: [SCOPE],
    routes: { token: '/oauth2/token' },
    ttl: { ClientCredentials: TOKEN_TTL_SECONDS },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: SCOPE,
          audience: AUDIENCE,
          accessTokenTTL: TOKEN_TTL_SECONDS,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: options.key.alg } },
        }),
      },
    },
  });
  provider.Client.prototype.compareClientSecret = function compareClientSecret(presented) {
    return clients.check(this.clientId, presented) !== null;
  };

  const app = express();
  app.use(provider.callback());
  return app;
}

module.exports = { createApp };
