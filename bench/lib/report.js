'use strict';
/**
 * Turns a run's results into bench/RESULTS.md: the machine, every figure as the median of its
 * rounds with the min–max spread, every ratio against its ceiling and against the best peer, and
 * the targets of issue 9 with PASS / MISS. A target that could not be measured says so.
 */
const fs = require('node:fs');
const { summarize } = require('./stats');

const TARGETS = {
  tokenVsCeiling: 0.95,
  hotVsCeiling: 0.9,
  coldVsBestPeer: 1.0,
  secretMicros: 5,
  poolVsBestPeer: 1.3,
};

/** Ratios the issue measured on its author's 2-core machine, shown for comparison. */
const ISSUE_REFERENCE = {
  token: { 'node-oauth2-server': 0.92, 'oidc-provider': 0.75, oauth2orize: 0.95 },
  protected: { 'express-jwt': 0.63, 'passport-jwt': 0.49, 'passport-http-bearer': 0.49 },
};

const fmt = {
  rps: (v) => (v === undefined ? '—' : Math.round(v).toLocaleString('en-US')),
  ratio: (v, digits = 2) => (v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(digits)}×`),
  ms: (v) => (v === undefined ? '—' : `${v.toFixed(1)}`),
  cores: (v) => (v === undefined ? '—' : v.toFixed(2)),
  mib: (v) => (v === undefined ? '—' : `${v.toFixed(0)} MiB`),
  micros: (v) => {
    if (v === undefined) return '—';
    if (v >= 1000) return `${(v / 1000).toFixed(1)} ms`;
    return `${v.toFixed(v < 10 ? 2 : 0)} µs`;
  },
};

function verdict(pass) {
  if (pass === undefined) return 'NOT MEASURED';
  return pass ? '**PASS**' : '**MISS**';
}

/** Per-server summary of a scenario: median rps and spread, p99, problems. */
function summarizeScenario(scenario) {
  const rows = {};
  for (const [id, entry] of Object.entries(scenario ?? {})) {
    const rps = summarize(entry.rounds.map((r) => r.rps));
    const rpcs = summarize(entry.rounds.map((r) => r.rpcs));
    const p99 = summarize(entry.rounds.map((r) => r.latencyP99));
    const serverCores = summarize(entry.rounds.map((r) => r.serverCores));
    const loadCores = summarize(entry.rounds.map((r) => r.loadCores));
    const problems = [];
    const non2xx = entry.rounds.reduce((sum, r) => sum + r.non2xx, 0);
    const errors = entry.rounds.reduce((sum, r) => sum + r.errors, 0);
    if (non2xx) problems.push(`${non2xx} non-2xx answers`);
    if (errors) problems.push(`${errors} socket errors/timeouts`);
    if (entry.rounds.some((r) => r.poolSpent)) problems.push('token pool spent before the full duration (rate still valid)');
    if (entry.error) problems.push(`not measured: ${entry.error}`);
    const roundRps = entry.rounds.map((r) => r.rps);
    rows[id] = { id, label: entry.label, role: entry.role, repeatOf: entry.repeatOf, rps, rpcs, p99, serverCores, loadCores, problems, rounds: entry.rounds.length, roundRps };
  }
  return rows;
}

function bestPeer(rows) {
  let best;
  for (const row of Object.values(rows)) {
    if (row.role === 'peer' && row.rps && (!best || row.rps.median > best.rps.median)) best = row;
  }
  return best;
}

function spreadOf(summary) {
  return summary ? `${fmt.rps(summary.min)}–${fmt.rps(summary.max)}` : '—';
}

function scenarioTable(rows, { ceiling, best, reference }) {
  const lines = [
    `| server | req/s (median) | min–max | × ceiling | × best peer | req per CPU-second | min–max | × ceiling | × best peer | issue's × ceiling | p99 ms | notes |`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |`,
  ];
  for (const row of Object.values(rows)) {
    const name = row.role === 'subject' ? `**${row.label}**` : row.label;
    const ref = reference?.[row.id] !== undefined ? `${reference[row.id].toFixed(2)}×` : '';
    const notes = [best && (row.id === best.id || row.repeatOf === best.id) ? 'best peer' : '', ...row.problems].filter(Boolean).join('; ');
    lines.push(
      `| ${name} | ${fmt.rps(row.rps?.median)} | ${spreadOf(row.rps)} | ${fmt.ratio(ratioOf(row, ceiling))} | ${fmt.ratio(ratioOf(row, best))} | ` +
        `${fmt.rps(row.rpcs?.median)} | ${spreadOf(row.rpcs)} | ${fmt.ratio(ratioOf(row, ceiling, 'rpcs'))} | ${fmt.ratio(ratioOf(row, best, 'rpcs'))} | ` +
        `${ref} | ${fmt.ms(row.p99?.median)} | ${notes} |`,
    );
  }
  return lines.join('\n');
}

