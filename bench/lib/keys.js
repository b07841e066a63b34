'use strict';
/**
 * The key material of one run: one RSA-2048 key (RS256) and one P-256 key (ES256), generated once,
 * handed to every server as the same PEM, with the same kid. Also the client secret of the run.
 */
const crypto = require('node:crypto');
const { promisify } = require('node:util');

const generateKeyPair = promisify(crypto.generateKeyPair);

async function generateRunKeys() {
  const rsa = await generateKeyPair('rsa', { modulusLength: 2048 });
  const ec = await generateKeyPair('ec', { namedCurve: 'P-256' });
  const pem = (pair) => pair.privateKey.export({ type: 'pkcs8', format: 'pem' });
  return {
    RS256: { alg: 'RS256', kid: 'bench-rs256', pem: pem(rsa) },
    ES256: { alg: 'ES256', kid: 'bench-es256', pem: pem(ec) },
  };
}

/** A client secret as the library generates them: 32 random bytes, base64url. */
function generateSecret() {
  return crypto.randomBytes(32).toString('base64url');
}

module.exports = { generateRunKeys, generateSecret };
