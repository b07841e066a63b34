/**
 * What a CLI command is: its options (for `node:util` `parseArgs` and for `--help`), whether it
 * needs the client store, and the function that runs it. Plus typed readers for parsed options.
 */
import type { ClientStore } from '../clients';
import type { KeyStore } from '../keys/key-store';
import { UsageError } from './errors';
import type { TextSink } from './output';
import type { KeyStoreFactory, StoreFactory } from './store';

/** The streams and environment a run uses: the process's in `main.ts`, buffers in the tests. */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  /** Read by `--secret-from-stdin`. */
  stdin?: AsyncIterable<string | Uint8Array>;
  /** `MONGODB_URI` is read from here. */
  env: Readonly<Record<string, string | undefined>>;
  /** Where relative paths (`--out-dir`) start; `process.cwd()` by default. */
  cwd?: string;
  /** Opens the client store; MongoDB (`openMongoStore`) by default. */
  openStore?: StoreFactory;
  /** Opens the signing-key store (`keys rotate|list|retire`); MongoDB (`openMongoKeyStore`) by default. */
  openKeyStore?: KeyStoreFactory;
}

export interface OptionSpec {
  /** The long name, without `--`. */
  name: string;
  type: 'string' | 'boolean';
  /** May be given more than once (collected into an array). */
  multiple?: boolean;
  /** Shown after the name in `--help`, e.g. `N` or `SCOPE`. */
  value?: string;
  description: string;
}

export interface CommandContext {
  /** The command's name, for messages (`clients create`). */
  command: string;
  options: Readonly<Record<string, string | boolean | Array<string | boolean> | undefined>>;
  /** The command's one positional argument (a client id), when it takes one. */
  positional?: string;
  json: boolean;
  io: CliIo;
  /** The client store, opened on first use; rejects for a command that does not declare `store: true`. */
  store(): Promise<ClientStore>;
  /** The signing-key store (`KEY_ENCRYPTION_KEY` from the environment), opened on first use; only for a `store: true` command. */
  keyStore(): Promise<KeyStore>;
}

export interface CommandSpec {
  /** `clients create`, `keys generate`. */
  name: string;
  summary: string;
  /** The usage line after the program name. */
  usage: string;
  /** The name of the one positional argument the command requires (e.g. `CLIENT_ID`). */
  positional?: string;
  options: readonly OptionSpec[];
  examples?: readonly string[];
  /** Whether the command runs against the database (client or key store; so it takes `--mongodb-uri`, `--timeout-ms`). */
  store: boolean;
  run(context: CommandContext): Promise<void>;
}

/**
 * A string option's value, or `undefined` when it was not given.
 *
 * @example
 * const name = stringOption(context, 'name');
 */
export function stringOption(context: CommandContext, name: string): string | undefined {
  const value = context.options[name];
  return typeof value === 'string' ? value : undefined;
}

/** Every value of a repeatable string option (empty when it was not given). */
export function listOption(context: CommandContext, name: string): string[] {
  const value = context.options[name];
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}

/** Whether a boolean option was given. */
export function flagOption(context: CommandContext, name: string): boolean {
  return context.options[name] === true;
}

/**
 * A whole-number option within `[min, max]`, or `undefined` when not given; a `UsageError` otherwise.
 *
 * @example
 * const limit = integerOption(context, 'limit', 1, 1000); // --limit 50 -> 50
 */
export function integerOption(context: CommandContext, name: string, min: number, max: number): number | undefined {
  const text = stringOption(context, name);
  if (text === undefined) return undefined;
  const value = /^\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${text.slice(0, 40)}")`, context.command);
  }
  return value;
}
