'use strict';
/**
 * `npm run bench`: every scenario of issue 9 in one run, written to bench/RESULTS.md.
 *
 *   secret  — one secret check (generated-secret hash vs scrypt vs bcrypt cost 10), µs per check
 *   token   — POST /oauth2/token (Basic, memory store) for RS256 and ES256: this library vs the
 *             hand-written ceiling vs @node-oauth/oauth2-server, oidc-provider, oauth2orize
 *   pool    — beyond one core: the library's SigningPool with 1 thread pinned to one core and
 *             one thread per core unpinned, and the library signing on its main thread, unpinned
 *   hot     — GET /api/records behind requireToken vs no auth vs express-jwt, passport-jwt,
 *             passport-http-bearer + jsonwebtoken; 200 tokens reused
 *   cold    — the same routes, every request a token the server has never seen; the library and
 *             express-jwt in two processes each (the verdict pools both)
 *   memory  — RSS after 1 000 000 verified requests over 100 000 distinct tokens (requireToken, in-process, ES256)
 *
 * Servers run one per process pinned to core 1, the load generator (autocannon, this process) on
 * core 0. Rounds are interleaved across the servers of a scenario; each figure is the median of
 * the rounds with its min–max. See bench/README.md.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { readConfig } = require('./lib/config');
const { AUDIENCE, CLIENT_ID, SCOPE, TOKEN_REQUEST_BODY, accessTokenClaims, basicAuthorization } = require('./lib/fixture');
const { generateRunKeys, generateSecret } = require('./lib/keys');
const { signingKeyFromPem, signAccessToken } = require('./lib/jwt');
const { distinctTokenRequests, runLoad, workingSetRequests } = require('./lib/load');
const { backgroundLoad } = require('./lib/background');
const { describeMachine } = require('./lib/machine');
const { forkPinned, killAll, nextMessage, pinSelf, startServer, stopChild } = require('./lib/processes');
const { writeResults } = require('./lib/report');
const { checkProtectedRoute, checkTokenEndpoint } = require('./lib/sanity');
const { buildTokenPool, readTokenPool } = require('./lib/token-pool');

const LOAD_CORE = 0;
const SERVER_CORE = 1;
const WARM_TOKENS = 4000;

const TOKEN_SERVERS = [
  { impl: 'library', role: 'subject', label: 'express-client-credentials `tokenRouter`', needs: ['keys', 'clients', 'token'] },
  { impl: 'ceiling', role: 'ceiling', label: 'hand-written Express route (ceiling)' },
  { impl: 'ceiling-crypto', role: 'reference', label: 'reference: the ceiling signing with node:crypto, no jsonwebtoken', algs: ['RS256'] },
  {
    impl: 'ceiling-deferred',
    role: 'reference',
    label: 'reference: the ceiling writing its answer on the next turn of the event loop (`setImmediate`, as `tokenRouter` does)',
    algs: ['ES256'],
  },
  { impl: 'node-oauth2-server', role: 'peer', label: '@node-oauth/oauth2-server (JWT model)', pkg: '@node-oauth/oauth2-server' },
  { impl: 'oidc-provider', role: 'peer', label: 'oidc-provider (client_credentials, JWT AT)', pkg: 'oidc-provider' },
  { impl: 'oauth2orize', role: 'peer', label: 'oauth2orize + passport-http', pkg: 'oauth2orize' },
];

const PROTECTED_SERVERS = [
  { impl: 'library', role: 'subject', label: 'express-client-credentials `requireToken`', needs: ['keys', 'bearer'] },
  { impl: 'ceiling', role: 'ceiling', label: 'no auth (ceiling)' },
  {
    impl: 'middleware-layer',
    role: 'reference',
    label: 'reference: a middleware that only sets `req.auth` (the cost of one more layer)',
    hotOnly: true,
  },
  {
    impl: 'ceiling-deferred',
    role: 'reference',
    label: 'reference: no auth, the handler on a later turn of the event loop (`setImmediate`, as `requireToken` and express-jwt hand requests on)',
    hotOnly: true,
  },
  { impl: 'express-jwt', role: 'peer', label: 'express-jwt', pkg: 'express-jwt' },
  { impl: 'passport-jwt', role: 'peer', label: 'passport-jwt', pkg: 'passport-jwt' },
  { impl: 'passport-http-bearer', role: 'peer', label: 'passport-http-bearer + jsonwebtoken', pkg: 'passport-http-bearer' },
  // Cold only: the library and express-jwt (the best peer in every run so far) each again in a
  // second process. On a shared host a process draws its own speed (bench/README "What one run can
  // tell apart"): the cold verdict compares the rounds of both processes of each.
  {
    impl: 'library',
    id: 'library-2',
    repeatOf: 'library',
    role: 'subject',
    label: 'express-client-credentials `requireToken`, second process',
    needs: ['keys', 'bearer'],
    coldOnly: true,
  },
  { impl: 'express-jwt', id: 'express-jwt-2', repeatOf: 'express-jwt', role: 'peer', label: 'express-jwt, second process', coldOnly: true },
];

function log(message) {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Which library parts are built; a scenario of a missing part is reported, not run. */
function libraryStatus(libDir) {
  const status = {};
  for (const part of ['keys', 'clients', 'token', 'bearer']) {
    try {
      require(path.join(libDir, part, 'index.js'));
      status[part] = 'ok';
    } catch (error) {
      status[part] = error.message.split('\n')[0];
    }
  }
  return status;
}

