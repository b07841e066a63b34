'use strict';
/** passport-http-bearer 1 on a private Passport, verifying with jsonwebtoken (public key, issuer, audience), then a scope check. */
const express = require('express');
const jsonwebtoken = require('jsonwebtoken');
const { Passport } = require('passport');
const { Strategy: BearerStrategy } = require('passport-http-bearer');
const { AUDIENCE, ISSUER } = require('../../lib/fixture');
const { verificationKeyFromPem } = require('../../lib/jwt');
const { recordsHandler, scopeGuard } = require('./route');

function createApp(options) {
  const { key, alg } = verificationKeyFromPem(options.key);
  const passport = new Passport();
  passport.use(
    new BearerStrategy((token, done) => {
      jsonwebtoken.verify(token, key, { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE }, (error, claims) => {
        if (error) done(null, false);
        else done(null, claims, { scope: claims.scope });
      });
    }),
  );
  const app = express();
  app.get(
    '/api/records',
    passport.authenticate('bearer', { session: false }),
    scopeGuard((req) => req.user),
    recordsHandler((req) => req.user.client_id),
  );
  return app;
}

module.exports = { createApp };
