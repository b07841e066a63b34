'use strict';
/**
 * Before a server is measured, one request proves it does the work being compared: a token
 * endpoint answers 200 with a JWT signed by the run's key (verified here) carrying the expected
 * header and claims, and refuses a wrong secret; a protected route admits a valid token and
 * refuses a missing one. A server that fails is reported, not measured.
 */
const jsonwebtoken = require('jsonwebtoken');
const { AUDIENCE, CLIENT_ID, ISSUER, SCOPE, TOKEN_REQUEST_BODY, basicAuthorization } = require('./fixture');
const { verificationKeyFromPem } = require('./jwt');

const TIMEOUT_MS = 10_000;

async function post(url, headers, body) {
  const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
  return { status: response.status, text: await response.text() };
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function checkTokenEndpoint(url, { key, secret }) {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const ok = await post(url, { ...form, authorization: basicAuthorization(secret) }, TOKEN_REQUEST_BODY);
  expect(ok.status === 200, `token request answered ${ok.status}: ${ok.text.slice(0, 300)}`);
  const body = JSON.parse(ok.text);
  expect(typeof body.access_token === 'string', 'no access_token in the answer');
  expect(/^bearer$/i.test(body.token_type), `token_type ${body.token_type}`);
  const { key: publicKey } = verificationKeyFromPem(key);
  const decoded = jsonwebtoken.verify(body.access_token, publicKey, { algorithms: [key.alg], complete: true });
  const { header, payload } = decoded;
  expect(header.alg === key.alg && header.kid === key.kid, `header ${JSON.stringify(header)}`);
  expect(String(header.typ).toLowerCase() === 'at+jwt', `typ ${header.typ}`);
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  expect(payload.iss === ISSUER && aud.includes(AUDIENCE), `iss/aud ${payload.iss} ${JSON.stringify(payload.aud)}`);
  expect(payload.client_id === CLIENT_ID && String(payload.scope).split(' ').includes(SCOPE), `claims ${JSON.stringify(payload)}`);
  expect(typeof payload.jti === 'string' && typeof payload.exp === 'number', 'no jti/exp');

  const wrong = await post(url, { ...form, authorization: basicAuthorization(`${secret}x`) }, TOKEN_REQUEST_BODY);
  expect(wrong.status === 401 || wrong.status === 400, `a wrong secret answered ${wrong.status}`);
  return { header, payload };
}

async function checkProtectedRoute(url, { token, requiresToken }) {
  const get = (headers) => fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const ok = await get({ authorization: `Bearer ${token}` });
  const text = await ok.text();
  expect(ok.status === 200, `a valid token answered ${ok.status}: ${text.slice(0, 300)}`);
  expect(JSON.parse(text).client_id === CLIENT_ID, `body ${text.slice(0, 200)}`);
  if (requiresToken) {
    const none = await get({});
    await none.text();
    expect(none.status === 401, `no token answered ${none.status}`);
    const forged = await get({ authorization: `Bearer ${token.slice(0, -4)}AAAA` });
    await forged.text();
    expect(forged.status === 401, `a forged signature answered ${forged.status}`);
  }
}

module.exports = { checkTokenEndpoint, checkProtectedRoute };
