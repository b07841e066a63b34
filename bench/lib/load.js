'use strict';
/**
 * The load generator: autocannon, in this process (pinned to core 0). One call = one bounded run
 * (a duration, and optionally a maximum number of requests). Throughput is counted as 2xx
 * responses per second of the run's actual duration; any non-2xx or socket error is reported with
 * the figure (a round with errors is flagged in RESULTS.md).
 */
const autocannon = require('autocannon');
const { cpuSeconds } = require('./cpu');

/**
 * One bounded load run against `url`. Also the cores the load generator (this process) kept busy
 * (`loadCores`) and, with `serverPid`, the server's CPU seconds, the cores it kept busy
 * (`serverCores`) and its 2xx answers per CPU-second (`rpcs`).
 */
async function runLoad(options) {
  const cpuBefore = options.serverPid ? cpuSeconds(options.serverPid) : undefined;
  const loadCpuBefore = process.cpuUsage();
  const result = await autocannonRun(options);
  const loadCpu = process.cpuUsage(loadCpuBefore);
  const cpuAfter = options.serverPid ? cpuSeconds(options.serverPid) : undefined;
  if (result.seconds > 0) result.loadCores = (loadCpu.user + loadCpu.system) / 1e6 / result.seconds;
  if (cpuBefore !== undefined && cpuAfter !== undefined && cpuAfter > cpuBefore) {
    result.serverCpuSeconds = cpuAfter - cpuBefore;
    result.rpcs = result.ok / result.serverCpuSeconds;
    if (result.seconds > 0) result.serverCores = result.serverCpuSeconds / result.seconds;
  }
  return result;
}

function autocannonRun({ url, duration, connections, method = 'GET', headers, body, requests, maxRequests }) {
  return new Promise((resolve, reject) => {
    const options = { url, duration, connections, pipelining: 1, method, timeout: 10 };
    if (headers) options.headers = headers;
    if (body !== undefined) options.body = body;
    if (requests) options.requests = requests;
    if (maxRequests) options.maxOverallRequests = maxRequests;
    const instance = autocannon(options, (error, result) => {
      if (error) {
        reject(error);
        return;
      }
      const ok = result['2xx'];
      resolve({
        rps: result.duration > 0 ? ok / result.duration : 0,
        ok,
        total: result.requests.total,
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
        seconds: result.duration,
        latencyP50: result.latency.p50,
        latencyP99: result.latency.p99,
      });
    });
    // autocannon stops itself after `duration`; this is only a last guard.
    const guard = setTimeout(() => instance.stop(), (duration + 30) * 1000);
    instance.once('done', () => clearTimeout(guard));
  });
}

/** A `requests` list that hands out the tokens of `tokens` in order, one per request, never twice. */
function distinctTokenRequests(tokens, path) {
  let next = 0;
  return [
    {
      method: 'GET',
      path,
      setupRequest(request) {
        const token = tokens[next++ % tokens.length];
        request.headers = { ...request.headers, authorization: `Bearer ${token}` };
        return request;
      },
    },
  ];
}

/** A `requests` list that cycles through a small working set of tokens (each reused). */
function workingSetRequests(tokens, path) {
  return tokens.map((token) => ({ method: 'GET', path, headers: { authorization: `Bearer ${token}` } }));
}

module.exports = { runLoad, distinctTokenRequests, workingSetRequests };
