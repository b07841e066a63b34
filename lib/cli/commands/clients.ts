/**
 * `clients create|list|show|update|disable|enable|rotate-secret|delete` — the client registry from
 * the command line, with the same metadata rules as the registration API (RFC 7591 §2, through
 * `../../registration`). A secret is printed by `create` (when generated) and `rotate-secret`
 * only; no command prints a secret hash.
 */
import type { ClientRecord, ClientStore, GrantType } from '../../clients';
import { ClientStoreError, GRANT_TYPES } from '../../clients';
import { isPossibleClientId } from '../../clients';
import type { ClientMetadata, RegisteredClientMetadata } from '../../registration/metadata';
import { InvalidClientMetadataError, clientToMetadata, validateClientMetadata } from '../../registration/metadata';
import { registerClient, replaceClientMetadata, rotateClientSecret } from '../../registration/operations';
import { MAX_SECRET_ROTATION_GRACE_SECONDS } from '../../registration/options';
import type { CommandContext, CommandSpec, OptionSpec } from '../command';
import { flagOption, integerOption, listOption, stringOption } from '../command';
import { CommandError, UsageError } from '../errors';
import { writeFields, writeJson, writeTable } from '../output';

/** The longest secret `--secret-from-stdin` accepts. */
const MAX_IMPORTED_SECRET_LENGTH = 1024;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Metadata field -> the flag that sets it, for error messages. */
const FLAG_FOR_FIELD: Record<string, string> = {
  client_name: '--name',
  scope: '--scope',
  audience: '--audience',
  grant_types: '--grant-type',
  access_token_ttl: '--access-token-ttl',
  refresh_token_ttl: '--refresh-token-ttl',
};

/** What the CLI shows of a client: its metadata and its state; never a secret or a hash. */
export interface ClientView extends RegisteredClientMetadata {
  disabled: boolean;
  created_at: string;
  updated_at: string;
  last_used_at?: string;
  /** While a rotated-out secret still works. */
  previous_secret_expires_at?: string;
}

function clientView(client: ClientRecord): ClientView {
  const view: ClientView = {
    ...clientToMetadata(client),
    disabled: client.disabled,
    created_at: client.createdAt.toISOString(),
    updated_at: client.updatedAt.toISOString(),
  };
  if (client.lastUsedAt) view.last_used_at = client.lastUsedAt.toISOString();
  if (client.previousSecretHash !== undefined && client.previousSecretExpiresAt) {
    view.previous_secret_expires_at = client.previousSecretExpiresAt.toISOString();
  }
  return view;
}

function viewFields(view: ClientView): Array<[string, string | undefined]> {
  return [
    ['client_id', view.client_id],
    ['client_name', view.client_name],
    ['status', view.disabled ? 'disabled' : 'enabled'],
    ['scope', view.scope || '(none)'],
    ['audience', view.audience?.join(', ') ?? '(server default)'],
    ['grant_types', view.grant_types.join(', ')],
    ['access_token_ttl', view.access_token_ttl === undefined ? '(server default)' : `${view.access_token_ttl} s`],
    ['refresh_token_ttl', view.refresh_token_ttl === undefined ? undefined : `${view.refresh_token_ttl} s`],
    ['created_at', view.created_at],
    ['updated_at', view.updated_at],
    ['last_used_at', view.last_used_at ?? 'never'],
    ['previous_secret_until', view.previous_secret_expires_at],
  ];
}

function showClient(context: CommandContext, client: ClientRecord): void {
  const view = clientView(client);
  if (context.json) writeJson(context.io.stdout, view);
  else writeFields(context.io.stdout, viewFields(view));
}

/** The `CLIENT_ID` argument, checked. */
function clientIdArgument(context: CommandContext): string {
  const clientId = context.positional ?? '';
  if (!isPossibleClientId(clientId)) {
    throw new UsageError('CLIENT_ID must be 1 to 200 visible ASCII characters', context.command);
  }
  return clientId;
}

function noSuchClient(clientId: string): CommandError {
  return new CommandError(`no client with id ${JSON.stringify(clientId)}`);
}

/** Metadata rules broken by a flag's value -> a usage error naming the flag. */
function validateFromFlags(context: CommandContext, metadata: Record<string, unknown>): ClientMetadata {
  try {
    return validateClientMetadata(metadata);
  } catch (error) {
    if (!(error instanceof InvalidClientMetadataError)) throw error;
    const flag = FLAG_FOR_FIELD[error.field] ?? error.field;
    const reason =
      error.field === 'audience'
        ? 'values must be non-empty, without control characters, at most 50 of them'
        : error.reason;
    throw new UsageError(`${flag} ${reason}`, context.command);
  }
}

