'use strict';
/**
 * CPU per new token through a protected route's guard, in-process: resolves a microsecond where an
 * HTTP A/B on a noisy host resolves a few per cent. Not part of `npm run bench` (it measures no
 * target); a tool for changes to the cold path.
 *
 *   node bench/micro/guard-cpu.js library express-jwt            # the compiled library vs express-jwt
 *   node bench/micro/guard-cpu.js library library@/tmp/old/lib   # two builds of the library
 *
 * Each argument is a protected-route server of `bench/servers/protected/` (optionally `@<lib dir>`
 * for the library build it loads). Its guard layers (every layer of the route but the handler) are
 * called with a stub request (a flat `Authorization` header, as Node's parser gives it) and a stub
 * response; `next` is taken on whatever turn the guard chooses, ten requests at a time. Every token
 * is new to every guard. Rounds are interleaved between the guards; prints µs of this process's CPU
 * per token, per round and the median. Run it pinned to one core (`taskset -c 1`) on a quiet machine.
 * Environment: BENCH_LIB_DIR (default library build, dist/lib), GUARD_TOKENS (tokens per round, 20 000), GUARD_ROUNDS (7), GUARD_ALG (RS256 | ES256).
 */
const crypto = require('node:crypto');
const path = require('node:path');
const { generateRunKeys } = require('../lib/keys');
const { signingKeyFromPem, signAccessTokenFast } = require('../lib/jwt');
const { accessTokenClaims, CLIENT_ID, PRESIGNED_TTL_SECONDS, SCOPE } = require('../lib/fixture');
const { summarize } = require('../lib/stats');

const TOKENS = Number(process.env.GUARD_TOKENS ?? 20_000);
const ROUNDS = Number(process.env.GUARD_ROUNDS ?? 7);
const ALG = process.env.GUARD_ALG ?? 'RS256';
const IN_FLIGHT = 10;
const DEFAULT_LIB_DIR = process.env.BENCH_LIB_DIR ?? path.join(__dirname, '..', '..', 'dist', 'lib');

const STUB_RESPONSE = {
  statusCode: 200,
  headersSent: false,
  setHeader() {},
  getHeader() {},
  set() {
    return this;
  },
  status() {
    return this;
  },
  json() {
    throw new Error('the guard refused a valid token');
  },
  end() {
    throw new Error('the guard refused a valid token');
  },
};

function guardOf(spec, key) {
  const [impl, libDir = DEFAULT_LIB_DIR] = spec.split('@');
  const { createApp } = require(path.join(__dirname, '..', 'servers', 'protected', `${impl}.js`));
  const app = createApp({ key, libDir });
  const route = app.router.stack.find((layer) => layer.route?.path === '/api/records');
  if (!route) throw new Error(`${spec}: no /api/records route`);
  return { name: spec, layers: route.route.stack.map((layer) => layer.handle).slice(0, -1) };
}

function passThrough(guard, authorization) {
  return new Promise((resolve, reject) => {
    const req = { method: 'GET', url: '/api/records', originalUrl: '/api/records', headers: { host: 'bench', authorization } };
    let at = 0;
    const next = (error) => {
      if (error) return reject(error);
      at += 1;
      if (at === guard.layers.length) return resolve();
      guard.layers[at](req, STUB_RESPONSE, next);
    };
    guard.layers[0](req, STUB_RESPONSE, next);
  });
}

async function round(guard, tokens) {
  const start = process.cpuUsage();
  for (let i = 0; i < tokens.length; i += IN_FLIGHT) {
    await Promise.all(tokens.slice(i, i + IN_FLIGHT).map((authorization) => passThrough(guard, authorization)));
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / tokens.length;
}

async function main() {
  const specs = process.argv.slice(2);
  if (specs.length === 0) throw new Error('usage: node bench/micro/guard-cpu.js <impl>[@<lib dir>] ...');
  const key = (await generateRunKeys())[ALG];
  const guards = specs.map((spec) => guardOf(spec, key));
  const signingKey = signingKeyFromPem(key);
  // a flat string, as Node's HTTP parser hands the header over (a concatenation would be flattened on first read)
  const newToken = () =>
    Buffer.from(`Bearer ${signAccessTokenFast(accessTokenClaims(CLIENT_ID, SCOPE, PRESIGNED_TTL_SECONDS), signingKey)}`).toString('latin1');
  const slices = () => Array.from({ length: TOKENS }, newToken);
  for (const guard of guards) await round(guard, slices()); // warm-up
  const results = guards.map(() => []);
  for (let r = 0; r < ROUNDS; r += 1) {
    for (const [i, guard] of guards.entries()) results[i].push(await round(guard, slices()));
    console.log(`round ${r + 1}: ${guards.map((guard, i) => `${guard.name} ${results[i][r].toFixed(2)} µs`).join('  ')}`);
  }
  console.log(`median µs of CPU per new token: ${guards.map((guard, i) => `${guard.name} ${summarize(results[i]).median.toFixed(2)}`).join('  ')}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
