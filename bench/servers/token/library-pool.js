'use strict';
/**
 * This library's token endpoint signing on worker threads: `tokenRouter` as in library.js, with a
 * `SigningPool` of `options.threads` workers (the main thread parses, authenticates and answers).
 */
const express = require('express');
const { requireLibrary } = require('../library-path');
const { createApp: createLibraryApp } = require('./library');

async function createApp(options) {
  const { SigningPool } = requireLibrary(options.libDir, 'keys');
  const signingPool = new SigningPool({ threads: options.threads ?? 2 });
  return createLibraryApp({ ...options, signingPool });
}

module.exports = { createApp };
