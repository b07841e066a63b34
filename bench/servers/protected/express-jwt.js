'use strict';
/** express-jwt 8 with the run's public key (KeyObject), issuer and audience, then a scope check. */
const express = require('express');
const { expressjwt } = require('express-jwt');
const { AUDIENCE, ISSUER } = require('../../lib/fixture');
const { verificationKeyFromPem } = require('../../lib/jwt');
const { recordsHandler, scopeGuard } = require('./route');

function createApp(options) {
  const { key, alg } = verificationKeyFromPem(options.key);
  const app = express();
  app.get(
    '/api/records',
    expressjwt({ secret: key, algorithms: [alg], issuer: ISSUER, audience: AUDIENCE }),
    scopeGuard((req) => req.auth),
    recordsHandler((req) => req.auth.client_id),
  );
  // express-jwt passes a refusal on as an error (status 401); answer it as an app would.
  app.use((error, _req, res, _next) => {
    res.status(error.status ?? 500).json({ error: error.code ?? 'server_error' });
  });
  return app;
}

module.exports = { createApp };
