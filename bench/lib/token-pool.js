'use strict';
/**
 * Pre-signed access tokens for the protected-route scenarios: `count` distinct tokens (distinct
 * `jti`), signed in worker threads on every core before any measurement, written one per line to
 * a file that the load generator and the memory scenario read.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Worker } = require('node:worker_threads');

const WORKER = path.join(__dirname, 'token-pool-worker.js');
const WORKER_TIMEOUT_MS = 5 * 60_000;

function signInWorker(key, count) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: { key, count } });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error('token pool worker timed out'));
    }, WORKER_TIMEOUT_MS);
    worker.once('message', (tokens) => {
      clearTimeout(timer);
      // resolve only once the thread is gone: pinning this process later lists its threads
      worker.terminate().then(() => resolve(tokens), reject);
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Signs `count` tokens with `key` ({pem, alg, kid}) across all cores; returns the file path. */
async function buildTokenPool({ key, count, file }) {
  const threads = Math.max(1, os.availableParallelism());
  const share = Math.ceil(count / threads);
  const parts = await Promise.all(
    Array.from({ length: threads }, (_, i) => signInWorker(key, Math.max(0, Math.min(share, count - i * share)))),
  );
  const tokens = parts.flat();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, tokens.join('\n'));
  return tokens.length;
}

function readTokenPool(file) {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

module.exports = { buildTokenPool, readTokenPool };
