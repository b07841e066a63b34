'use strict';
/**
 * Reference (not a guard): the no-auth route with its handler run on a later turn of the event loop
 * (`setImmediate`), the way `requireToken` and express-jwt hand an admitted request on. The gap
 * between this and the no-auth ceiling is what that scheduling alone is worth on the machine; the
 * gap between the library and this is what checking the token costs.
 */
const express = require('express');
const { CLIENT_ID } = require('../../lib/fixture');
const { recordsHandler } = require('./route');

function createApp() {
  const app = express();
  app.get('/api/records', (_req, _res, next) => setImmediate(next), recordsHandler(() => CLIENT_ID));
  return app;
}

module.exports = { createApp };