/** a ÷ b on the median of `metric`: `rps` (requests per wall-clock second) or `rpcs` (per server CPU-second). */
function ratioOf(a, b, metric = 'rps') {
  return a?.[metric] && b?.[metric] ? a[metric].median / b[metric].median : undefined;
}

/**
 * a ÷ b round by round (the servers of a round run back to back, so a slow phase of the host
 * touches both): the median and spread of those ratios, or undefined without paired rounds.
 */
function pairedRatio(a, b) {
  const first = a?.roundRps ?? [];
  const second = b?.roundRps ?? [];
  if (first.length === 0 || first.length !== second.length) return undefined;
  return summarize(first.map((value, round) => value / second[round]));
}

/** "0.62× req/s (0.64× per CPU-second; round by round 0.63×, 0.60–0.66×)" */
function bothRatios(a, b) {
  const notes = [];
  const cpu = ratioOf(a, b, 'rpcs');
  if (cpu !== undefined) notes.push(`${fmt.ratio(cpu)} per CPU-second`);
  const paired = pairedRatio(a, b);
  if (paired) notes.push(`round by round ${fmt.ratio(paired.median)}, ${fmt.ratio(paired.min)}–${fmt.ratio(paired.max)}`);
  // three decimals on the figure the verdict reads, so a ratio just under a line never shows as on it
  return `${fmt.ratio(ratioOf(a, b), 3)} req/s${notes.length ? ` (${notes.join('; ')})` : ''}`;
}

