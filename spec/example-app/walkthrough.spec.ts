/**
 * The README walkthrough, run as written: its shell block is read from README.md and executed with
 * bash against the example app, and every answer is checked.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createExampleApp } from '../../example-app/app';
import { readConfig } from '../../example-app/config';

const run = promisify(execFile);

async function walkthroughScript(): Promise<string> {
  const readme = await readFile(path.join(__dirname, '../../README.md'), 'utf8');
  const block = /<!-- walkthrough:start -->\s*```sh\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(readme);
  if (!block?.[1]) throw new Error('README.md has no walkthrough block');
  return block[1];
}

describe('README walkthrough — run as written against the example app', () => {
  it('registers a client, reads records (200), is refused payments (403) and, once expired, everything (401)', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const example = await createExampleApp(readConfig({ PORT: String(port) }));
    server.on('request', example.app);
    const workdir = await mkdtemp(path.join(tmpdir(), 'ecc-walkthrough-'));
    try {
      const script = (await walkthroughScript())
        .replace(/^export BOOTSTRAP_CLIENT_ID=.*$/m, '')
        .replaceAll('http://localhost:3000', `http://127.0.0.1:${port}`);
      const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
        cwd: workdir,
        env: {
          PATH: process.env.PATH,
          BOOTSTRAP_CLIENT_ID: example.bootstrap.clientId,
          BOOTSTRAP_CLIENT_SECRET: example.bootstrap.generatedSecret,
        },
        timeout: 30_000,
      });
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(6);
      const [records, recordsStatus, payment, paymentStatus, expired, expiredStatus] = lines;
      expect(recordsStatus).toBe('200');
      expect(JSON.parse(records!)).toMatchObject({ records: expect.any(Array) });
      expect(paymentStatus).toBe('403');
      expect(JSON.parse(payment!)).toMatchObject({ error: 'insufficient_scope' });
      expect(expiredStatus).toBe('401');
      expect(JSON.parse(expired!)).toMatchObject({ error: 'invalid_token' });
      expect(JSON.parse(await readFile(path.join(workdir, 'client.json'), 'utf8'))).toMatchObject({
        client_name: 'records-reader',
        scope: 'records:read',
        access_token_ttl: 5,
        client_secret_expires_at: 0,
      });
    } finally {
      await rm(workdir, { recursive: true, force: true });
      await new Promise((resolve) => server.close(resolve));
      await example.close();
    }
  }, 40_000);
});
