'use strict';
/**
 * CPU time a server process has used (all its threads, user + system), from /proc/<pid>/stat.
 * Requests per CPU-second is the server's cost per request: unlike requests per wall-clock second
 * it barely moves when other work on a shared machine takes the server's core away.
 * Linux only; elsewhere it reports nothing and RESULTS.md leaves the column empty.
 */
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

let ticksPerSecond;
function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Seconds of CPU used so far by process `pid`, or undefined when it cannot be read. */
function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  } catch {
    return undefined;
  }
}

module.exports = { cpuSeconds };