function ttlFlag(context: CommandContext, name: string): number | undefined {
  const text = stringOption(context, name);
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text.trim())) {
    throw new UsageError(`--${name} must be a whole number of seconds (got "${text.slice(0, 40)}")`, context.command);
  }
  return Number(text.trim());
}

/** `client_credentials` plus every `--grant-type`, or `undefined` when none was given. */
function grantTypesFlag(context: CommandContext): GrantType[] | undefined {
  const given = listOption(context, 'grant-type');
  if (given.length === 0) return undefined;
  const grants: GrantType[] = ['client_credentials'];
  for (const value of given) {
    const grant = GRANT_TYPES.find((known) => known === value);
    if (grant === undefined) {
      throw new UsageError(`--grant-type must be ${GRANT_TYPES.join(' or ')} (got "${value.slice(0, 40)}")`, context.command);
    }
    if (!grants.includes(grant)) grants.push(grant);
  }
  return grants;
}

/** A store failure the user can act on -> one line; anything else is passed on. */
async function storeCall<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof ClientStoreError && error.code === 'ERR_DUPLICATE_CLIENT') {
      throw new CommandError(`a client with this client id already exists`);
    }
    if (error instanceof ClientStoreError && error.code === 'ERR_INVALID_CLIENT_RECORD') {
      throw new CommandError(error.message);
    }
    throw error;
  }
}

async function readSecretFromStdin(context: CommandContext): Promise<string> {
  const stdin = context.io.stdin;
  if (!stdin) throw new UsageError('--secret-from-stdin needs the secret on standard input', context.command);
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.length > MAX_IMPORTED_SECRET_LENGTH + 2) break;
  }
  const secret = text.replace(/\r?\n$/, '');
  if (secret.length === 0) throw new UsageError('--secret-from-stdin read an empty secret', context.command);
  if (secret.length > MAX_IMPORTED_SECRET_LENGTH || CONTROL_CHARACTER.test(secret)) {
    throw new UsageError(
      `--secret-from-stdin needs one line of at most ${MAX_IMPORTED_SECRET_LENGTH} characters without control characters`,
      context.command,
    );
  }
  return secret;
}

const METADATA_OPTIONS: readonly OptionSpec[] = [
  { name: 'scope', type: 'string', value: 'SCOPE', description: 'space-delimited scopes the client may request ("" for none)' },
  {
    name: 'audience',
    type: 'string',
    multiple: true,
    value: 'AUD',
    description: 'an audience the client may request tokens for (repeatable; none: the server default)',
  },
  {
    name: 'grant-type',
    type: 'string',
    multiple: true,
    value: 'GRANT',
    description: 'refresh_token to enable refresh tokens (client_credentials is always on; repeatable)',
  },
  { name: 'access-token-ttl', type: 'string', value: 'N', description: 'access token lifetime in seconds (1 to 86400)' },
  { name: 'refresh-token-ttl', type: 'string', value: 'N', description: 'refresh token lifetime in seconds (1 to 2592000)' },
];

const create: CommandSpec = {
  name: 'clients create',
  summary: 'register a client and print its secret (shown once)',
  usage: 'clients create --name NAME [--scope SCOPE] [--audience AUD]... [options]',
  store: true,
  options: [
    { name: 'name', type: 'string', value: 'NAME', description: 'a name people recognise (required)' },
    ...METADATA_OPTIONS,
    { name: 'client-id', type: 'string', value: 'ID', description: 'use this client id instead of a random UUID (an import)' },
    {
      name: 'secret-from-stdin',
      type: 'boolean',
      description: 'import an existing secret read from standard input (stored as an scrypt hash; not printed)',
    },
  ],
  examples: [
    'express-client-credentials clients create --name billing --scope "records:read" --audience example-api',
    'express-client-credentials clients create --name reports --scope "records:read" --grant-type refresh_token --access-token-ttl 300',
    'printf %s "$OLD_SECRET" | express-client-credentials clients create --name legacy --client-id legacy-app --secret-from-stdin',
  ],
  async run(context) {
    const name = stringOption(context, 'name');
    if (name === undefined) throw new UsageError('--name is required', context.command);
    const clientIdOption = stringOption(context, 'client-id');
    if (clientIdOption !== undefined && !isPossibleClientId(clientIdOption)) {
      throw new UsageError('--client-id must be 1 to 200 visible ASCII characters', context.command);
    }
    const metadata = validateFromFlags(context, {
      client_name: name,
      scope: stringOption(context, 'scope'),
      audience: listOption(context, 'audience'),
      grant_types: grantTypesFlag(context),
      access_token_ttl: ttlFlag(context, 'access-token-ttl'),
      refresh_token_ttl: ttlFlag(context, 'refresh-token-ttl'),
    });
    const importedSecret = flagOption(context, 'secret-from-stdin') ? await readSecretFromStdin(context) : undefined;
    const store = await context.store();
    const { client, clientSecret } = await storeCall(() =>
      registerClient(store, metadata, {
        ...(clientIdOption === undefined ? {} : { clientId: clientIdOption }),
        ...(importedSecret === undefined ? {} : { importedSecret }),
      }),
    );
    const view = clientView(client);
    if (context.json) {
      writeJson(
        context.io.stdout,
        clientSecret === undefined ? view : { ...view, client_secret: clientSecret, client_secret_expires_at: 0 },
      );
      return;
    }
    const fields = viewFields(view);
    fields.splice(1, 0, ['client_secret', clientSecret ?? '(imported; not shown)']);
    writeFields(context.io.stdout, fields);
    if (clientSecret !== undefined) context.io.stdout.write('\nStore the client_secret now: it is not shown again.\n');
  },
};

