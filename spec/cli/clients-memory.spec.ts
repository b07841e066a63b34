import { MemoryClientStore } from '../../lib/clients';
import { describeClientsRoundTrip } from './clients-round-trip';
import type { CliHarness } from './harness';
import { cliHarness, fixedStore, lines } from './harness';

describe('CLI — clients commands against the memory store', () => {
  let store: MemoryClientStore;
  let cli: CliHarness;

  beforeEach(() => {
    store = new MemoryClientStore();
    cli = cliHarness(fixedStore(store));
  });

  describeClientsRoundTrip('round trip with --json', {
    cli: () => cli,
    args: () => [],
    inspect: (clientId) => store.findByClientId(clientId),
  });

  describe('human-readable output', () => {
    it('create prints aligned fields, the secret once and a reminder to store it', async () => {
      const result = await cli.run(['clients', 'create', '--name', 'billing', '--scope', 'disburse', '--audience', 'example-api']);
      expect(result.code).toBe(0);
      const [client] = (await store.list()).items;
      expect(result.stdout).toMatch(new RegExp(`^client_id +${client!.clientId}$`, 'm'));
      expect(result.stdout).toMatch(/^client_secret +[A-Za-z0-9_-]{43}$/m);
      expect(result.stdout).toMatch(/^audience +example-api$/m);
      expect(result.stdout).toContain('not shown again');
      const valueColumns = lines(result.stdout)
        .filter((line) => /^\S+ +\S/.test(line) && !line.startsWith('Store'))
        .map((line) => line.search(/ \S/) + 1);
      expect(new Set(valueColumns).size).toBe(1);
    });

    it('list prints a table with a header row and one row per client', async () => {
      await cli.json(['clients', 'create', '--name', 'one', '--scope', 'records:read']);
      await cli.json(['clients', 'create', '--name', 'two']);
      await cli.run(['clients', 'disable', (await store.list()).items[1]!.clientId]);
      const result = await cli.run(['clients', 'list']);
      const [header, first, second] = lines(result.stdout);
      expect(header).toMatch(/^CLIENT ID +NAME +STATUS +SCOPE +AUDIENCE +GRANTS +CREATED$/);
      expect(first).toMatch(/ one +enabled +records:read +- +client_credentials /);
      expect(second).toMatch(/ two +disabled +- +- +client_credentials /);
      expect(header!.indexOf('NAME')).toBe(first!.indexOf('one'));
    });

    it('list says so when there are no clients', async () => {
      expect((await cli.run(['clients', 'list'])).stdout).toBe('no clients\n');
    });

    it('list points to the next page', async () => {
      await cli.json(['clients', 'create', '--name', 'one']);
      await cli.json(['clients', 'create', '--name', 'two']);
      expect((await cli.run(['clients', 'list', '--limit', '1'])).stdout).toMatch(/more clients: run again with --cursor \S+\n$/);
    });

    it('show never prints the secret or its hash', async () => {
      const created = await cli.json(['clients', 'create', '--name', 'billing']);
      const result = await cli.run(['clients', 'show', created.client_id as string]);
      expect(result.stdout).toMatch(/^status +enabled$/m);
      expect(result.stdout).not.toContain(created.client_secret as string);
      expect(result.stdout).not.toMatch(/sha256\$|scrypt\$|client_secret/);
    });

    it('rotate-secret prints the new secret and how long the old one works', async () => {
      const created = await cli.json(['clients', 'create', '--name', 'billing']);
      const result = await cli.run(['clients', 'rotate-secret', created.client_id as string, '--grace-seconds', '60']);
      expect(result.stdout).toMatch(/^client_secret +[A-Za-z0-9_-]{43}$/m);
      expect(result.stdout).toMatch(/^previous secret +valid until \d{4}-\d\d-\d\dT/m);
    });

    it('disable, enable and delete confirm in one line', async () => {
      const { client_id: clientId } = await cli.json<{ client_id: string }>(['clients', 'create', '--name', 'billing']);
      expect((await cli.run(['clients', 'disable', clientId])).stdout).toBe(`client ${clientId} disabled\n`);
      expect((await cli.run(['clients', 'enable', clientId])).stdout).toBe(`client ${clientId} enabled\n`);
      expect((await cli.run(['clients', 'delete', clientId])).stdout).toBe(`client ${clientId} deleted\n`);
    });
  });

  describe('metadata rules shared with the registration API', () => {
    it('always keeps client_credentials among the grants', async () => {
      const created = await cli.json(['clients', 'create', '--name', 'a', '--grant-type', 'refresh_token']);
      expect(created.grant_types).toEqual(['client_credentials', 'refresh_token']);
    });

    it('update --grant-type client_credentials turns refresh tokens off', async () => {
      const created = await cli.json(['clients', 'create', '--name', 'a', '--grant-type', 'refresh_token']);
      const updated = await cli.json(['clients', 'update', created.client_id as string, '--grant-type', 'client_credentials']);
      expect(updated.grant_types).toEqual(['client_credentials']);
    });

    it('update --clear-audience returns the client to the server default audience', async () => {
      const created = await cli.json(['clients', 'create', '--name', 'a', '--audience', 'x', '--audience', 'y']);
      expect(created.audience).toEqual(['x', 'y']);
      const updated = await cli.json(['clients', 'update', created.client_id as string, '--clear-audience']);
      expect(updated).not.toHaveProperty('audience');
      expect((await store.findByClientId(created.client_id as string))?.audiences).toEqual([]);
    });

    it('update refuses a value the registration API would refuse, and changes nothing', async () => {
      const created = await cli.json(['clients', 'create', '--name', 'a', '--access-token-ttl', '60']);
      const result = await cli.run(['clients', 'update', created.client_id as string, '--access-token-ttl', '90000']);
      expect(result.code).toBe(2);
      expect((await store.findByClientId(created.client_id as string))?.accessTokenTtl).toBe(60);
    });

    it('refuses an empty secret on stdin', async () => {
      const result = await cli.run(['clients', 'create', '--name', 'a', '--secret-from-stdin'], { stdin: '\n' });
      expect(result.code).toBe(2);
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toMatch(/^error: --secret-from-stdin read an empty secret/);
    });
  });
});
