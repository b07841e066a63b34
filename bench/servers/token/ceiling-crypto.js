'use strict';
/**
 * Reference, not a target: the ceiling route with the JWT assembled and signed by node:crypto
 * directly instead of jsonwebtoken (the signer the library is specified to use). The gap between
 * this and the ceiling is what jsonwebtoken's own work (option checks, payload validation, jws)
 * costs per token.
 */
const { signingKeyFromPem, signAccessTokenFast } = require('../../lib/jwt');
const { ceilingApp } = require('./ceiling');

function createApp(options) {
  const signingKey = signingKeyFromPem(options.key);
  return ceilingApp(options, (claims) => signAccessTokenFast(claims, signingKey));
}

module.exports = { createApp };