const list: CommandSpec = {
  name: 'clients list',
  summary: 'list clients, oldest first',
  usage: 'clients list [--limit N] [--cursor CURSOR]',
  store: true,
  options: [
    { name: 'limit', type: 'string', value: 'N', description: 'how many clients to show (1 to 1000, default 100)' },
    { name: 'cursor', type: 'string', value: 'CURSOR', description: 'continue after a previous page' },
  ],
  async run(context) {
    const limit = integerOption(context, 'limit', 1, 1000) ?? 100;
    const cursor = stringOption(context, 'cursor');
    const store = await context.store();
    const page = await storeCall(() => store.list(cursor === undefined ? { limit } : { limit, cursor })).catch((error: unknown) => {
      if (error instanceof CommandError && cursor !== undefined) {
        throw new UsageError('--cursor must be the next_cursor of a previous page', context.command);
      }
      throw error;
    });
    const views = page.items.map(clientView);
    if (context.json) {
      writeJson(context.io.stdout, page.nextCursor === undefined ? { clients: views } : { clients: views, next_cursor: page.nextCursor });
      return;
    }
    if (views.length === 0) {
      context.io.stdout.write('no clients\n');
      return;
    }
    writeTable(
      context.io.stdout,
      ['CLIENT ID', 'NAME', 'STATUS', 'SCOPE', 'AUDIENCE', 'GRANTS', 'CREATED'],
      views.map((view) => [
        view.client_id,
        view.client_name,
        view.disabled ? 'disabled' : 'enabled',
        view.scope || '-',
        view.audience?.join(',') ?? '-',
        view.grant_types.join(','),
        view.created_at,
      ]),
    );
    if (page.nextCursor !== undefined) {
      context.io.stdout.write(`\nmore clients: run again with --cursor ${page.nextCursor}\n`);
    }
  },
};

const show: CommandSpec = {
  name: 'clients show',
  summary: 'show one client (never its secret)',
  usage: 'clients show CLIENT_ID',
  positional: 'CLIENT_ID',
  store: true,
  options: [],
  async run(context) {
    const clientId = clientIdArgument(context);
    const store = await context.store();
    const client = await storeCall(() => store.findByClientId(clientId));
    if (client === null) throw noSuchClient(clientId);
    showClient(context, client);
  },
};

const update: CommandSpec = {
  name: 'clients update',
  summary: "change a client's metadata (options not given are left as they are)",
  usage: 'clients update CLIENT_ID [--name NAME] [--scope SCOPE] [--audience AUD]... [options]',
  positional: 'CLIENT_ID',
  store: true,
  options: [
    { name: 'name', type: 'string', value: 'NAME', description: 'a new name' },
    ...METADATA_OPTIONS,
    { name: 'clear-audience', type: 'boolean', description: 'remove every audience (back to the server default)' },
    { name: 'clear-access-token-ttl', type: 'boolean', description: 'back to the server default access token lifetime' },
    { name: 'clear-refresh-token-ttl', type: 'boolean', description: 'back to the server default refresh token lifetime' },
  ],
  examples: [
    'express-client-credentials clients update CLIENT_ID --scope "records:read disburse" --grant-type refresh_token',
    'express-client-credentials clients update CLIENT_ID --clear-audience --clear-access-token-ttl',
  ],
  async run(context) {
    const clientId = clientIdArgument(context);
    const changed = update.options.some((option) => context.options[option.name] !== undefined);
    if (!changed) throw new UsageError('nothing to update: give at least one option', context.command);
    const audiences = listOption(context, 'audience');
    if (audiences.length > 0 && flagOption(context, 'clear-audience')) {
      throw new UsageError('--audience and --clear-audience cannot be used together', context.command);
    }
    for (const ttl of ['access-token-ttl', 'refresh-token-ttl']) {
      if (context.options[ttl] !== undefined && flagOption(context, `clear-${ttl}`)) {
        throw new UsageError(`--${ttl} and --clear-${ttl} cannot be used together`, context.command);
      }
    }
    // The values given, checked on their own before the database is touched.
    const changes: Record<string, unknown> = {};
    const name = stringOption(context, 'name');
    if (name !== undefined) changes.client_name = name;
    const scope = stringOption(context, 'scope');
    if (scope !== undefined) changes.scope = scope;
    if (audiences.length > 0) changes.audience = audiences;
    const grantTypes = grantTypesFlag(context);
    if (grantTypes !== undefined) changes.grant_types = grantTypes;
    const accessTokenTtl = ttlFlag(context, 'access-token-ttl');
    if (accessTokenTtl !== undefined) changes.access_token_ttl = accessTokenTtl;
    const refreshTokenTtl = ttlFlag(context, 'refresh-token-ttl');
    if (refreshTokenTtl !== undefined) changes.refresh_token_ttl = refreshTokenTtl;
    validateFromFlags(context, { client_name: 'unchanged', ...changes });

    const store = await context.store();
    const client = await storeCall(() => store.findByClientId(clientId));
    if (client === null) throw noSuchClient(clientId);
    const metadata: Record<string, unknown> = { ...clientToMetadata(client), ...changes };
    if (flagOption(context, 'clear-audience')) delete metadata.audience;
    if (flagOption(context, 'clear-access-token-ttl')) delete metadata.access_token_ttl;
    if (flagOption(context, 'clear-refresh-token-ttl')) delete metadata.refresh_token_ttl;

    const valid = validateFromFlags(context, metadata);
    const updated = await storeCall(() => replaceClientMetadata(store, clientId, valid));
    if (updated === null) throw noSuchClient(clientId);
    showClient(context, updated);
  },
};

