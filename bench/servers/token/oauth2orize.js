'use strict';
/**
 * oauth2orize 1.12 + passport-http: the Basic strategy checks the secret (SHA-256 +
 * timingSafeEqual) on a private Passport instance, oauth2orize's client-credentials exchange
 * signs the same claims with the same key.
 */
const express = require('express');
const oauth2orize = require('oauth2orize');
const { Passport } = require('passport');
const { BasicStrategy } = require('passport-http');
const { accessTokenClaims, clientTable, TOKEN_TTL_SECONDS } = require('../../lib/fixture');
const { signingKeyFromPem, signAccessToken } = require('../../lib/jwt');

function createApp(options) {
  const signingKey = signingKeyFromPem(options.key);
  const clients = clientTable(options.secret);

  const passport = new Passport();
  passport.use(new BasicStrategy((clientId, secret, done) => done(null, clients.check(clientId, secret) || false)));

  const server = oauth2orize.createServer();
  server.exchange(
    oauth2orize.exchange.clientCredentials((client, scope, done) => {
      const requested = scope && scope.length > 0 ? scope : client.scopes;
      if (!requested.every((s) => client.scopes.includes(s))) {
        done(new oauth2orize.TokenError('The scope is not allowed.', 'invalid_scope'));
        return;
      }
      const granted = requested.join(' ');
      const token = signAccessToken(accessTokenClaims(client.clientId, granted), signingKey);
      done(null, token, null, { expires_in: TOKEN_TTL_SECONDS, scope: granted });
    }),
  );

  const app = express();
  app.post(
    '/oauth2/token',
    express.urlencoded({ extended: false, limit: '16kb' }),
    passport.authenticate('basic', { session: false }),
    server.token(),
    server.errorHandler(),
  );
  return app;
}

module.exports = { createApp };
