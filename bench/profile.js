'use strict';
/**
 * Where the time goes: runs ONE server of the benchmark under the V8 CPU profiler, loads it like the
 * benchmark does, and prints the profile's self time grouped by package and the hottest functions
 * (self and inclusive), steady state only (after start-up and a warm-up). The raw .cpuprofile stays in bench/.tmp/profiles (open it in Chrome
 * DevTools → Performance, or speedscope).
 *
 *   node bench/profile.js token <impl> [RS256|ES256]      impl: library, ceiling, ceiling-deferred, node-oauth2-server, oidc-provider, oauth2orize, library-pool
 *   node bench/profile.js protected <impl> [hot|cold]    impl: library, ceiling, middleware-layer, ceiling-deferred, express-jwt, passport-jwt, passport-http-bearer
 *
 * BENCH_DURATION (default 3 s) bounds the load; everything stops by itself. Run `npm run build` first.
 */
const fs = require('node:fs');
const path = require('node:path');
const { readConfig } = require('./lib/config');
const { TOKEN_REQUEST_BODY, basicAuthorization } = require('./lib/fixture');
const { generateRunKeys, generateSecret } = require('./lib/keys');
const { distinctTokenRequests, runLoad, workingSetRequests } = require('./lib/load');
const { nextMessage, pinSelf, startServer } = require('./lib/processes');
const { buildTokenPool, readTokenPool } = require('./lib/token-pool');

const TOP = 25;

function category(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8 builtins)';
  if (url.includes('/dist/lib/')) return `library: ${url.slice(url.indexOf('/dist/lib/') + '/dist/lib/'.length)}`;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0]}`;
  if (url.includes('/bench/')) return `bench: ${url.slice(url.indexOf('/bench/') + 7)}`;
  return url;
}

/** Self and inclusive time (ms) per function and self time per category, from a .cpuprofile. */
function analyse(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self.entries()]
    .filter(([id]) => ['(idle)', '(program)'].includes(byId.get(id).callFrame.functionName))
    .reduce((a, [, ms]) => a + ms, 0);

  const key = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    return `${functionName || '(anonymous)'} ${category(url, functionName || '(anonymous)')}:${lineNumber + 1}`;
  };
  const selfByFunction = new Map();
  const selfByCategory = new Map();
  const inclusive = new Map();
  for (const [id, ms] of self) {
    const node = byId.get(id);
    selfByFunction.set(key(node), (selfByFunction.get(key(node)) ?? 0) + ms);
    const cat = category(node.callFrame.url, node.callFrame.functionName);
    selfByCategory.set(cat, (selfByCategory.get(cat) ?? 0) + ms);
    // inclusive: every distinct function on the stack gets the sample once
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const k = key(byId.get(at));
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    }
  }
  return { total, idle, selfByFunction, selfByCategory, inclusive };
}

function printTable(title, map, busy, limit = TOP) {
  process.stdout.write(`\n${title}\n`);
  const rows = [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit);
  for (const [name, ms] of rows) process.stdout.write(`  ${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms  ${name}\n`);
}

async function main() {
  const [kind, impl, variant] = process.argv.slice(2);
  if (!['token', 'protected'].includes(kind) || !impl) {
    process.stderr.write('usage: node bench/profile.js token <impl> [RS256|ES256] | protected <impl> [hot|cold]\n');
    process.exitCode = 2;
    return;
  }
  const config = readConfig([]);
  const profileDir = path.join(config.tmpDir, 'profiles', `${kind}-${impl}-${variant ?? 'default'}-${Date.now()}`);
  fs.mkdirSync(profileDir, { recursive: true });
  const profileFile = path.join(profileDir, 'server.cpuprofile');
  const keys = await generateRunKeys();
  const secret = generateSecret();
  const alg = kind === 'token' && variant === 'ES256' ? 'ES256' : 'RS256';

  let tokens = [];
  if (kind === 'protected') {
    const file = path.join(config.tmpDir, 'profile-tokens.txt');
    await buildTokenPool({ key: keys.RS256, count: variant === 'cold' ? 40_000 : 200, file });
    tokens = readTokenPool(file);
    fs.rmSync(file, { force: true });
  }
  if (config.pin) pinSelf(0);
  const server = await startServer({
    kind,
    impl,
    core: config.pin ? 1 : undefined,
    options: { key: keys[alg], secret, libDir: config.libDir, threads: 2 },
  });
  try {
    const load =
      kind === 'token'
        ? {
            url: `${server.url}/oauth2/token`,
            method: 'POST',
            headers: { authorization: basicAuthorization(secret), 'content-type': 'application/x-www-form-urlencoded' },
            body: TOKEN_REQUEST_BODY,
          }
        : {
            url: server.url,
            requests: variant === 'cold' ? distinctTokenRequests(tokens, '/api/records') : workingSetRequests(tokens, '/api/records'),
            maxRequests: variant === 'cold' ? tokens.length - 100 : undefined,
          };
    // warm-up (on other tokens for the cold run), then profile the steady state only
    const warm = kind === 'protected' && variant === 'cold' ? { ...load, requests: workingSetRequests(tokens.slice(-100), '/api/records'), maxRequests: undefined } : load;
    await runLoad({ ...warm, connections: config.connections, duration: config.warmup });
    server.child.send({ type: 'profile-start' });
    await nextMessage(server.child, 'profiling');
    const result = await runLoad({ ...load, connections: config.connections, duration: config.duration });
    server.child.send({ type: 'profile-stop', file: profileFile });
    await nextMessage(server.child, 'profile');
    process.stdout.write(`${kind}/${impl} ${variant ?? ''}: ${result.rps.toFixed(0)} req/s (${result.non2xx} non-2xx, ${result.errors} errors)\n`);
  } finally {
    await server.stop();
  }

  const file = path.basename(profileFile);
  const { total, idle, selfByFunction, selfByCategory, inclusive } = analyse(JSON.parse(fs.readFileSync(profileFile, 'utf8')));
  const busy = total - idle;
  process.stdout.write(`profile: ${path.relative(config.repoRoot, path.join(profileDir, file))}; ${busy.toFixed(0)} ms busy of ${total.toFixed(0)} ms (percentages are of busy time)\n`);
  printTable('Self time by package / area', selfByCategory, busy, 20);
  printTable('Self time by function', selfByFunction, busy);
  printTable('Inclusive time by function (library and middleware frames)', new Map([...inclusive].filter(([name]) => /library:|passport|express-jwt|jsonwebtoken|oauth2|oidc|bench:/.test(name))), busy);
}

main().catch((error) => {
  process.stderr.write(`profile failed: ${error.stack ?? error}\n`);
  process.exitCode = 1;
});
