'use strict';
/** piscina worker: parses the run's PEM once per thread and signs each claims object with jsonwebtoken. */
const { workerData } = require('node:worker_threads');
const { signingKeyFromPem, signAccessToken } = require('../../lib/jwt');

const signingKey = signingKeyFromPem(workerData.key);

module.exports = (claims) => signAccessToken(claims, signingKey);
