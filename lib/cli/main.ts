#!/usr/bin/env node
/**
 * The `express-client-credentials` executable: runs the CLI with this process's streams and
 * environment and exits with its code. Everything else lives in `./run.ts`.
 */
import { runCli } from './run';

void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
