'use strict';
/** Worker thread: signs `count` distinct access tokens and posts them back. */
const { parentPort, workerData } = require('node:worker_threads');
const { accessTokenClaims, CLIENT_ID, PRESIGNED_TTL_SECONDS, SCOPE } = require('./fixture');
const { signingKeyFromPem, signAccessTokenFast } = require('./jwt');

const signingKey = signingKeyFromPem(workerData.key);
const tokens = [];
for (let i = 0; i < workerData.count; i++) {
  tokens.push(signAccessTokenFast(accessTokenClaims(CLIENT_ID, SCOPE, PRESIGNED_TTL_SECONDS), signingKey));
}
parentPort.postMessage(tokens);