function missingParts(entry, status) {
  return (entry.needs ?? []).filter((part) => status[part] !== 'ok');
}

/**
 * Runs servers side by side: start each (and check it), warm each up, then `rounds` interleaved
 * rounds, each starting one server further along (A B C, B C A, C A B, …): no server always runs
 * first in its round or always after the same one. `loadFor(entry, server, round)` gives the
 * runLoad options of one round (`round` is undefined for the warm-up).
 */
async function measureTogether({ title, entries, config, loadFor }) {
  const results = {};
  const running = [];
  try {
    for (const entry of entries) {
      results[entry.id] = { ...entry, rounds: [] };
      if (entry.skip) {
        results[entry.id].error = entry.skip;
        continue;
      }
      try {
        const server = await startServer({ kind: entry.kind, impl: entry.impl, options: entry.options, core: entry.core });
        running.push({ entry, server });
        await entry.check(server);
      } catch (error) {
        results[entry.id].error = error.message.split('\n')[0];
        log(`${title}: ${entry.id} FAILED: ${results[entry.id].error}`);
        const started = running.find((r) => r.entry === entry);
        if (started) {
          running.splice(running.indexOf(started), 1);
          await started.server.stop();
        }
      }
    }
    for (const { entry, server } of running) {
      await runLoad({ ...loadFor(entry, server, undefined), duration: config.warmup });
    }
    for (let round = 0; round < config.rounds; round++) {
      for (const { entry, server } of rotated(running, round)) {
        const result = await runLoad({ ...loadFor(entry, server, round), duration: config.duration, serverPid: server.pid });
        results[entry.id].rounds.push(result);
        log(`${title} round ${round + 1}/${config.rounds} ${entry.id}: ${result.rps.toFixed(0)} req/s${flag(result)}`);
      }
    }
  } finally {
    await Promise.all(running.map(({ server }) => server.stop()));
  }
  return results;
}

/** `list` starting at its `by`-th element (modulo its length), wrapping round. */
function rotated(list, by) {
  const start = list.length ? by % list.length : 0;
  return [...list.slice(start), ...list.slice(0, start)];
}

function flag(result) {
  const problems = [];
  if (result.non2xx > 0) problems.push(`${result.non2xx} non-2xx`);
  if (result.errors > 0) problems.push(`${result.errors} errors`);
  if (result.poolSpent) problems.push(`token pool spent after ${result.seconds} s`);
  return problems.length ? ` (${problems.join(', ')})` : '';
}