function machineSection(results) {
  const { machine, config } = results;
  const versions = Object.entries(machine.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return [
    `- **Machine:** ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}`,
    `- **Node:** ${machine.node} (OpenSSL ${machine.openssl})`,
    `- **Date:** ${machine.date}`,
    `- **Run:** ${config.rounds} round(s) × ${config.duration} s per server and scenario (rounds interleaved across servers), ` +
      `${config.warmup} s warm-up, ${config.connections} connections, pipelining 1, loopback; ` +
      (config.pinned ? 'servers pinned to core 1, load generator to core 0' : 'nothing pinned') +
      `${config.niceness ? `; niceness ${config.niceness}` : ''}` +
      `${config.quick ? '; **--quick smoke run: figures are indicative only**' : ''}; whole run ${results.elapsedSeconds.toFixed(0)} s`,
    `- **Other work on the machine** (CPU busy, all cores, 1 s before each scenario while the bench was idle): ${Object.entries(
      results.background ?? {},
    )
      .map(([group, b]) => `${group} ${b.busyPercent.toFixed(0)}%`)
      .join(', ')}${Object.values(results.background ?? {}).some((b) => !b.quiet) ? ' — **the machine was shared: absolute figures are depressed and noisy; ratios within a scenario (interleaved rounds) hold better**' : ''}`,
    `- **Packages:** ${versions}`,
    `- **Library parts:** ${Object.entries(results.libraryStatus)
      .map(([part, status]) => `${part} ${status === 'ok' ? 'built' : `MISSING (${status})`}`)
      .join(', ')}`,
  ].join('\n');
}

function secretSection(secret, targets) {
  if (!secret) return 'Not run.';
  if (secret.error) {
    targets.push({ target: `generated-secret check ≤ ${TARGETS.secretMicros} µs`, measured: secret.error, pass: undefined });
    return `Failed: ${secret.error}`;
  }
  const names = {
    generated: 'generated secret: library `verifySecret`, `sha256$…` hash (SHA-256 + timingSafeEqual, async)',
    'sha256-raw': 'the same check inline and synchronous (what the ceiling and peers do)',
    scrypt: 'imported secret: library `verifySecret`, `scrypt$…` hash (N=16384, r=8, p=1)',
    'bcrypt-10': '`bcrypt.compare`, cost 10',
  };
  const lines = ['| check | per check (median) | min–max | checks/s on one core | × generated |', '| --- | ---: | ---: | ---: | ---: |'];
  const generated = summarize(secret.rounds.map((r) => r.generated?.microsPerOp));
  for (const [name, label] of Object.entries(names)) {
    const s = summarize(secret.rounds.map((r) => r[name]?.microsPerOp));
    if (!s) {
      lines.push(`| ${label} | not measured | | | |`);
      continue;
    }
    lines.push(
      `| ${label} | ${fmt.micros(s.median)} | ${fmt.micros(s.min)}–${fmt.micros(s.max)} | ${fmt.rps(1e6 / s.median)} | ${fmt.ratio(generated ? s.median / generated.median : undefined)} |`,
    );
  }
  targets.push({
    target: `generated-secret check ≤ ${TARGETS.secretMicros} µs`,
    measured: generated ? fmt.micros(generated.median) : 'library not built',
    pass: generated ? generated.median <= TARGETS.secretMicros : undefined,
  });
  return lines.join('\n');
}

function tokenSection(token, targets) {
  if (!token) return { text: 'Not run.', bestPeers: {} };
  const parts = [];
  const bestPeers = {};
  for (const [alg, scenario] of Object.entries(token)) {
    const rows = summarizeScenario(scenario);
    const ceiling = rows.ceiling;
    const best = bestPeer(rows);
    bestPeers[alg] = { best, ceiling };
    parts.push(`### ${alg}\n\n${scenarioTable(rows, { ceiling, best, reference: ISSUE_REFERENCE.token })}`);
    const subject = rows.library;
    const vsCeiling = ratioOf(subject, ceiling);
    targets.push({
      target: `token endpoint ${alg} ≥ ${TARGETS.tokenVsCeiling}× the hand-written ceiling`,
      measured: vsCeiling === undefined ? 'not measured' : `${bothRatios(subject, ceiling)}: ${fmt.rps(subject.rps.median)} vs ${fmt.rps(ceiling.rps.median)} req/s`,
      pass: vsCeiling === undefined ? undefined : vsCeiling >= TARGETS.tokenVsCeiling,
    });
    const vsBest = ratioOf(subject, best);
    targets.push({
      target: `token endpoint ${alg} ahead of every peer`,
      measured: vsBest === undefined ? 'not measured' : `${bothRatios(subject, best)} the best peer (${best.label}, ${fmt.rps(best.rps.median)} req/s)`,
      pass: vsBest === undefined ? undefined : vsBest > 1,
    });
  }
  return { text: parts.join('\n\n'), bestPeers };
}

function poolSection(pool, bestPeers, targets) {
  if (!pool) return 'Not run.';
  const rows = summarizeScenario(pool);
  const { best, ceiling } = bestPeers.RS256 ?? {};
  const lines = [
    '| variant | req/s (median) | min–max | × ceiling (RS256, 1 core) | × best peer (RS256, 1 core) | req per CPU-second | cores busy: server | cores busy: load generator | p99 ms | notes |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const row of Object.values(rows)) {
    lines.push(
      `| ${row.label} | ${fmt.rps(row.rps?.median)} | ${row.rps ? `${fmt.rps(row.rps.min)}–${fmt.rps(row.rps.max)}` : '—'} | ${fmt.ratio(ratioOf(row, ceiling))} | ${fmt.ratio(ratioOf(row, best))} | ${fmt.rps(row.rpcs?.median)} | ${fmt.cores(row.serverCores?.median)} | ${fmt.cores(row.loadCores?.median)} | ${fmt.ms(row.p99?.median)} | ${row.problems.join('; ')} |`,
    );
  }
  const scaling = ratioOf(rows['pool-2-unpinned'], rows['pool-1-pinned']);
  const vsBest = ratioOf(rows['pool-2-unpinned'], best);
  targets.push({
    target: `beyond one core: \`tokenRouter\` + \`SigningPool\` unpinned ≥ ${TARGETS.poolVsBestPeer}× the best peer`,
    measured:
      vsBest === undefined
        ? 'not measured'
        : `${fmt.ratio(vsBest)} the best peer; 1 → ${rows['pool-2-unpinned'].label.match(/\d+/)?.[0] ?? 2} threads: ${fmt.ratio(scaling)}`,
    pass: vsBest === undefined ? undefined : vsBest >= TARGETS.poolVsBestPeer,
  });
  return `${lines.join('\n')}\n\nScaling of the pool from one signing thread on one core to all cores: ${fmt.ratio(scaling)}.`;
}

function protectedSection(hot, cold, targets) {
  const parts = [];
  const hotRows = summarizeScenario(hot);
  const ceiling = hotRows.ceiling;
  if (hot) {
    const best = bestPeer(hotRows);
    parts.push(`### Hot: a working set of tokens, each reused\n\n${scenarioTable(hotRows, { ceiling, best, reference: ISSUE_REFERENCE.protected })}`);
    const vsCeiling = ratioOf(hotRows.library, ceiling);
    targets.push({
      target: `protected route, hot tokens ≥ ${TARGETS.hotVsCeiling}× the no-auth ceiling`,
      measured: vsCeiling === undefined ? 'not measured' : `${bothRatios(hotRows.library, ceiling)}: ${fmt.rps(hotRows.library.rps.median)} vs ${fmt.rps(ceiling.rps.median)} req/s`,
      pass: vsCeiling === undefined ? undefined : vsCeiling >= TARGETS.hotVsCeiling,
    });
  }
  if (cold) {
    const coldRows = summarizeScenario(cold);
    const pooled = summarizeScenario(pooledScenario(cold));
    const best = bestPeer(pooled);
    parts.push(
      `### Cold: every request a token the server has never seen\n\n(× ceiling is against the no-auth route of the hot scenario. ` +
        `The library and express-jwt ran in two processes each, a row per process; × best peer is against the best peer's rounds in all its processes.)\n\n` +
        scenarioTable(coldRows, { ceiling, best, reference: undefined }),
    );
    const subject = pooled.library;
    const vsBest = ratioOf(subject, best);
    targets.push({
      target: 'protected route, cold tokens ≥ the best peer',
      measured:
        vsBest === undefined
          ? 'not measured'
          : `${bothRatios(subject, best)} the best peer (${best.label}, ${fmt.rps(best.rps.median)} req/s; each the median of ${subject.rps.n} and ${best.rps.n} rounds over its processes)${processToProcess(coldRows)}`,
      pass: vsBest === undefined ? undefined : vsBest >= TARGETS.coldVsBestPeer,
    });
  }
  return parts.length ? parts.join('\n\n') : 'Not run.';
}

/**
 * A scenario with each server that ran in more than one process (`repeatOf`) as one entry: the
 * rounds of its first process, then those of the next. Two servers' rounds stay paired (the k-th
 * round of one's first process with the k-th of the other's) as long as both ran in as many
 * processes.
 */
function pooledScenario(scenario) {
  const pooled = {};
  for (const [id, entry] of Object.entries(scenario)) if (!entry.repeatOf) pooled[id] = { ...entry, rounds: [...entry.rounds] };
  for (const entry of Object.values(scenario)) {
    const first = entry.repeatOf && pooled[entry.repeatOf];
    if (first) first.rounds.push(...entry.rounds);
  }
  return pooled;
}

/**
 * "; the same server, second process against first (…): library 0.970× req/s (…); express-jwt 1.080×
 * req/s (…)": each server that ran twice, its second process against its first. Nothing but the host and the process differs between the two, so this is how
 * close a verdict the run can make.
 */
function processToProcess(rows) {
  const pairs = Object.values(rows)
    .filter((row) => row.repeatOf && ratioOf(row, rows[row.repeatOf]) !== undefined)
    .map((row) => `${row.repeatOf} ${bothRatios(row, rows[row.repeatOf])}`);
  return pairs.length ? `; the same server, second process against first (what this run can tell apart): ${pairs.join('; ')}` : '';
}

function memorySection(memory, targets) {
  const target = 'memory bounded: RSS flat over 1 000 000 verified requests / 100 000 distinct tokens, cache ≤ its max';
  if (!memory) return 'Not run.';
  if (memory.error) {
    targets.push({ target, measured: memory.error, pass: undefined });
    return `Not measured: ${memory.error}`;
  }
  const half = memory.samples[Math.floor(memory.samples.length / 2) - 1] ?? memory.samples[0];
  const last = memory.samples[memory.samples.length - 1];
  const growth = half && last ? last.rssAfterGcMiB / half.rssAfterGcMiB : undefined;
  const cacheBounded = memory.cacheMax === undefined || memory.cacheSize <= memory.cacheMax;
  const pass = !memory.timedOut && memory.refused === 0 && cacheBounded && growth !== undefined && growth <= 1.1;
  targets.push({
    target,
    measured: `RSS ${fmt.mib(memory.before.rssMiB)} before → ${fmt.mib(memory.after.rssMiB)} after (GC'd; peak ${fmt.mib(memory.peakRssMiB)}); retained RSS from mid-run to the end ${fmt.ratio(growth)}; cache ${memory.cacheSize.toLocaleString('en-US')}${memory.cacheMax ? ` / ${memory.cacheMax.toLocaleString('en-US')}` : ''} entries`,
    pass,
  });
  const lines = [
    `- ${memory.requests.toLocaleString('en-US')} requests over ${memory.distinct.toLocaleString('en-US')} distinct ${memory.alg ?? ''} tokens through one \`requireToken\` (default cache), in ${memory.seconds.toFixed(1)} s ` +
      `(${fmt.micros((memory.seconds * 1e6) / memory.requests)} per request on average)${memory.timedOut ? ' — **stopped by its time bound before the end**' : ''}`,
    `- signature verifications (cache misses): ${memory.verifications.toLocaleString('en-US')}; refused: ${memory.refused}`,
    `- token cache: ${memory.cacheSize.toLocaleString('en-US')} entries at the end${memory.cacheMax ? ` (max ${memory.cacheMax.toLocaleString('en-US')})` : ''}`,
    `- RSS before (the ${memory.distinct.toLocaleString('en-US')} tokens already loaded as strings, middleware built, GC'd): ${fmt.mib(memory.before.rssMiB)}; heap ${fmt.mib(memory.before.heapUsedMiB)}`,
    `- RSS after: ${fmt.mib(memory.afterNoGc.rssMiB)} before GC, ${fmt.mib(memory.after.rssMiB)} after; heap after GC ${fmt.mib(memory.after.heapUsedMiB)}; peak RSS ${fmt.mib(memory.peakRssMiB)}`,
    '- PASS needs: every request admitted, the cache at or under its max, and the retained RSS (after a full GC) of the last sample within 1.1× of the mid-run sample.',
    '',
    '| requests | RSS (live) | RSS after GC | heap after GC | cache entries |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...memory.samples.map(
      (s) =>
        `| ${s.requests.toLocaleString('en-US')} | ${fmt.mib(s.rssMiB)} | ${fmt.mib(s.rssAfterGcMiB)} | ${fmt.mib(s.heapAfterGcMiB)} | ${s.cacheSize.toLocaleString('en-US')} |`,
    ),
  ];
  return lines.join('\n');
}

