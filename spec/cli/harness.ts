/**
 * Runs the CLI in-process through `runCli`, with buffers for stdout and stderr and, unless told
 * otherwise, a real `MemoryClientStore` as the client store.
 */
import { Readable } from 'node:stream';
import type { ClientStore } from '../../lib/clients';
import { MemoryClientStore } from '../../lib/clients';
import type { CliIo, StoreFactory } from '../../lib/cli/run';
import { runCli } from '../../lib/cli/run';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  env?: Record<string, string | undefined>;
  /** Text on standard input. */
  stdin?: string;
  cwd?: string;
}

export interface CliHarness {
  run(argv: string[], options?: CliRunOptions): Promise<CliResult>;
  /** `run` with `--json` appended, its stdout parsed (fails the test when the exit code is not 0). */
  json<T = Record<string, unknown>>(argv: string[], options?: CliRunOptions): Promise<T>;
}

/** A factory that hands the CLI the given store (a real one, not a mock). */
export function fixedStore(store: ClientStore): StoreFactory {
  return () => Promise.resolve({ store, description: 'the in-memory client store', close: () => Promise.resolve() });
}

/**
 * @param openStore the store factory; a fresh MemoryClientStore by default, `null` for the CLI's own (MongoDB).
 */
export function cliHarness(openStore: StoreFactory | null = fixedStore(new MemoryClientStore())): CliHarness {
  const run = async (argv: string[], options: CliRunOptions = {}): Promise<CliResult> => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: options.env ?? {},
    };
    if (openStore) io.openStore = openStore;
    if (options.stdin !== undefined) io.stdin = Readable.from([options.stdin]);
    if (options.cwd !== undefined) io.cwd = options.cwd;
    const code = await runCli(argv, io);
    return { code, stdout, stderr };
  };
  return {
    run,
    async json<T>(argv: string[], options?: CliRunOptions): Promise<T> {
      const result = await run([...argv, '--json'], options);
      if (result.code !== 0) throw new Error(`${argv.join(' ')} exited ${result.code}: ${result.stderr}`);
      return JSON.parse(result.stdout) as T;
    },
  };
}

/** The lines of a text, without the trailing empty one. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line, index, all) => !(index === all.length - 1 && line === ''));
}