function setDisabled(disabled: boolean): CommandSpec {
  const verb = disabled ? 'disable' : 'enable';
  return {
    name: `clients ${verb}`,
    summary: disabled ? 'stop a client from getting tokens (keeps its record)' : 'let a disabled client get tokens again',
    usage: `clients ${verb} CLIENT_ID`,
    positional: 'CLIENT_ID',
    store: true,
    options: [],
    async run(context) {
      const clientId = clientIdArgument(context);
      const store = await context.store();
      const client = await storeCall(() => store.update(clientId, { disabled }));
      if (client === null) throw noSuchClient(clientId);
      if (context.json) writeJson(context.io.stdout, clientView(client));
      else context.io.stdout.write(`client ${clientId} ${disabled ? 'disabled' : 'enabled'}\n`);
    },
  };
}

const rotateSecret: CommandSpec = {
  name: 'clients rotate-secret',
  summary: 'give a client a new secret (printed once); the old one works for --grace-seconds more',
  usage: 'clients rotate-secret CLIENT_ID [--grace-seconds N]',
  positional: 'CLIENT_ID',
  store: true,
  options: [
    {
      name: 'grace-seconds',
      type: 'string',
      value: 'N',
      description: `how long the previous secret keeps working (0 to ${MAX_SECRET_ROTATION_GRACE_SECONDS}, default 0)`,
    },
  ],
  async run(context) {
    const clientId = clientIdArgument(context);
    const graceSeconds = integerOption(context, 'grace-seconds', 0, MAX_SECRET_ROTATION_GRACE_SECONDS) ?? 0;
    const store: ClientStore = await context.store();
    const rotated = await storeCall(() => rotateClientSecret(store, clientId, graceSeconds));
    if (rotated === null) throw noSuchClient(clientId);
    const previousUntil = rotated.previousSecretExpiresAt?.toISOString();
    if (context.json) {
      writeJson(context.io.stdout, {
        client_id: clientId,
        client_secret: rotated.clientSecret,
        client_secret_expires_at: 0,
        ...(previousUntil === undefined ? {} : { previous_secret_expires_at: previousUntil }),
      });
      return;
    }
    writeFields(context.io.stdout, [
      ['client_id', clientId],
      ['client_secret', rotated.clientSecret],
      ['previous secret', previousUntil === undefined ? 'no longer valid' : `valid until ${previousUntil}`],
    ]);
    context.io.stdout.write('\nStore the client_secret now: it is not shown again.\n');
  },
};

const remove: CommandSpec = {
  name: 'clients delete',
  summary: 'delete a client for good',
  usage: 'clients delete CLIENT_ID',
  positional: 'CLIENT_ID',
  store: true,
  options: [],
  async run(context) {
    const clientId = clientIdArgument(context);
    const store = await context.store();
    if (!(await storeCall(() => store.delete(clientId)))) throw noSuchClient(clientId);
    if (context.json) writeJson(context.io.stdout, { client_id: clientId, deleted: true });
    else context.io.stdout.write(`client ${clientId} deleted\n`);
  },
};

export const clientCommands: readonly CommandSpec[] = [
  create,
  list,
  show,
  update,
  setDisabled(true),
  setDisabled(false),
  rotateSecret,
  remove,
];
