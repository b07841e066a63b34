/**
 * `keys list`, `keys rotate`, `keys retire` — key rotation from another process than the server
 * (DESIGN.md: rotation without a restart): the commands change the shared signing-key store
 * (MongoDB collection `oauth_signing_keys`, private keys sealed with `KEY_ENCRYPTION_KEY`), and
 * every server instance's `KeyringSync` follows within its poll interval.
 *
 * `rotate` publishes a new key at once and makes it the signer after `--activation-delay-ms` (by
 * default 10 s: two of the servers' default poll intervals, so every instance knows the key before
 * any token it signs); the keys it replaces keep verifying for `--retire-after` seconds (the
 * longest token lifetime plus clock tolerance), then disappear from the JWKS.
 */
import type { KeyDescription, SigningAlgorithm } from '../../keys';
import { KeyAdministrationError, storedKeyAdministration } from '../../keys/key-administration';
import { DEFAULT_ACTIVATION_DELAY_MS, DEFAULT_RETIRE_AFTER_SECONDS } from '../../keys/key-administration';
import type { CommandContext, CommandSpec } from '../command';
import { flagOption, integerOption, stringOption } from '../command';
import { CommandError, UsageError } from '../errors';
import { writeFields, writeJson, writeTable } from '../output';

const ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'PS256', 'ES256'];
const ONE_YEAR_SECONDS = 31_536_000;
const ONE_DAY_MS = 86_400_000;

function asJson(key: KeyDescription): Record<string, string> {
  const body: Record<string, string> = { kid: key.kid, alg: key.alg, status: key.status };
  if (key.activateAt) body.activate_at = key.activateAt.toISOString();
  if (key.retireAt) body.retire_at = key.retireAt.toISOString();
  return body;
}

function retireAfterOf(context: CommandContext): number {
  return integerOption(context, 'retire-after', 0, ONE_YEAR_SECONDS) ?? DEFAULT_RETIRE_AFTER_SECONDS;
}

/** A refused operation (unknown kid, retiring the signer) is a failed command, not a usage error. */
async function carryOut<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof KeyAdministrationError) throw new CommandError(error.message);
    throw error;
  }
}

const RETIRE_AFTER_OPTION = {
  name: 'retire-after',
  type: 'string',
  value: 'SECONDS',
  description: `how long a replaced key keeps verifying: the longest token lifetime + tolerance (default ${DEFAULT_RETIRE_AFTER_SECONDS})`,
} as const;

const list: CommandSpec = {
  name: 'keys list',
  summary: "list the server's signing keys and their status (no key material)",
  usage: 'keys list [--mongodb-uri URI]',
  store: true,
  options: [],
  examples: ['KEY_ENCRYPTION_KEY=… express-client-credentials keys list --mongodb-uri mongodb://127.0.0.1/auth'],
  async run(context) {
    const admin = storedKeyAdministration(await context.keyStore());
    const keys = await admin.list();
    if (context.json) {
      writeJson(context.io.stdout, { keys: keys.map(asJson) });
      return;
    }
    writeTable(
      context.io.stdout,
      ['KID', 'ALG', 'STATUS', 'ACTIVATE AT', 'RETIRE AT'],
      keys.map((key) => [key.kid, key.alg, key.status, key.activateAt?.toISOString() ?? '-', key.retireAt?.toISOString() ?? '-']),
    );
  },
};

const rotate: CommandSpec = {
  name: 'keys rotate',
  summary: 'add a new signing key; the keys it replaces retire after the longest token lifetime',
  usage: 'keys rotate [--alg RS256|PS256|ES256] [--activation-delay-ms N] [--retire-after SECONDS]',
  store: true,
  options: [
    { name: 'alg', type: 'string', value: 'ALG', description: "RS256, PS256 or ES256 (default: the current signer's)" },
    {
      name: 'activation-delay-ms',
      type: 'string',
      value: 'N',
      description: `how long the new key is published before it signs; at least the servers' poll interval (default ${DEFAULT_ACTIVATION_DELAY_MS})`,
    },
    RETIRE_AFTER_OPTION,
  ],
  examples: ['KEY_ENCRYPTION_KEY=… express-client-credentials keys rotate --alg ES256 --retire-after 86460'],
  async run(context) {
    const algText = stringOption(context, 'alg');
    const alg = algText === undefined ? undefined : ALGORITHMS.find((known) => known === algText);
    if (algText !== undefined && alg === undefined) {
      throw new UsageError('--alg must be RS256, PS256 or ES256', context.command);
    }
    const activationDelayMs = integerOption(context, 'activation-delay-ms', 0, ONE_DAY_MS) ?? DEFAULT_ACTIVATION_DELAY_MS;
    const retireAfterSeconds = retireAfterOf(context);
    const admin = storedKeyAdministration(await context.keyStore(), { activationDelayMs, retireAfterSeconds });
    const { added, retiring } = await carryOut(() => admin.rotate(alg === undefined ? {} : { alg }));
    if (context.json) {
      writeJson(context.io.stdout, { added: asJson(added), retiring: retiring.map(asJson) });
      return;
    }
    writeFields(context.io.stdout, [
      ['new kid', added.kid],
      ['alg', added.alg],
      ['signs from', added.activateAt?.toISOString()],
      ...retiring.map((key) => [`retiring ${key.kid}`, `at ${key.retireAt?.toISOString() ?? '?'}`] as const),
    ]);
  },
};

const retire: CommandSpec = {
  name: 'keys retire',
  summary: 'retire a signing key after the longest token lifetime (or at once with --now)',
  usage: 'keys retire KID [--retire-after SECONDS | --now]',
  positional: 'KID',
  store: true,
  options: [
    RETIRE_AFTER_OPTION,
    { name: 'now', type: 'boolean', description: 'stop verifying at once (a compromised key): its live tokens fail' },
  ],
  examples: ['KEY_ENCRYPTION_KEY=… express-client-credentials keys retire 2025-01'],
  async run(context) {
    const kid = context.positional ?? '';
    const now = flagOption(context, 'now');
    if (now && stringOption(context, 'retire-after') !== undefined) {
      throw new UsageError('--now and --retire-after cannot be used together', context.command);
    }
    const admin = storedKeyAdministration(await context.keyStore(), { retireAfterSeconds: retireAfterOf(context) });
    const retired = await carryOut(() => admin.retire(kid, now ? { at: new Date() } : {}));
    if (context.json) {
      writeJson(context.io.stdout, asJson(retired));
      return;
    }
    writeFields(context.io.stdout, [
      ['kid', retired.kid],
      ['retires at', retired.retireAt?.toISOString()],
    ]);
  },
};

export const keyRotationCommands: readonly CommandSpec[] = [list, rotate, retire];
