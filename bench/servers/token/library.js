'use strict';
/**
 * This library's token endpoint: `tokenRouter` mounted at /oauth2 with the memory client store,
 * the run's key (Keyring.fromPem) and a client whose secret hash is `hashGeneratedSecret`
 * (SHA-256, compared with timingSafeEqual). `options.signingPool` (library-pool.js) signs on workers.
 */
const express = require('express');
const { AUDIENCE, CLIENT_ID, ISSUER, SCOPE } = require('../../lib/fixture');
const { requireLibrary } = require('../library-path');

async function createApp(options) {
  const { Keyring } = requireLibrary(options.libDir, 'keys');
  const { MemoryClientStore, hashGeneratedSecret } = requireLibrary(options.libDir, 'clients');
  const { tokenRouter } = requireLibrary(options.libDir, 'token');

  const keys = Keyring.fromPem({ privateKey: options.key.pem, alg: options.key.alg, kid: options.key.kid });
  const clients = new MemoryClientStore();
  await clients.create({
    clientId: CLIENT_ID,
    name: 'bench client',
    secretHash: hashGeneratedSecret(options.secret),
    scopes: [SCOPE],
    audiences: [AUDIENCE],
  });
  const app = express();
  const signing = options.signingPool ? { signingPool: options.signingPool } : {};
  app.use('/oauth2', tokenRouter({ clients, keys, issuer: ISSUER, defaultAudience: [AUDIENCE], ...signing }));
  return app;
}

module.exports = { createApp };
