'use strict';
/**
 * PROTOTYPE (bench only; the library has no signing pool yet): the ceiling route with signing
 * moved to a piscina pool of worker threads, each of which parses the PEM once and signs with
 * jsonwebtoken. `options.threads` workers; the main thread only parses, checks and answers.
 */
const path = require('node:path');
const express = require('express');
const { Piscina } = require('piscina');
const { ceilingTokenRoute } = require('./ceiling');

function createApp(options) {
  const threads = options.threads ?? 2;
  const pool = new Piscina({
    filename: path.join(__dirname, 'sign-worker.js'),
    minThreads: threads,
    maxThreads: threads,
    workerData: { key: options.key },
  });
  const app = express();
  app.post(
    '/oauth2/token',
    express.urlencoded({ extended: false, limit: '16kb' }),
    ceilingTokenRoute(options, (claims) => pool.run(claims)),
  );
  return app;
}

module.exports = { createApp };
