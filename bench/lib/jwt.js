'use strict';
/**
 * Signing for the peers, the ceiling and the token pools. Every server parses the run's PEM into a
 * KeyObject once, at start (`signingKeyFromPem`), and signs with jsonwebtoken — the signer the
 * library itself wraps — with the same header (`alg`, `typ: at+jwt`, `kid`).
 */
const crypto = require('node:crypto');
const jsonwebtoken = require('jsonwebtoken');

function signingKeyFromPem({ pem, alg, kid }) {
  return { alg, kid, key: crypto.createPrivateKey(pem) };
}

function verificationKeyFromPem({ pem, alg, kid }) {
  return { alg, kid, key: crypto.createPublicKey(crypto.createPrivateKey(pem)) };
}

function signAccessToken(claims, signingKey) {
  return jsonwebtoken.sign(claims, signingKey.key, {
    algorithm: signingKey.alg,
    header: { alg: signingKey.alg, typ: 'at+jwt', kid: signingKey.kid },
  });
}

/**
 * The same JWT, signed with node:crypto directly (no jsonwebtoken overhead): used only to
 * pre-sign the token pools quickly. RS256 is RSASSA-PKCS1-v1_5 (deterministic), ES256 uses the
 * JOSE (IEEE P1363) signature encoding.
 */
function signAccessTokenFast(claims, signingKey) {
  const header = Buffer.from(JSON.stringify({ alg: signingKey.alg, typ: 'at+jwt', kid: signingKey.kid })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const input = `${header}.${payload}`;
  const options = signingKey.alg === 'ES256' ? { key: signingKey.key, dsaEncoding: 'ieee-p1363' } : signingKey.key;
  const signature = crypto.sign('sha256', Buffer.from(input), options).toString('base64url');
  return `${input}.${signature}`;
}

module.exports = { signingKeyFromPem, verificationKeyFromPem, signAccessToken, signAccessTokenFast };
