import { randomBytes } from 'node:crypto';
import type { CliIo, KeyStoreFactory } from '../../lib/cli/run';
import { runCli } from '../../lib/cli/run';
import { generateSigningKey, KeyringSync, MemoryKeyStore, privateJwkOf } from '../../lib/keys';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process; `keyStore` is a real MemoryKeyStore shared with the "server" below, or the CLI's own (MongoDB). */
async function cli(argv: string[], keyStore: MemoryKeyStore | null, env: Record<string, string> = {}): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  };
  if (keyStore) {
    const open: KeyStoreFactory = () => Promise.resolve({ store: keyStore, description: 'the in-memory key store', close: () => Promise.resolve() });
    io.openKeyStore = open;
  }
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

async function json<T>(argv: string[], keyStore: MemoryKeyStore): Promise<T> {
  const result = await cli([...argv, '--json'], keyStore);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

interface KeyJson {
  kid: string;
  alg: string;
  status: string;
  activate_at?: string;
  retire_at?: string;
}

describe('CLI — keys rotate, list, retire (against the shared key store)', () => {
  let store: MemoryKeyStore;
  let sync: KeyringSync;

  beforeEach(async () => {
    store = new MemoryKeyStore();
    sync = await KeyringSync.open({ store, alg: 'ES256' });
  });

  afterEach(() => sync.stop());

  it('lists the keys a server instance uses, without key material', async () => {
    const out = await json<{ keys: KeyJson[] }>(['keys', 'list'], store);
    expect(out.keys).toEqual([{ kid: sync.keyring.activeKeyId, alg: 'ES256', status: 'active', activate_at: expect.any(String) }]);
    expect(JSON.stringify(out)).not.toMatch(/"d"|privateJwk/);
    const text = await cli(['keys', 'list'], store);
    expect(text.stdout).toMatch(/^KID\s+ALG\s+STATUS\s+ACTIVATE AT\s+RETIRE AT\n/);
  });

  it('rotates: the server instance follows, signing with the new key and keeping the old one until retire_at', async () => {
    const before = sync.keyring.activeKeyId;
    const out = await json<{ added: KeyJson; retiring: KeyJson[] }>(
      ['keys', 'rotate', '--activation-delay-ms', '0', '--retire-after', '600'],
      store,
    );
    expect(out.added).toMatchObject({ alg: 'ES256', status: 'active' });
    expect(out.retiring).toEqual([expect.objectContaining({ kid: before, retire_at: expect.any(String) })]);

    await sync.refresh();
    expect(sync.keyring.activeKeyId).toBe(out.added.kid);
    expect(sync.keyring.jwks().keys.map((key) => key.kid).sort()).toEqual([before, out.added.kid].sort());
  });

  it('publishes the new key first when an activation delay is given', async () => {
    const before = sync.keyring.activeKeyId;
    const out = await json<{ added: KeyJson }>(['keys', 'rotate', '--alg', 'RS256'], store);
    expect(out.added).toMatchObject({ alg: 'RS256', status: 'pending' });
    await sync.refresh();
    expect(sync.keyring.activeKeyId).toBe(before);
    expect(sync.keyring.jwks().keys.map((key) => key.kid)).toContain(out.added.kid);
  });

  it('retires a key after --retire-after seconds, or at once with --now', async () => {
    const later = privateJwkOf(await generateSigningKey('ES256'));
    await store.add({ kid: 'spare-1', alg: 'ES256', privateJwk: later, createdAt: new Date() });
    await store.add({ kid: 'spare-2', alg: 'ES256', privateJwk: later, createdAt: new Date() });

    const scheduled = await json<KeyJson>(['keys', 'retire', 'spare-1', '--retire-after', '120'], store);
    expect(scheduled).toMatchObject({ kid: 'spare-1', status: 'retiring' });
    expect(Date.parse(scheduled.retire_at ?? '') - Date.now()).toBeGreaterThan(100_000);

    await json<KeyJson>(['keys', 'retire', 'spare-2', '--now'], store);
    expect((await store.list()).map((key) => key.kid)).not.toContain('spare-2');
  });

  it('takes a kid that begins with "-" after `--` (a thumbprint can), and says what to do without it', async () => {
    const key = privateJwkOf(await generateSigningKey('ES256'));
    await store.add({ kid: '-dashed', alg: 'ES256', privateJwk: key, createdAt: new Date() });
    const bare = await cli(['keys', 'retire', '-dashed'], store);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("a KID that begins with '-' goes after '--', as in 'keys retire -- <KID>'");
    const retired = await cli(['keys', 'retire', '--now', '--json', '--', '-dashed'], store);
    expect(retired.code).toBe(0);
    expect(JSON.parse(retired.stdout)).toMatchObject({ kid: '-dashed' });
    expect((await store.list()).map((stored) => stored.kid)).not.toContain('-dashed');
  });

  it('refuses to retire the signer, and an unknown kid, with exit 1 and one line', async () => {
    // `--` ends the options: a kid (a base64url thumbprint) may begin with '-'
    const signer = await cli(['keys', 'retire', '--', sync.keyring.activeKeyId], store);
    expect(signer.code).toBe(1);
    expect(signer.stderr).toBe('error: the active signing key cannot be retired: activate another key first\n');
    const unknown = await cli(['keys', 'retire', 'nope'], store);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no key with kid "nope"');
  });

  it('refuses bad arguments with exit 2', async () => {
    expect((await cli(['keys', 'rotate', '--alg', 'HS256'], store)).code).toBe(2);
    expect((await cli(['keys', 'retire'], store)).code).toBe(2);
    expect((await cli(['keys', 'retire', 'k', '--now', '--retire-after', '5'], store)).code).toBe(2);
    expect((await cli(['keys', 'rotate', '--activation-delay-ms', '-1'], store)).code).toBe(2);
  });
});

describe('CLI — keys rotation against MongoDB needs its settings', () => {
  it('refuses to run without KEY_ENCRYPTION_KEY, before touching the database', async () => {
    const result = await cli(['keys', 'list', '--mongodb-uri', 'mongodb://127.0.0.1:1/auth'], null);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: KEY_ENCRYPTION_KEY is not set/);
  });

  it('refuses a key-encryption key that is not 32 bytes, without echoing it', async () => {
    const result = await cli(['keys', 'list', '--mongodb-uri', 'mongodb://127.0.0.1:1/auth'], null, { KEY_ENCRYPTION_KEY: 'tooshortsecret' });
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('tooshortsecret');
  });

  it('names the database it cannot reach, with exit 1', async () => {
    const result = await cli(['keys', 'list', '--mongodb-uri', 'mongodb://app:pw@127.0.0.1:1/auth', '--timeout-ms', '200'], null, {
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: cannot reach MongoDB at mongodb:\/\/app:\*\*\*\*@127\.0\.0\.1:1\/auth/);
    expect(result.stderr).not.toContain(':pw@');
  });
});
