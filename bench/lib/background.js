'use strict';
/**
 * How busy the machine is with OTHER work, measured while nothing of the benchmark runs: the share
 * of all cores not idle over one second. Optionally waits (bounded) until it falls below a
 * threshold, so a run on a shared machine can start in a quiet moment. Reported in RESULTS.md.
 */
const os = require('node:os');

function cpuTimes() {
  let idle = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const { user, nice, sys, idle: cpuIdle, irq } = cpu.times;
    idle += cpuIdle;
    total += user + nice + sys + cpuIdle + irq;
  }
  return { idle, total };
}

async function busyPercent(ms = 1000) {
  const before = cpuTimes();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = cpuTimes();
  const total = after.total - before.total;
  return total > 0 ? 100 * (1 - (after.idle - before.idle) / total) : 0;
}

/** Measures background load; with `maxWaitSeconds` > 0, waits until it is under `belowPercent`. */
async function backgroundLoad({ maxWaitSeconds = 0, belowPercent = 10 } = {}) {
  const started = Date.now();
  let busy = await busyPercent();
  while (busy >= belowPercent && Date.now() - started < maxWaitSeconds * 1000) busy = await busyPercent();
  return { busyPercent: busy, waitedSeconds: (Date.now() - started) / 1000 - 1, quiet: busy < belowPercent };
}

module.exports = { backgroundLoad };
