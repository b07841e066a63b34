'use strict';
/** passport-jwt 4 on a private Passport, the run's public key, issuer and audience, then a scope check. */
const express = require('express');
const { Passport } = require('passport');
const { ExtractJwt, Strategy: JwtStrategy } = require('passport-jwt');
const { AUDIENCE, ISSUER } = require('../../lib/fixture');
const { verificationKeyFromPem } = require('../../lib/jwt');
const { recordsHandler, scopeGuard } = require('./route');

function createApp(options) {
  const { key, alg } = verificationKeyFromPem(options.key);
  const passport = new Passport();
  passport.use(
    new JwtStrategy(
      {
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        secretOrKey: key,
        algorithms: [alg],
        issuer: ISSUER,
        audience: AUDIENCE,
      },
      (claims, done) => done(null, claims),
    ),
  );
  const app = express();
  app.get(
    '/api/records',
    passport.authenticate('jwt', { session: false }),
    scopeGuard((req) => req.user),
    recordsHandler((req) => req.user.client_id),
  );
  return app;
}

module.exports = { createApp };
