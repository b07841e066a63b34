'use strict';
/** The ceiling of the protected route: the same handler with no authentication at all. */
const express = require('express');
const { CLIENT_ID } = require('../../lib/fixture');
const { recordsHandler } = require('./route');

function createApp() {
  const app = express();
  app.get('/api/records', recordsHandler(() => CLIENT_ID));
  return app;
}

module.exports = { createApp };
