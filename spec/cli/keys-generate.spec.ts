import { createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Keyring } from '../../lib/keys/keyring';
import type { SigningAlgorithm } from '../../lib/keys/types';
import { cliHarness, lines } from './harness';

interface GeneratedFiles {
  kid: string;
  alg: SigningAlgorithm;
  format: string;
  private_key_path: string;
  public_key_path: string;
}

describe('CLI — keys generate (RFC 7518 §3 key pairs for production)', () => {
  const cli = cliHarness(null);
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecc-keys-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe.each(['RS256', 'PS256', 'ES256'] as const)('%s', (alg) => {
    it('writes a PEM private key that Keyring.fromPem loads, with the printed kid', async () => {
      const out = await cli.json<GeneratedFiles>(['keys', 'generate', '--alg', alg, '--out-dir', dir]);
      expect(out).toMatchObject({ alg, format: 'pem' });
      const keyring = Keyring.fromPem({ privateKey: fs.readFileSync(out.private_key_path, 'utf8'), alg });
      expect(keyring.activeKeyId).toBe(out.kid);
      expect(path.dirname(out.private_key_path)).toBe(dir);
    });

    it('creates the private key file with mode 0600', async () => {
      const out = await cli.json<GeneratedFiles>(['keys', 'generate', '--alg', alg, '--out-dir', dir]);
      expect(fs.statSync(out.private_key_path).mode & 0o777).toBe(0o600);
    });

    it('writes the matching public key (SPKI PEM) next to it', async () => {
      const out = await cli.json<GeneratedFiles>(['keys', 'generate', '--alg', alg, '--out-dir', dir]);
      const publicPem = fs.readFileSync(out.public_key_path, 'utf8');
      expect(publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      const keyring = Keyring.fromPem({ privateKey: fs.readFileSync(out.private_key_path, 'utf8'), alg });
      expect(createPublicKey(publicPem).equals(createPublicKey(keyring.signingKey.key))).toBe(true);
    });

    it('writes a JWK pair with --format jwk: the private one loads with Keyring.fromJwk, the public one has no private members', async () => {
      const out = await cli.json<GeneratedFiles>(['keys', 'generate', '--alg', alg, '--format', 'jwk', '--out-dir', dir]);
      const privateJwk = JSON.parse(fs.readFileSync(out.private_key_path, 'utf8'));
      const publicJwk = JSON.parse(fs.readFileSync(out.public_key_path, 'utf8'));
      expect(privateJwk).toMatchObject({ kid: out.kid, alg, use: 'sig' });
      expect(Keyring.fromJwk(privateJwk).activeKeyId).toBe(out.kid);
      expect(publicJwk).toMatchObject({ kid: out.kid, alg, use: 'sig' });
      expect(publicJwk).not.toHaveProperty('d');
      expect(Keyring.fromJwk(privateJwk).jwks().keys[0]).toMatchObject({ kid: out.kid, alg });
    });
  });

  it('prints the paths and the kid, never the private key', async () => {
    const result = await cli.run(['keys', 'generate', '--alg', 'ES256', '--out-dir', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^kid +\S+$/m);
    expect(result.stdout).toContain(path.join(dir, ''));
    expect(result.stdout).not.toContain('PRIVATE KEY');
    expect(result.stderr).toBe('');
  });

  it('uses --kid for the key id and the file names', async () => {
    const out = await cli.json<GeneratedFiles>(['keys', 'generate', '--alg', 'ES256', '--kid', '2025-01', '--out-dir', dir]);
    expect(out.kid).toBe('2025-01');
    expect(out.private_key_path).toBe(path.join(dir, '2025-01.private.pem'));
    expect(out.public_key_path).toBe(path.join(dir, '2025-01.public.pem'));
    const keyring = Keyring.fromPem({ privateKey: fs.readFileSync(out.private_key_path, 'utf8'), alg: 'ES256', kid: out.kid });
    expect(keyring.jwks().keys[0]?.kid).toBe('2025-01');
  });

  it('resolves a relative --out-dir against the working directory and creates it', async () => {
    const out = await cli.json<GeneratedFiles>(['keys', 'generate', '--alg', 'ES256', '--out-dir', 'nested/keys'], { cwd: dir });
    expect(path.dirname(out.private_key_path)).toBe(path.join(dir, 'nested', 'keys'));
    expect(fs.existsSync(out.private_key_path)).toBe(true);
  });

  it('never overwrites an existing key file (exit 1, one line)', async () => {
    await cli.json(['keys', 'generate', '--alg', 'ES256', '--kid', 'same', '--out-dir', dir]);
    const before = fs.readFileSync(path.join(dir, 'same.private.pem'), 'utf8');
    const result = await cli.run(['keys', 'generate', '--alg', 'ES256', '--kid', 'same', '--out-dir', dir]);
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([`error: ${path.join(dir, 'same.private.pem')} already exists; choose another --out-dir or --kid`]);
    expect(fs.readFileSync(path.join(dir, 'same.private.pem'), 'utf8')).toBe(before);
  });

  it('prints both keys and writes nothing with --stdout', async () => {
    const result = await cli.run(['keys', 'generate', '--alg', 'RS256', '--stdout'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^-----BEGIN PRIVATE KEY-----[\s\S]+-----BEGIN PUBLIC KEY-----/);
    expect(Keyring.fromPem({ privateKey: result.stdout, alg: 'RS256' }).signingKey.alg).toBe('RS256');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('prints both keys as JSON with --stdout --json', async () => {
    const out = await cli.json<{ kid: string; private_key: object; public_key: object }>(
      ['keys', 'generate', '--alg', 'ES256', '--format', 'jwk', '--stdout'],
      { cwd: dir },
    );
    expect(Keyring.fromJwk(out.private_key).activeKeyId).toBe(out.kid);
    expect(out.public_key).not.toHaveProperty('d');
  });
});
