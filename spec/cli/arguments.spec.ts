import { MemoryClientStore } from '../../lib/clients';
import { cliHarness, fixedStore, lines } from './harness';

describe('CLI — a wrong argument is one line on stderr and exit code 2', () => {
  const cli = cliHarness();

  it.each([
    ['no command at all', [], /^error: missing command \(see 'express-client-credentials --help'\)$/],
    ['an unknown command', ['users', 'list'], /^error: unknown command "users"/],
    ['an unknown clients command', ['clients', 'lst'], /^error: unknown clients command "lst" \(see 'express-client-credentials clients --help'\)$/],
    ['a group without its command', ['clients'], /^error: missing clients command/],
    ['an unknown option', ['clients', 'list', '--colour'], /^error: unknown option '--colour' \(see 'express-client-credentials clients list --help'\)$/],
    ['an option without its value', ['clients', 'create', '--name'], /^error: option '--name <value>' argument missing/],
    ['a value for a flag', ['clients', 'list', '--json=yes'], /^error: option '--json' does not take an argument/],
    ['a repeated single-value option', ['clients', 'create', '--name', 'a', '--name', 'b'], /^error: --name given more than once/],
    ['create without --name', ['clients', 'create', '--scope', 'records:read'], /^error: --name is required/],
    ['show without CLIENT_ID', ['clients', 'show'], /^error: CLIENT_ID is required \(see 'express-client-credentials clients show --help'\)$/],
    ['a second positional argument', ['clients', 'delete', 'a', 'b'], /^error: unexpected argument "b"/],
    ['a positional where none is taken', ['clients', 'list', 'extra'], /^error: unexpected argument "extra"/],
    ['a CLIENT_ID with a space', ['clients', 'show', 'a b'], /^error: CLIENT_ID must be 1 to 200 visible ASCII characters/],
    ['a --limit that is not a number', ['clients', 'list', '--limit', 'ten'], /^error: --limit must be a whole number from 1 to 1000/],
    ['a --limit out of range', ['clients', 'list', '--limit', '0'], /^error: --limit must be a whole number from 1 to 1000/],
    ['a --timeout-ms that is not a number', ['clients', 'list', '--timeout-ms', 'soon'], /^error: --timeout-ms must be a whole number/],
    ['an --access-token-ttl that is not a number', ['clients', 'create', '--name', 'a', '--access-token-ttl', '10m'], /^error: --access-token-ttl must be a whole number of seconds/],
    ['an --access-token-ttl over the maximum', ['clients', 'create', '--name', 'a', '--access-token-ttl', '86401'], /^error: --access-token-ttl must be a whole number of seconds from 1 to 86400/],
    ['a --refresh-token-ttl of 0', ['clients', 'create', '--name', 'a', '--refresh-token-ttl', '0'], /^error: --refresh-token-ttl must be a whole number of seconds from 1 to 2592000/],
    ['an unknown --grant-type', ['clients', 'create', '--name', 'a', '--grant-type', 'password'], /^error: --grant-type must be client_credentials or refresh_token/],
    ['a --scope with a quote', ['clients', 'create', '--name', 'a', '--scope', 'say"hi'], /^error: --scope must be space-delimited RFC 6749 §3.3 scope tokens/],
    ['an empty --audience', ['clients', 'create', '--name', 'a', '--audience', ''], /^error: --audience values must be non-empty/],
    ['an empty --name', ['clients', 'create', '--name', '  '], /^error: --name must be a string of 1 to 200 characters/],
    ['a --client-id with a space', ['clients', 'create', '--name', 'a', '--client-id', 'x y'], /^error: --client-id must be 1 to 200 visible ASCII characters/],
    ['update with nothing to change', ['clients', 'update', 'some-client'], /^error: nothing to update/],
    ['update with --audience and --clear-audience', ['clients', 'update', 'c', '--audience', 'a', '--clear-audience'], /^error: --audience and --clear-audience cannot be used together/],
    ['a --grace-seconds out of range', ['clients', 'rotate-secret', 'c', '--grace-seconds', '2592001'], /^error: --grace-seconds must be a whole number from 0 to 2592000/],
    ['keys generate without --alg', ['keys', 'generate'], /^error: --alg is required/],
    ['keys generate with HS256', ['keys', 'generate', '--alg', 'HS256'], /^error: --alg must be RS256, PS256 or ES256 \(got "HS256"\)/],
    ['keys generate with an unknown format', ['keys', 'generate', '--alg', 'ES256', '--format', 'der'], /^error: --format must be pem or jwk/],
    ['keys generate with a kid that is a path', ['keys', 'generate', '--alg', 'ES256', '--kid', '../escape'], /^error: --kid must be 1 to 128 letters/],
    ['keys generate with a store option', ['keys', 'generate', '--alg', 'ES256', '--mongodb-uri', 'mongodb://x'], /^error: unknown option '--mongodb-uri'/],
  ])('%s', async (_case, argv, expected) => {
    const result = await cli.run(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toHaveLength(1);
    expect(lines(result.stderr)[0]).toMatch(expected);
    expect(result.stderr).toContain('--help');
  });

  it('reports a missing database as a usage error naming --mongodb-uri and MONGODB_URI', async () => {
    const result = await cliHarness(null).run(['clients', 'list'], { env: {} });
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      "error: no database: pass --mongodb-uri URI or set MONGODB_URI (see 'express-client-credentials clients list --help')",
    ]);
  });

  it('refuses a --mongodb-uri that is not a MongoDB URI', async () => {
    const result = await cliHarness(null).run(['clients', 'list', '--mongodb-uri', 'http://db.example/x']);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: --mongodb-uri must start with mongodb:\/\/ or mongodb\+srv:\/\//);
  });

  it('refuses a --cursor the store did not issue', async () => {
    const result = await cliHarness().run(['clients', 'list', '--cursor', 'made-up']);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      "error: --cursor must be the next_cursor of a previous page (see 'express-client-credentials clients list --help')",
    ]);
  });

  it('checks arguments before touching the store: a bad argument leaves it unchanged', async () => {
    const store = new MemoryClientStore();
    const result = await cliHarness(fixedStore(store)).run(['clients', 'create', '--name', 'a', '--access-token-ttl', '0']);
    expect(result.code).toBe(2);
    expect((await store.list()).items).toEqual([]);
  });
});