function targetsTable(targets) {
  return [
    '| target (issue 9) | measured | result |',
    '| --- | --- | --- |',
    ...targets.map((t) => `| ${t.target} | ${t.measured} | ${verdict(t.pass)} |`),
  ].join('\n');
}

function renderResults(results) {
  const targets = [];
  const token = tokenSection(results.token, targets);
  const pool = results.pool ? poolSection(results.pool, token.bestPeers, targets) : 'Not run.';
  const protectedText = protectedSection(results.hot, results.cold, targets);
  const secret = secretSection(results.secret, targets);
  const memory = memorySection(results.memory, targets);
  return `# Benchmark results

Generated by \`npm run bench\` (bench/run.js); do not edit by hand. How to run and what each scenario is:
[bench/README.md](README.md). Every figure is the median of the rounds, with the min–max spread of the rounds.
**req/s** is 2xx answers per wall-clock second (the issue's measure; the verdicts use it). **req per CPU-second**
is 2xx answers per second of CPU the server process used (all threads): the cost of a request, which
barely moves when other work on a shared machine takes the server's core away. In the Targets table,
**round by round** is the median (and min–max) of the two servers' ratio within each round: the servers
of a round run back to back, so a slow phase of the host touches both; it is shown to read a close
verdict by, the verdicts themselves use the ratio of the medians. Each round starts one server further
along than the round before, so no server always runs first. In the cold scenario the library and
express-jwt each run in two processes: the verdict uses the rounds of both, and how far apart the same
server lands in its two processes is how close a verdict the run can make.

${machineSection(results)}

## Targets

${targetsTable(targets)}

## Token endpoint — POST /oauth2/token, client_secret_basic, memory store

Every server signs the same RFC 9068 claims with the same key (one PEM per run, parsed once per
server) and checks the secret the same way (SHA-256 + timingSafeEqual); each answer was checked
(signature, \`kid\`, \`typ\`, claims) before it was measured.

${token.text}

## Beyond one core — signing in worker threads (RS256)

By default the library signs on the main thread; with \`tokenRouter({ signingPool })\` it signs on
worker threads (\`SigningPool\`, bench/servers/token/library-pool.js). Unpinned servers share the
machine with the load generator.

${pool}

## Protected route — GET /api/records, audience + scope, RS256

${protectedText}

## Secret check — one check at a time, one core

${secret}

## Memory — requireToken after many distinct tokens

${memory}
`;
}

function writeResults(file, results) {
  fs.writeFileSync(file, renderResults(results));
}

module.exports = { renderResults, writeResults, TARGETS };
