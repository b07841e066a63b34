'use strict';
/**
 * Reference, not a target: the ceiling route writing its 200 answer on the next turn of the event
 * loop (`setImmediate`), as `tokenRouter` does. The gap between this and the ceiling is what that
 * scheduling alone is worth on the machine; the gap between the library and this is what the
 * library's own work costs.
 */
const { signingKeyFromPem, signAccessToken } = require('../../lib/jwt');
const { ceilingApp } = require('./ceiling');

function createApp(options) {
  const signingKey = signingKeyFromPem(options.key);
  return ceilingApp(options, (claims) => signAccessToken(claims, signingKey), { answerOnNextTurn: true });
}

module.exports = { createApp };
