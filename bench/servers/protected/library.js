'use strict';
/** This library's bearer middleware: `requireToken` (audience + scope, default verified-token cache). */
const express = require('express');
const { AUDIENCE, ISSUER, SCOPE } = require('../../lib/fixture');
const { requireLibrary } = require('../library-path');
const { recordsHandler } = require('./route');

function createApp(options) {
  const { Keyring } = requireLibrary(options.libDir, 'keys');
  const { requireToken } = requireLibrary(options.libDir, 'bearer');
  const keys = Keyring.fromPem({ privateKey: options.key.pem, alg: options.key.alg, kid: options.key.kid });
  const app = express();
  app.get(
    '/api/records',
    requireToken({ keys, issuer: ISSUER, audience: AUDIENCE, scope: SCOPE }),
    recordsHandler((req) => req.auth.clientId),
  );
  return app;
}

module.exports = { createApp };
