'use strict';
/**
 * Run settings, from the command line and the environment:
 *   --quick               a smoke run (1 round × 1 s, small token pools, 100 000 memory requests)
 *   --only=a,b            run only these groups: secret, token, pool, hot, cold, memory
 *   BENCH_DURATION        seconds measured per round (default 3)
 *   BENCH_WARMUP          seconds of warm-up per server (default 1)
 *   BENCH_ROUNDS          rounds per scenario (default 5); figures are the median of the rounds
 *   BENCH_CONNECTIONS     concurrent connections of the load generator (default 10)
 *   BENCH_LIB_DIR         the compiled library (default <repo>/dist/lib)
 *   BENCH_NICE            run the bench and every server at this niceness (e.g. -10, needs root):
 *                         on a shared machine, other work then takes less of the measured cores
 *   BENCH_WAIT_QUIET      before each scenario, wait up to this many seconds for the machine's
 *                         other work to fall under BENCH_QUIET_BELOW % CPU (default 0: only measure it)
 */
const os = require('node:os');
const path = require('node:path');

const GROUPS = ['secret', 'token', 'pool', 'hot', 'cold', 'memory'];

function positiveNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not ${JSON.stringify(raw)}`);
  return value;
}

function readConfig(argv = process.argv.slice(2)) {
  const quick = argv.includes('--quick');
  const onlyArg = argv.find((arg) => arg.startsWith('--only='));
  const only = onlyArg ? onlyArg.slice('--only='.length).split(',').filter(Boolean) : GROUPS;
  for (const group of only) if (!GROUPS.includes(group)) throw new Error(`unknown group ${group}; known: ${GROUPS.join(', ')}`);
  const repoRoot = path.resolve(__dirname, '..', '..');
  const cores = os.availableParallelism();
  const duration = positiveNumber('BENCH_DURATION', quick ? 1 : 3);
  return {
    quick,
    groups: new Set(only),
    duration,
    warmup: positiveNumber('BENCH_WARMUP', 1),
    rounds: Math.round(positiveNumber('BENCH_ROUNDS', quick ? 1 : 5)),
    connections: Math.round(positiveNumber('BENCH_CONNECTIONS', 10)),
    /** Distinct RS256 tokens for the cold rounds: 4 000 for the warm-up, the rest split between the rounds, each used once per server. */
    poolSize: quick ? 20_000 : 100_000,
    memoryRequests: quick ? 100_000 : 1_000_000,
    memoryDistinctTokens: quick ? 20_000 : 100_000,
    hotTokens: 200,
    repoRoot,
    libDir: process.env.BENCH_LIB_DIR ? path.resolve(process.env.BENCH_LIB_DIR) : path.join(repoRoot, 'dist', 'lib'),
    tmpDir: path.join(repoRoot, 'bench', '.tmp'),
    resultsFile: path.join(repoRoot, 'bench', 'RESULTS.md'),
    cores,
    /** Pin servers to core 1 and the load generator to core 0 when there are at least two cores. */
    pin: cores >= 2,
    /** The whole run is killed after this long, whatever happens. */
    nice: process.env.BENCH_NICE ? Number(process.env.BENCH_NICE) : undefined,
    waitQuietSeconds: Number(process.env.BENCH_WAIT_QUIET ?? 0) || 0,
    quietBelowPercent: positiveNumber('BENCH_QUIET_BELOW', 10),
    watchdogMs: positiveNumber('BENCH_WATCHDOG_SECONDS', 20 * 60) * 1000,
  };
}

module.exports = { readConfig, GROUPS };
