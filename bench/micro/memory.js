'use strict';
/**
 * Child-process entry (run with --expose-gc): resident memory of `requireToken` after `requests`
 * verified requests over `distinct` distinct tokens, driven in-process with a minimal request and
 * response (no HTTP). Tokens come in windows of WINDOW consecutive tokens, each window requested
 * REPEAT times round-robin — many clients each reusing its token, the population turning over —
 * so every token is verified once and then served from the cache, and the cache must evict to stay
 * bounded. Every tenth of the run RSS is sampled, then a full GC runs and RSS and heap are sampled
 * again (what is retained). Bounded in time: stops after MAX_MS.
 */
const path = require('node:path');
const { AUDIENCE, ISSUER, SCOPE } = require('../lib/fixture');
const { readTokenPool } = require('../lib/token-pool');

const WINDOW = 1000;
const MAX_MS = 4 * 60_000;
const MiB = 1024 * 1024;

function gc() {
  if (typeof global.gc === 'function') {
    global.gc();
    global.gc();
  }
}

function memory() {
  const { rss, heapUsed } = process.memoryUsage();
  return { rssMiB: rss / MiB, heapUsedMiB: heapUsed / MiB };
}

/** Runs the middleware once; resolves 'next' or the status it answered. */
function drive(middleware, token) {
  return new Promise((resolve) => {
    const req = { method: 'GET', url: '/api/records', headers: { authorization: `Bearer ${token}` }, query: {}, body: undefined };
    const res = {
      statusCode: 200,
      headersSent: false,
      status(code) {
        this.statusCode = code;
        return this;
      },
      set() {
        return this;
      },
      setHeader() {},
      getHeader() {
        return undefined;
      },
      json() {
        resolve(this.statusCode);
      },
      end() {
        resolve(this.statusCode);
      },
    };
    const result = middleware(req, res, () => resolve('next'));
    if (result && typeof result.catch === 'function') result.catch(() => resolve('threw'));
  });
}

async function main({ libDir, key, poolFile, requests, distinct }) {
  const { Keyring } = require(path.join(libDir, 'keys', 'index.js'));
  const { requireToken } = require(path.join(libDir, 'bearer', 'index.js'));
  const tokens = readTokenPool(poolFile).slice(0, distinct);
  if (tokens.length < distinct) throw new Error(`the pool holds ${tokens.length} tokens, ${distinct} needed`);

  const keys = Keyring.fromPem({ privateKey: key.pem, alg: key.alg, kid: key.kid });
  let verifications = 0;
  const lookUp = keys.getVerificationKey.bind(keys);
  // instrumentation only: counts signature verifications (cache misses), changes nothing
  keys.getVerificationKey = (kid, alg) => {
    verifications++;
    return lookUp(kid, alg);
  };
  const middleware = requireToken({ keys, issuer: ISSUER, audience: AUDIENCE, scope: SCOPE });

  if ((await drive(middleware, tokens[0])) !== 'next') throw new Error('requireToken refused a valid token');
  gc();
  const before = memory();
  const samples = [];
  const repeat = Math.max(1, Math.round(requests / distinct));
  const sampleEvery = Math.max(1, Math.floor(requests / 10));
  let done = 0;
  let refused = 0;
  let peakRssMiB = before.rssMiB;
  const started = Date.now();
  outer: for (let windowStart = 0; windowStart < tokens.length; windowStart += WINDOW) {
    const windowEnd = Math.min(tokens.length, windowStart + WINDOW);
    for (let r = 0; r < repeat; r++) {
      for (let i = windowStart; i < windowEnd; i++) {
        if ((await drive(middleware, tokens[i])) !== 'next') refused++;
        done++;
        if (done % sampleEvery === 0) {
          const live = memory();
          peakRssMiB = Math.max(peakRssMiB, live.rssMiB);
          gc();
          const retained = memory();
          samples.push({
            requests: done,
            rssMiB: live.rssMiB,
            rssAfterGcMiB: retained.rssMiB,
            heapAfterGcMiB: retained.heapUsedMiB,
            cacheSize: middleware.cache?.size ?? 0,
          });
        }
        if (done >= requests || Date.now() - started > MAX_MS) break outer;
      }
    }
  }
  const seconds = (Date.now() - started) / 1000;
  const afterNoGc = memory();
  gc();
  const after = memory();
  return {
    requests: done,
    refused,
    distinct: tokens.length,
    verifications,
    cacheSize: middleware.cache?.size ?? 0,
    cacheMax: middleware.cache ? middleware.cache.entries?.max : undefined,
    before,
    afterNoGc,
    after,
    peakRssMiB,
    samples,
    seconds,
    timedOut: done < requests,
    alg: key.alg,
  };
}

setTimeout(() => process.exit(3), MAX_MS + 60_000).unref();
process.on('disconnect', () => process.exit(0));
process.once('message', (message) => {
  main(message).then(
    (result) => process.send({ type: 'result', ...result }, () => process.exit(0)),
    (error) => process.send({ type: 'error', message: error.stack ?? String(error) }, () => process.exit(1)),
  );
});
