'use strict';
/**
 * Reference, not a target: the ceiling route with the JWT assembled and signed by node:crypto
 * directly instead of jsonwebtoken (the signer the library is specified to use). The gap between
 * this and the ceiling is what jsonwebtoken's own work (option checks, payload validation, jws)
 * costs per token.
 */
const express = require('express');
const { signingKeyFromPem, signAccessTokenFast } = require('../../lib/jwt');
const { ceilingTokenRoute } = require('./ceiling');

function createApp(options) {
  const signingKey = signingKeyFromPem(options.key);
  const app = express();
  app.post(
    '/oauth2/token',
    express.urlencoded({ extended: false, limit: '16kb' }),
    ceilingTokenRoute(options, (claims) => signAccessTokenFast(claims, signingKey)),
  );
  return app;
}

module.exports = { createApp };