describe('CLI — a command that fails is one line on stderr and exit code 1', () => {
  it.each([
    ['show', ['clients', 'show', 'nobody']],
    ['update', ['clients', 'update', 'nobody', '--name', 'x']],
    ['disable', ['clients', 'disable', 'nobody']],
    ['enable', ['clients', 'enable', 'nobody']],
    ['rotate-secret', ['clients', 'rotate-secret', 'nobody']],
    ['delete', ['clients', 'delete', 'nobody']],
  ])('%s of an unknown client says there is no such client', async (_case, argv) => {
    const result = await cliHarness().run(argv);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toEqual(['error: no client with id "nobody"']);
  });

  it('create with a client id that is taken says so', async () => {
    const cli = cliHarness();
    await cli.json(['clients', 'create', '--name', 'first', '--client-id', 'taken']);
    const result = await cli.run(['clients', 'create', '--name', 'second', '--client-id', 'taken']);
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual(['error: a client with this client id already exists']);
  });
});

describe('CLI — --help', () => {
  const cli = cliHarness();

  it.each([
    'clients create',
    'clients list',
    'clients show',
    'clients update',
    'clients disable',
    'clients enable',
    'clients rotate-secret',
    'clients delete',
    'keys generate',
  ])('%s --help prints its usage and options to stdout and exits 0', async (command) => {
    const result = await cli.run([...command.split(' '), '--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(`^Usage: express-client-credentials ${command}`));
    expect(result.stdout).toContain('-h, --help');
  });

  it('-h works like --help, even with other arguments', async () => {
    const result = await cli.run(['clients', 'show', 'some-id', '-h']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: express-client-credentials clients show CLIENT_ID/);
  });

  it('client commands list the database options; keys generate does not', async () => {
    expect((await cli.run(['clients', 'list', '--help'])).stdout).toContain('--mongodb-uri URI');
    expect((await cli.run(['keys', 'generate', '--help'])).stdout).not.toContain('--mongodb-uri');
  });

  it('the program help lists every command', async () => {
    const result = await cli.run(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['clients create', 'clients rotate-secret', 'keys generate']) expect(result.stdout).toContain(command);
  });

  it('a group help lists the commands of the group', async () => {
    const result = await cli.run(['clients', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: express-client-credentials clients <command>/);
    expect(result.stdout).toContain('clients delete');
    expect(result.stdout).not.toContain('keys generate');
  });
});
