'use strict';
/**
 * Child-process entry of every server under test. The parent sends
 * `{ type: 'start', kind, impl, options }`; this loads `./<kind>/<impl>.js`, whose
 * `createApp(options)` returns an Express app (or a promise of one), listens on 127.0.0.1 with an
 * ephemeral port and answers `{ type: 'ready', port }`. It exits on `{ type: 'stop' }`, when the
 * parent disconnects, or after MAX_LIFETIME_MS whatever happens.
 *
 * For bench/profile.js: `{ type: 'profile-start' }` starts the V8 CPU profiler (steady state only,
 * after start-up and warm-up), `{ type: 'profile-stop', file }` writes the profile and answers
 * `{ type: 'profile', file }`.
 */
const fs = require('node:fs');
const inspector = require('node:inspector');
const path = require('node:path');

const MAX_LIFETIME_MS = 15 * 60_000;
const KINDS = new Set(['token', 'protected']);

let server;

function exit(code) {
  if (server) server.closeAllConnections?.();
  process.exit(code);
}

setTimeout(() => exit(3), MAX_LIFETIME_MS).unref();
process.on('disconnect', () => exit(0));

async function start({ kind, impl, options }) {
  if (!KINDS.has(kind) || !/^[a-z0-9-]+$/.test(impl)) throw new Error(`unknown server ${kind}/${impl}`);
  const { createApp } = require(path.join(__dirname, kind, `${impl}.js`));
  const app = await createApp(options);
  await new Promise((resolve, reject) => {
    server = app.listen(0, '127.0.0.1', (error) => (error ? reject(error) : resolve()));
  });
  process.send({ type: 'ready', port: server.address().port });
}

let session;

function post(method, params = {}) {
  return new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
}

async function startProfiling() {
  session = new inspector.Session();
  session.connect();
  await post('Profiler.enable');
  await post('Profiler.start');
  process.send({ type: 'profiling' });
}

async function stopProfiling(file) {
  const { profile } = await post('Profiler.stop');
  fs.writeFileSync(file, JSON.stringify(profile));
  process.send({ type: 'profile', file });
}

function report(error) {
  process.send({ type: 'error', message: `${error.message}\n${error.stack ?? ''}` });
}

process.on('message', (message) => {
  if (message?.type === 'profile-start') {
    startProfiling().catch(report);
  } else if (message?.type === 'profile-stop') {
    stopProfiling(message.file).catch(report);
  } else if (message?.type === 'start') {
    start(message).catch((error) => {
      process.send({ type: 'error', message: `${error.message}\n${error.stack ?? ''}` });
      exit(1);
    });
  } else if (message?.type === 'stop') {
    exit(0);
  }
});
