/**
 * The CLI's client commands end to end, in order: create → list → show → update → disable →
 * enable → rotate-secret → delete, with `--json`. Run against the memory store and, where one is
 * reachable, MongoDB (`clients-mongo.spec.ts`). `inspect()` reads the stored record through the
 * same store, to check what the CLI wrote.
 */
import type { ClientRecord } from '../../lib/clients';
import { verifyClientSecret } from '../../lib/clients';
import type { CliHarness } from './harness';

export interface RoundTripSetup {
  cli(): CliHarness;
  /** Extra arguments for every client command (e.g. `--mongodb-uri …`). */
  args(): string[];
  inspect(clientId: string): Promise<ClientRecord | null>;
}

type Json = Record<string, unknown>;

const HASH = /(sha256|scrypt)\$/;

export function describeClientsRoundTrip(name: string, setup: RoundTripSetup): void {
  describe(name, () => {
    const run = (argv: string[]) => setup.cli().run([...argv, ...setup.args()]);
    const json = <T = Json>(argv: string[], stdin?: string) =>
      setup.cli().json<T>([...argv, ...setup.args()], stdin === undefined ? {} : { stdin });

    it('creates, lists, shows, updates, disables, enables, rotates and deletes a client', async () => {
      // create
      const created = await json([
        'clients', 'create', '--name', 'reports', '--scope', 'records:read', '--audience', 'example-api',
        '--grant-type', 'refresh_token', '--access-token-ttl', '300', '--refresh-token-ttl', '7200',
      ]);
      expect(created).toMatchObject({
        client_name: 'reports',
        scope: 'records:read',
        audience: ['example-api'],
        grant_types: ['client_credentials', 'refresh_token'],
        access_token_ttl: 300,
        refresh_token_ttl: 7200,
        client_secret_expires_at: 0,
        disabled: false,
      });
      const clientId = created.client_id as string;
      const firstSecret = created.client_secret as string;
      expect(firstSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const stored = await setup.inspect(clientId);
      expect(stored?.secretHash).toMatch(/^sha256\$/);
      expect(await verifyClientSecret(stored!, firstSecret)).toBe(true);

      // list
      const listed = await json<{ clients: Json[] }>(['clients', 'list']);
      expect(listed.clients.map((client) => client.client_id)).toContain(clientId);
      expect(JSON.stringify(listed)).not.toMatch(HASH);
      expect(JSON.stringify(listed)).not.toContain(firstSecret);

      // show
      const shown = await json(['clients', 'show', clientId]);
      expect(shown).toMatchObject({ client_id: clientId, client_name: 'reports', scope: 'records:read', disabled: false });
      expect(shown).not.toHaveProperty('client_secret');
      expect(JSON.stringify(shown)).not.toMatch(HASH);

      // update: only what is given changes
      const updated = await json(['clients', 'update', clientId, '--scope', 'records:read disburse', '--clear-refresh-token-ttl']);
      expect(updated).toMatchObject({
        client_name: 'reports',
        scope: 'records:read disburse',
        audience: ['example-api'],
        access_token_ttl: 300,
        grant_types: ['client_credentials', 'refresh_token'],
      });
      expect(updated).not.toHaveProperty('refresh_token_ttl');
      expect((await setup.inspect(clientId))?.scopes).toEqual(['records:read', 'disburse']);

      // disable, enable
      expect(await json(['clients', 'disable', clientId])).toMatchObject({ client_id: clientId, disabled: true });
      expect((await setup.inspect(clientId))?.disabled).toBe(true);
      expect(await json(['clients', 'enable', clientId])).toMatchObject({ client_id: clientId, disabled: false });
      expect((await setup.inspect(clientId))?.disabled).toBe(false);

      // rotate-secret with a grace period: both secrets work
      const rotated = await json(['clients', 'rotate-secret', clientId, '--grace-seconds', '600']);
      expect(rotated).toMatchObject({ client_id: clientId, client_secret_expires_at: 0 });
      const secondSecret = rotated.client_secret as string;
      expect(secondSecret).not.toBe(firstSecret);
      const afterRotation = (await setup.inspect(clientId))!;
      expect(await verifyClientSecret(afterRotation, secondSecret)).toBe(true);
      expect(await verifyClientSecret(afterRotation, firstSecret)).toBe(true);
      expect(Date.parse(rotated.previous_secret_expires_at as string)).toBeGreaterThan(Date.now() + 590_000);

      // delete
      expect(await json(['clients', 'delete', clientId])).toEqual({ client_id: clientId, deleted: true });
      expect(await setup.inspect(clientId)).toBeNull();
      const gone = await run(['clients', 'show', clientId]);
      expect(gone.code).toBe(1);
    });

    it('rotate-secret without a grace period stops the old secret at once', async () => {
      const created = await json(['clients', 'create', '--name', 'billing']);
      const clientId = created.client_id as string;
      const rotated = await json(['clients', 'rotate-secret', clientId]);
      const record = (await setup.inspect(clientId))!;
      expect(await verifyClientSecret(record, rotated.client_secret as string)).toBe(true);
      expect(await verifyClientSecret(record, created.client_secret as string)).toBe(false);
      expect(rotated).not.toHaveProperty('previous_secret_expires_at');
      await json(['clients', 'delete', clientId]);
    });

    it('imports a client id and a secret from stdin; the secret is stored as scrypt and never printed', async () => {
      const importedId = `legacy-${Date.now()}`;
      const secret = 'an-old-shared-secret-from-the-previous-system';
      const created = await json(['clients', 'create', '--name', 'legacy', '--client-id', importedId, '--secret-from-stdin'], `${secret}\n`);
      expect(created.client_id).toBe(importedId);
      expect(created).not.toHaveProperty('client_secret');
      expect(JSON.stringify(created)).not.toContain(secret);
      const record = (await setup.inspect(importedId))!;
      expect(record.secretHash).toMatch(/^scrypt\$/);
      expect(await verifyClientSecret(record, secret)).toBe(true);
      await json(['clients', 'delete', importedId]);
    });

    it('pages through clients with --limit and the next cursor', async () => {
      const ids: string[] = [];
      for (const clientName of ['page-a', 'page-b', 'page-c']) {
        ids.push((await json(['clients', 'create', '--name', clientName])).client_id as string);
      }
      const seen: unknown[] = [];
      let page = await json<{ clients: Json[]; next_cursor?: string }>(['clients', 'list', '--limit', '2']);
      seen.push(...page.clients.map((client) => client.client_id));
      while (page.next_cursor !== undefined) {
        expect(page.clients.length).toBeLessThanOrEqual(2);
        page = await json(['clients', 'list', '--limit', '2', '--cursor', page.next_cursor]);
        seen.push(...page.clients.map((client) => client.client_id));
      }
      expect(seen).toEqual(expect.arrayContaining(ids));
      for (const id of ids) await json(['clients', 'delete', id]);
    });
  });
}