async function runSecretCheck(config) {
  log('secret check: generated hash vs scrypt vs bcrypt cost 10');
  const child = forkPinned(path.join(__dirname, 'micro', 'secret-check.js'), { core: config.pin ? SERVER_CORE : undefined });
  child.send({ libDir: config.libDir, rounds: config.rounds });
  try {
    return await nextMessage(child, 'result', 5 * 60_000);
  } finally {
    await stopChild(child);
  }
}

function tokenEntries(config, keys, secret, status, alg) {
  return TOKEN_SERVERS.filter((server) => !server.algs || server.algs.includes(alg)).map((server) => {
    const missing = missingParts(server, status);
    return {
      ...server,
      id: server.impl,
      kind: 'token',
      core: config.pin ? SERVER_CORE : undefined,
      options: { key: keys[alg], secret, libDir: config.libDir },
      skip: missing.length ? `library part(s) not built: ${missing.join(', ')}` : undefined,
      check: (s) => checkTokenEndpoint(`${s.url}/oauth2/token`, { key: keys[alg], secret }),
    };
  });
}

function tokenLoad(secret) {
  return (_entry, server) => ({
    url: `${server.url}/oauth2/token`,
    method: 'POST',
    headers: { authorization: basicAuthorization(secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: TOKEN_REQUEST_BODY,
  });
}

async function runTokenEndpoint(config, keys, secret, status) {
  const results = {};
  for (const alg of ['RS256', 'ES256']) {
    log(`token endpoint ${alg}`);
    const load = tokenLoad(secret);
    results[alg] = await measureTogether({
      title: `token ${alg}`,
      entries: tokenEntries(config, keys, secret, status, alg),
      config,
      loadFor: (entry, server) => ({ ...load(entry, server), connections: config.connections }),
    });
  }
  return results;
}

async function runPool(config, keys, secret, status) {
  log('beyond one core: signing in a worker pool (SigningPool)');
  const key = keys.RS256;
  const check = (s) => checkTokenEndpoint(`${s.url}/oauth2/token`, { key, secret });
  const libraryMissing = missingParts({ needs: ['keys', 'clients', 'token'] }, status);
  const skip = libraryMissing.length ? `library part(s) not built: ${libraryMissing.join(', ')}` : undefined;
  const entries = [
    {
      id: 'pool-1-pinned',
      impl: 'library-pool',
      label: '`tokenRouter` + `SigningPool`, 1 signing thread, pinned to 1 core',
      core: config.pin ? SERVER_CORE : undefined,
      options: { key, secret, libDir: config.libDir, threads: 1 },
      skip,
    },
    {
      id: 'pool-2-unpinned',
      impl: 'library-pool',
      label: `\`tokenRouter\` + \`SigningPool\`, ${Math.max(2, config.cores)} signing threads, unpinned`,
      core: undefined,
      options: { key, secret, libDir: config.libDir, threads: Math.max(2, config.cores) },
      skip,
    },
    {
      id: 'library-unpinned',
      impl: 'library',
      label: 'express-client-credentials `tokenRouter`, unpinned',
      core: undefined,
      options: { key, secret, libDir: config.libDir },
      skip,
    },
  ].map((entry) => ({ ...entry, kind: 'token', role: 'pool', check }));
  const load = tokenLoad(secret);
  return measureTogether({
    title: 'pool RS256',
    entries,
    config,
    loadFor: (entry, server) => ({ ...load(entry, server), connections: config.connections }),
  });
}

function protectedEntries(config, keys, status, sanityToken) {
  return PROTECTED_SERVERS.map((server) => {
    const missing = missingParts(server, status);
    return {
      ...server,
      id: server.id ?? server.impl,
      kind: 'protected',
      core: config.pin ? SERVER_CORE : undefined,
      options: { key: keys.RS256, libDir: config.libDir },
      skip: missing.length ? `library part(s) not built: ${missing.join(', ')}` : undefined,
      check: (s) =>
        checkProtectedRoute(`${s.url}/api/records`, { token: sanityToken, requiresToken: server.role === 'subject' || server.role === 'peer' }),
    };
  });
}

async function runHot(config, keys, status, pool, sanityToken) {
  log(`protected route, hot: a working set of ${config.hotTokens} tokens, reused`);
  const hotSet = pool.slice(0, config.hotTokens);
  return measureTogether({
    title: 'hot',
    entries: protectedEntries(config, keys, status, sanityToken).filter((entry) => !entry.coldOnly),
    config,
    loadFor: (_entry, server) => ({
      url: server.url,
      requests: workingSetRequests(hotSet, '/api/records'),
      connections: config.connections,
    }),
  });
}

/**
 * Cold: every request a token the server has never seen, in the steady state of a long-running
 * server, like the other scenarios: each server starts once, warms up on WARM_TOKENS tokens used
 * once each (the path the rounds measure: verification, not cache hits), then round r hands every
 * server the r-th slice of the pool, each token once. A server sees each token once; the servers
 * see the same tokens. A round ends at its duration or when its slice is spent (reported; the rate
 * stays valid).
 */
async function runCold(config, keys, status, pool, sanityToken) {
  log('protected route, cold: every request a new token');
  const warmSet = pool.slice(pool.length - WARM_TOKENS);
  const coldSet = pool.slice(0, pool.length - WARM_TOKENS);
  const perRound = Math.floor(coldSet.length / config.rounds);
  const slices = Array.from({ length: config.rounds }, (_, round) => coldSet.slice(round * perRound, (round + 1) * perRound));
  const entries = protectedEntries(config, keys, status, sanityToken).filter((entry) => entry.role !== 'ceiling' && !entry.hotOnly);
  // autocannon builds one request ahead per connection: keep that many tokens in reserve so none is reused
  const reserve = config.connections * 2;
  const results = await measureTogether({
    title: 'cold',
    entries,
    config,
    loadFor: (_entry, server, round) => {
      const tokens = round === undefined ? warmSet : slices[round];
      return {
        url: server.url,
        requests: distinctTokenRequests(tokens, '/api/records'),
        connections: config.connections,
        maxRequests: tokens.length - reserve,
      };
    },
  });
  for (const result of Object.values(results)) {
    for (const round of result.rounds) round.poolSpent = round.total >= perRound - reserve;
  }
  return results;
}

async function runMemory(config, keys, status, memoryPoolFile) {
  const missing = missingParts({ needs: ['keys', 'bearer'] }, status);
  if (missing.length) return { error: `library part(s) not built: ${missing.join(', ')}` };
  log(`memory: ${config.memoryRequests} verified requests over ${config.memoryDistinctTokens} distinct tokens through requireToken`);
  const child = forkPinned(path.join(__dirname, 'micro', 'memory.js'), {
    core: config.pin ? SERVER_CORE : undefined,
    nodeArgs: ['--expose-gc'],
  });
  child.send({
    libDir: config.libDir,
    key: keys.ES256,
    poolFile: memoryPoolFile,
    requests: config.memoryRequests,
    distinct: config.memoryDistinctTokens,
  });
  try {
    return await nextMessage(child, 'result', 6 * 60_000);
  } catch (error) {
    return { error: error.message.split('\n')[0] };
  } finally {
    await stopChild(child);
  }
}

async function main() {
  const config = readConfig();
  const watchdog = setTimeout(() => {
    process.stderr.write('bench: watchdog expired, stopping everything\n');
    killAll();
    process.exit(2);
  }, config.watchdogMs);
  watchdog.unref();

  const started = Date.now();
  const niceness = applyNice(config.nice);
  const machine = describeMachine(config.repoRoot);
  const status = libraryStatus(config.libDir);
  log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; library: ${JSON.stringify(status)}`);
  fs.mkdirSync(config.tmpDir, { recursive: true });

  const keys = await generateRunKeys();
  const secret = generateSecret();
  const groups = config.groups;
  // Token pools are signed on every core before anything is measured: RS256 for the protected
  // routes, ES256 (cheap to sign) for the memory scenario, which only needs many distinct tokens.
  const poolFile = path.join(config.tmpDir, 'tokens-rs256.txt');
  const memoryPoolFile = path.join(config.tmpDir, 'tokens-es256-memory.txt');
  let pool = [];
  const pools = [];
  if (groups.has('hot') || groups.has('cold')) pools.push({ key: keys.RS256, count: config.poolSize, file: poolFile });
  if (groups.has('memory')) pools.push({ key: keys.ES256, count: config.memoryDistinctTokens, file: memoryPoolFile });
  for (const spec of pools) {
    const t0 = Date.now();
    const count = await buildTokenPool(spec);
    log(`token pool: ${count} ${spec.key.alg} tokens signed on ${config.cores} threads in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (groups.has('hot') || groups.has('cold')) pool = readTokenPool(poolFile);
  const sanityToken = signAccessToken(accessTokenClaims(CLIENT_ID, SCOPE, 3 * 3600), signingKeyFromPem(keys.RS256));

  // From here on the load generator (this process) stays on core 0, servers on core 1.
  const pinned = config.pin && pinSelf(LOAD_CORE);
  if (config.pin && !pinned) log('could not pin with taskset: nothing is pinned');

  const results = { machine, config: { ...publicConfig(config, pinned), niceness }, libraryStatus: status, background: {} };
  const scenarios = {
    secret: () => runSecretCheck(config).catch((error) => ({ error: error.message })),
    token: () => runTokenEndpoint(config, keys, secret, status),
    pool: () => runPool(config, keys, secret, status),
    hot: () => runHot(config, keys, status, pool, sanityToken),
    cold: () => runCold(config, keys, status, pool, sanityToken),
    memory: () => runMemory(config, keys, status, memoryPoolFile),
  };
  for (const [group, run] of Object.entries(scenarios)) {
    if (!groups.has(group)) continue;
    const background = await backgroundLoad({ maxWaitSeconds: config.waitQuietSeconds, belowPercent: config.quietBelowPercent });
    results.background[group] = background;
    if (!background.quiet) log(`other work keeps the machine ${background.busyPercent.toFixed(0)}% busy: figures will be noisy`);
    results[group] = await run();
  }
  results.elapsedSeconds = (Date.now() - started) / 1000;

  // the pools are scratch (regenerated every run, signed by a key thrown away at exit)
  for (const file of [poolFile, memoryPoolFile]) fs.rmSync(file, { force: true });
  fs.writeFileSync(path.join(config.tmpDir, 'results.json'), JSON.stringify(results, null, 2));
  writeResults(config.resultsFile, results);
  log(`done in ${results.elapsedSeconds.toFixed(0)} s; wrote ${path.relative(config.repoRoot, config.resultsFile)}`);
  clearTimeout(watchdog);
}

/** BENCH_NICE: this process and everything it starts afterwards run at that niceness. */
function applyNice(nice) {
  if (nice === undefined) return os.getPriority();
  try {
    os.setPriority(nice);
  } catch (error) {
    log(`BENCH_NICE=${nice} not applied (${error.code ?? error.message}); running at ${os.getPriority()}`);
  }
  return os.getPriority();
}

function publicConfig(config, pinned) {
  return {
    quick: config.quick,
    groups: [...config.groups],
    duration: config.duration,
    warmup: config.warmup,
    rounds: config.rounds,
    connections: config.connections,
    poolSize: config.poolSize,
    hotTokens: config.hotTokens,
    memoryRequests: config.memoryRequests,
    memoryDistinctTokens: config.memoryDistinctTokens,
    pinned: Boolean(pinned),
    audience: AUDIENCE,
  };
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
  killAll();
  process.exitCode = 1;
});
