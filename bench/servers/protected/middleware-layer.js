'use strict';
/**
 * Reference (not a guard): the route behind one middleware that checks nothing and only sets
 * `req.auth`, as any guard must. The gap between this and the no-auth ceiling is what one more
 * Express middleware layer costs, before any token work.
 */
const express = require('express');
const { CLIENT_ID } = require('../../lib/fixture');
const { recordsHandler } = require('./route');

function createApp() {
  const app = express();
  const auth = Object.freeze({ clientId: CLIENT_ID });
  app.get(
    '/api/records',
    (req, _res, next) => {
      req.auth = auth;
      next();
    },
    recordsHandler((req) => req.auth.clientId),
  );
  return app;
}

module.exports = { createApp };
