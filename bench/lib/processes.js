'use strict';
/**
 * Child processes: every server under test runs alone in its own process, pinned to core 1 with
 * `taskset` (from its first instruction, so every thread it ever starts inherits the pin), while
 * the load generator stays on core 0. Each child reports its port over IPC and exits when the
 * parent goes away or after a bounded lifetime.
 */
const { fork, execFileSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');

const SERVER_ENTRY = path.join(__dirname, '..', 'servers', 'server.js');
const START_TIMEOUT_MS = 60_000;

let tasksetChecked;
function hasTaskset() {
  if (tasksetChecked === undefined) {
    try {
      execFileSync('taskset', ['-V'], { stdio: 'ignore' });
      tasksetChecked = true;
    } catch {
      tasksetChecked = false;
    }
  }
  return tasksetChecked;
}

/**
 * Pins this process (every thread it has now; later threads inherit) to one core. A thread that
 * exits while taskset walks the list makes it fail: try again a few times.
 */
function pinSelf(core) {
  if (!hasTaskset()) return false;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      execFileSync('taskset', ['-a', '-cp', String(core), String(process.pid)], { stdio: 'ignore' });
      return true;
    } catch {
      // retry
    }
  }
  return false;
}

const live = new Set();

/**
 * Forks `entry` with IPC, under `taskset -c <core>` when `core` is a number, and otherwise under
 * `taskset -c <every core>`: a child inherits its parent's affinity, and the parent may have
 * pinned itself to the load generator's core — an "unpinned" server must get every core back.
 * `nodeArgs` go to node (e.g. `--expose-gc`).
 */
function forkPinned(entry, { core, nodeArgs = [], env = { ...process.env, NODE_ENV: 'production' } } = {}) {
  const options = { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env };
  if (hasTaskset()) {
    options.execPath = 'taskset';
    const cpus = typeof core === 'number' ? String(core) : `0-${os.cpus().length - 1}`;
    options.execArgv = ['-c', cpus, process.execPath, ...nodeArgs];
  } else {
    options.execArgv = nodeArgs;
  }
  const child = fork(entry, [], options);
  // A send racing the child's own exit fails with EPIPE: the exit is what we wanted anyway.
  child.on('error', () => {});
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Waits for the child's first message of `type` (or its failure), at most `timeoutMs`. */
function nextMessage(child, type, timeoutMs = START_TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no "${type}" message within ${timeoutMs} ms`)), timeoutMs);
    function onMessage(message) {
      if (message && message.type === 'error') finish(new Error(message.message));
      else if (message && message.type === type) finish(null, message);
    }
    function onExit(code, signal) {
      finish(new Error(`child exited (${signal ?? code}) before "${type}"`));
    }
    function finish(error, message) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/**
 * Starts one server under test: `servers/<kind>/<impl>.js` in its own process.
 * Resolves `{ url, port, child, stop() }`.
 */
async function startServer({ kind, impl, options, core, nodeArgs }) {
  const child = forkPinned(SERVER_ENTRY, { core, nodeArgs });
  child.send({ type: 'start', kind, impl, options });
  try {
    const { port } = await nextMessage(child, 'ready');
    // under `taskset`, the pid is node's own: taskset execs it
    return { port, pid: child.pid, url: `http://127.0.0.1:${port}`, child, stop: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    throw new Error(`${kind}/${impl} did not start: ${error.message}`);
  }
}

/** Asks a child to exit, and kills it if it has not within 5 s. */
function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.send({ type: 'stop' }, (error) => error && child.kill('SIGTERM'));
    else child.kill('SIGTERM');
  });
}

/** Kills every child still running (the watchdog and the exit path use it). */
function killAll() {
  for (const child of live) child.kill('SIGKILL');
}

module.exports = { pinSelf, forkPinned, nextMessage, startServer, stopChild, killAll, hasTaskset };
