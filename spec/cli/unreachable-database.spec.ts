import { maskUri } from '../../lib/cli/store';
import { cliHarness, lines } from './harness';

/** Port 9 (discard) on the loopback interface: nothing listens there, so connecting is refused. */
const NOWHERE = 'mongodb://127.0.0.1:9/x';

describe('CLI — MongoDB unreachable: one line, exit code 1, no stack trace', () => {
  const cli = cliHarness(null);

  it('names the database and the reason', async () => {
    const result = await cli.run(['clients', 'list', '--mongodb-uri', NOWHERE, '--timeout-ms', '500']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: cannot reach MongoDB at mongodb:\/\/127\.0\.0\.1:9\/x: \S.*\n$/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('masks the password of a URI that has one', async () => {
    const uri = 'mongodb://admin:hunter2-s3cret@127.0.0.1:9/x?authSource=admin';
    const result = await cli.run(['clients', 'show', 'some-client', '--mongodb-uri', uri, '--timeout-ms', '500']);
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain('cannot reach MongoDB at mongodb://admin:****@127.0.0.1:9/x?authSource=admin: ');
    expect(result.stderr).not.toContain('hunter2-s3cret');
  });

  it('reads the URI from MONGODB_URI when --mongodb-uri is not given', async () => {
    const result = await cli.run(['clients', 'create', '--name', 'app', '--timeout-ms', '500'], {
      env: { MONGODB_URI: 'mongodb://ops:pw@127.0.0.1:9/auth' },
    });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/^error: cannot reach MongoDB at mongodb:\/\/ops:\*\*\*\*@127\.0\.0\.1:9\/auth: /)]);
  });

  it.each([
    ['create', ['clients', 'create', '--name', 'a', '--access-token-ttl', '0']],
    ['update', ['clients', 'update', 'c', '--refresh-token-ttl', '99999999']],
    ['list', ['clients', 'list', '--limit', '5000']],
    ['rotate-secret', ['clients', 'rotate-secret', 'c', '--grace-seconds', 'x']],
  ])('checks the arguments of %s before waiting for the database: a wrong one is exit 2', async (_case, argv) => {
    const result = await cli.run([...argv, '--mongodb-uri', NOWHERE, '--timeout-ms', '500']);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).not.toContain('cannot reach');
  });

  it('prefers --mongodb-uri over MONGODB_URI', async () => {
    const result = await cli.run(['clients', 'list', '--mongodb-uri', NOWHERE, '--timeout-ms', '500'], {
      env: { MONGODB_URI: 'mongodb://127.0.0.1:9/from-env' },
    });
    expect(result.stderr).toContain(`cannot reach MongoDB at ${NOWHERE}: `);
  });
});

describe('maskUri', () => {
  it.each([
    ['mongodb://app:s3cret@db:27017/clients', 'mongodb://app:****@db:27017/clients'],
    ['mongodb+srv://app:p%40ss@cluster0.example.net/?retryWrites=true', 'mongodb+srv://app:****@cluster0.example.net/?retryWrites=true'],
    ['mongodb://app:a@b@db1:27017,db2:27017/clients?replicaSet=rs0', 'mongodb://app:****@db1:27017,db2:27017/clients?replicaSet=rs0'],
    ['mongodb://app@db/clients', 'mongodb://app@db/clients'],
    ['mongodb://db/clients?tls=true&tlsCertificateKeyFilePassword=pw', 'mongodb://db/clients?tls=true&tlsCertificateKeyFilePassword=****'],
    ['mongodb://127.0.0.1:27017', 'mongodb://127.0.0.1:27017'],
  ])('%s -> %s', (uri, masked) => {
    expect(maskUri(uri)).toBe(masked);
  });
});
