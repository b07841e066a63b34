/**
 * The `express-client-credentials` command line: finds the command, parses its arguments with
 * `node:util` `parseArgs` (strict), opens the client store when the command needs it, runs it and
 * turns every failure into one line on stderr and an exit code (0 ok, 1 failed, 2 wrong usage).
 *
 * `main.ts` calls `runCli` with the process's streams; the tests call it with buffers and a
 * `MemoryClientStore` factory.
 */
import { parseArgs } from 'node:util';
import type { ClientStore } from '../clients';
import { StoreUnavailableError } from '../clients';
import type { CliIo, CommandContext, CommandSpec, OptionSpec } from './command';
import { clientCommands } from './commands/clients';
import { keyCommands } from './commands/keys';
import { keyRotationCommands } from './commands/key-rotation';
import { CommandError, UsageError, shortReason } from './errors';
import type { OpenedKeyStore, OpenedStore } from './store';
import { openMongoKeyStore, openMongoStore } from './store';

export type { CliIo } from './command';
export type {
  KeyStoreConnectionOptions,
  KeyStoreFactory,
  OpenedKeyStore,
  OpenedStore,
  StoreConnectionOptions,
  StoreFactory,
} from './store';

export const PROGRAM = 'express-client-credentials';
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const DEFAULT_TIMEOUT_MS = 5000;
const MAX_TIMEOUT_MS = 600_000;

const COMMANDS: readonly CommandSpec[] = [...clientCommands, ...keyCommands, ...keyRotationCommands];
const GROUPS: Record<string, string> = {
  clients: 'manage registered clients in the client store',
  keys: 'generate signing keys; rotate, list and retire the server’s keys',
};

const HELP_OPTION: OptionSpec = { name: 'help', type: 'boolean', description: 'show this help' };
const JSON_OPTION: OptionSpec = { name: 'json', type: 'boolean', description: 'print machine-readable JSON' };
const STORE_OPTIONS: readonly OptionSpec[] = [
  { name: 'mongodb-uri', type: 'string', value: 'URI', description: 'MongoDB connection string (default: $MONGODB_URI)' },
  {
    name: 'timeout-ms',
    type: 'string',
    value: 'N',
    description: `how long to wait for MongoDB, in milliseconds (default ${DEFAULT_TIMEOUT_MS})`,
  },
];

function globalOptions(command: CommandSpec): OptionSpec[] {
  return [...(command.store ? STORE_OPTIONS : []), JSON_OPTION, HELP_OPTION];
}

function optionLines(options: readonly OptionSpec[]): string[] {
  const labels = options.map((option) => {
    const name = option.name === 'help' ? '-h, --help' : `--${option.name}`;
    return option.value === undefined ? name : `${name} ${option.value}`;
  });
  const width = Math.max(...labels.map((label) => label.length));
  return options.map((option, index) => `  ${(labels[index] ?? '').padEnd(width)}  ${option.description}`);
}

function commandHelp(command: CommandSpec): string {
  const lines = [`Usage: ${PROGRAM} ${command.usage}`, '', `${command.summary[0]?.toUpperCase() ?? ''}${command.summary.slice(1)}.`];
  if (command.options.length > 0) lines.push('', 'Options:', ...optionLines(command.options));
  lines.push('', 'Global options:', ...optionLines(globalOptions(command)));
  if (command.examples && command.examples.length > 0) {
    lines.push('', 'Examples:', ...command.examples.map((example) => `  ${example}`));
  }
  return `${lines.join('\n')}\n`;
}

function groupHelp(group: string): string {
  const commands = COMMANDS.filter((command) => command.name.startsWith(`${group} `));
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    `Usage: ${PROGRAM} ${group} <command> [options]`,
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    `Run '${PROGRAM} ${group} <command> --help' for a command's options.`,
    '',
  ].join('\n');
}

function programHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Manage the clients and signing keys of an express-client-credentials authorization server.',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    `Client commands use MongoDB: --mongodb-uri URI or MONGODB_URI. Add --json for scripts.`,
    `keys rotate|list|retire also need KEY_ENCRYPTION_KEY (the private keys are encrypted with it).`,
    `Run '${PROGRAM} <command> --help' for a command's options.`,
    '',
  ].join('\n');
}

/** parseArgs' message: its first sentence, with a lower-case start. */
function parseArgsMessage(error: unknown): string {
  const reason = shortReason(error).split('. ', 1)[0] ?? '';
  return `${reason[0]?.toLowerCase() ?? ''}${reason.slice(1)}`.replace(/\.$/, '');
}

interface ParsedCommand {
  command: CommandSpec;
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  positionals: string[];
}

/** parseArgs keeps the last of a repeated single-value option; repeating one is more likely a mistake. */
function refuseRepeats(command: CommandSpec, tokens: ReadonlyArray<{ kind: string; name?: string }>): void {
  const repeatable = new Set(command.options.filter((option) => option.multiple).map((option) => option.name));
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined || repeatable.has(token.name)) continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} given more than once`, command.name);
    seen.add(token.name);
  }
}

function parseCommand(command: CommandSpec, args: string[]): ParsedCommand {
  const options = Object.fromEntries(
    [...command.options, ...globalOptions(command)].map((option) => [
      option.name,
      { type: option.type, ...(option.multiple ? { multiple: true } : {}), ...(option.name === 'help' ? { short: 'h' } : {}) },
    ]),
  );
  try {
    const { values, positionals, tokens } = parseArgs({ args, options, strict: true, allowPositionals: true, tokens: true });
    refuseRepeats(command, tokens);
    return { command, values, positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(parseArgsMessage(error) + dashedPositionalHint(command, error), command.name);
  }
}

/** An "unknown option" may be the positional itself (a kid, a thumbprint, can begin with '-'): say how to pass it. */
function dashedPositionalHint(command: CommandSpec, error: unknown): string {
  const unknownOption = (error as { code?: unknown } | null)?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
  if (!unknownOption || command.positional === undefined) return '';
  return `; a ${command.positional} that begins with '-' goes after '--', as in '${command.name} -- <${command.positional}>'`;
}

function positionalOf(parsed: ParsedCommand): string | undefined {
  const { command, positionals } = parsed;
  if (command.positional === undefined) {
    if (positionals.length > 0) {
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0]?.slice(0, 60))}`, command.name);
    }
    return undefined;
  }
  if (positionals.length === 0) throw new UsageError(`${command.positional} is required`, command.name);
  if (positionals.length > 1) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1]?.slice(0, 60))}`, command.name);
  }
  return positionals[0];
}

function timeoutOf(values: ParsedCommand['values'], commandName: string): number {
  const text = values['timeout-ms'];
  if (typeof text !== 'string') return DEFAULT_TIMEOUT_MS;
  const value = /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new UsageError(`--timeout-ms must be a whole number from 1 to ${MAX_TIMEOUT_MS}`, commandName);
  }
  return value;
}

async function execute(parsed: ParsedCommand, io: CliIo): Promise<void> {
  const { command, values } = parsed;
  const positional = positionalOf(parsed);
  const uriOption = values['mongodb-uri'];
  const mongodbUri = typeof uriOption === 'string' ? uriOption : io.env.MONGODB_URI;
  const timeoutMs = command.store ? timeoutOf(values, command.name) : DEFAULT_TIMEOUT_MS;
  const open = io.openStore ?? openMongoStore;

  // Opened on first use, so a command checks all its arguments before it waits for a database.
  let opening: Promise<OpenedStore> | undefined;
  const openStore = async (): Promise<OpenedStore> => {
    try {
      return await open({ ...(mongodbUri === undefined ? {} : { mongodbUri }), timeoutMs });
    } catch (error) {
      if (error instanceof UsageError && error.command === undefined) throw new UsageError(error.message, command.name);
      throw error;
    }
  };
  let openingKeys: Promise<OpenedKeyStore> | undefined;
  const openKeyStore = async (): Promise<OpenedKeyStore> => {
    const keyEncryptionKey = io.env.KEY_ENCRYPTION_KEY;
    try {
      return await (io.openKeyStore ?? openMongoKeyStore)({
        ...(mongodbUri === undefined ? {} : { mongodbUri }),
        ...(keyEncryptionKey === undefined ? {} : { keyEncryptionKey }),
        timeoutMs,
      });
    } catch (error) {
      if (error instanceof UsageError && error.command === undefined) throw new UsageError(error.message, command.name);
      throw error;
    }
  };
  const context: CommandContext = {
    command: command.name,
    options: values,
    ...(positional === undefined ? {} : { positional }),
    json: values.json === true,
    io,
    async store(): Promise<ClientStore> {
      if (!command.store) throw new Error(`${command.name} does not use the client store`);
      opening ??= openStore();
      return (await opening).store;
    },
    async keyStore() {
      if (!command.store) throw new Error(`${command.name} does not use the key store`);
      openingKeys ??= openKeyStore();
      return (await openingKeys).store;
    },
  };
  try {
    await command.run(context);
  } catch (error) {
    const opened = (await opening?.catch(() => undefined)) ?? (await openingKeys?.catch(() => undefined));
    if (error instanceof StoreUnavailableError && opened) {
      throw new CommandError(`cannot reach ${opened.description}: ${shortReason(error)}`);
    }
    throw error;
  } finally {
    const opened = await opening?.catch(() => undefined);
    await opened?.close();
    const openedKeys = await openingKeys?.catch(() => undefined);
    await openedKeys?.close();
  }
}

/** Finds the command named by the first words of `argv`; `undefined` when help was asked for. */
function findCommand(argv: string[], io: CliIo): { command: CommandSpec; args: string[] } | undefined {
  const [first, second] = argv;
  const wantsHelp = (word: string | undefined): boolean => word === '--help' || word === '-h' || word === 'help';
  if (first === undefined) throw new UsageError('missing command');
  if (wantsHelp(first)) {
    io.stdout.write(programHelp());
    return undefined;
  }
  if (GROUPS[first] === undefined || !Object.hasOwn(GROUPS, first)) {
    throw new UsageError(`unknown command ${JSON.stringify(first.slice(0, 60))}`);
  }
  if (second === undefined || wantsHelp(second)) {
    if (second === undefined) throw new UsageError(`missing ${first} command`, first);
    io.stdout.write(groupHelp(first));
    return undefined;
  }
  const command = COMMANDS.find((candidate) => candidate.name === `${first} ${second}`);
  if (!command) throw new UsageError(`unknown ${first} command ${JSON.stringify(second.slice(0, 60))}`, first);
  return { command, args: argv.slice(2) };
}

/**
 * Runs one CLI invocation and resolves its exit code: 0 done, 1 the command failed (database
 * unreachable, no such client, …), 2 a wrong argument. Errors are one line on `io.stderr`.
 *
 * @example
 * const code = await runCli(['clients', 'list', '--json'], { stdout: process.stdout, stderr: process.stderr, env: process.env });
 * process.exitCode = code;
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let helpFor = '';
  try {
    const found = findCommand(argv, io);
    if (!found) return EXIT_OK;
    helpFor = found.command.name;
    const parsed = parseCommand(found.command, found.args);
    if (parsed.values.help === true) {
      io.stdout.write(commandHelp(found.command));
      return EXIT_OK;
    }
    await execute(parsed, io);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) {
      const about = error.command ?? helpFor;
      io.stderr.write(`error: ${error.message} (see '${PROGRAM}${about ? ` ${about}` : ''} --help')\n`);
      return EXIT_USAGE;
    }
    if (error instanceof CommandError) {
      io.stderr.write(`error: ${error.message}\n`);
      return EXIT_FAILED;
    }
    io.stderr.write(`error: ${shortReason(error)}\n`);
    return EXIT_FAILED;
  }
}
