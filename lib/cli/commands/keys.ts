/**
 * `keys generate` — a signing key pair for production: RFC 7518 §3 (RS256 and PS256 with a
 * 2048-bit RSA key, ES256 with a P-256 key), written as PEM (PKCS#8 private, SPKI public) or as
 * JWK (RFC 7517) with its `kid` (the RFC 7638 thumbprint unless `--kid` is given).
 *
 * The private key file is created with mode 0600 and never overwrites an existing file; the
 * private key is printed only with `--stdout`.
 */
import { createPublicKey } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
// The keyring module directly, not the keys index: the CLI needs no remote-JWKS client (jwks-rsa).
import { Keyring } from '../../keys/keyring';
import type { SigningAlgorithm } from '../../keys/types';
import type { CommandSpec } from '../command';
import { flagOption, stringOption } from '../command';
import { CommandError, UsageError, shortReason } from '../errors';
import { writeFields, writeJson } from '../output';

const ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'PS256', 'ES256'];
const FORMATS = ['pem', 'jwk'] as const;
type KeyFormat = (typeof FORMATS)[number];
/** A kid that is also a safe file name. */
const FILE_SAFE_KID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

interface KeyPairText {
  privateKey: string;
  publicKey: string;
}

function encode(keys: Keyring, format: KeyFormat): KeyPairText {
  const { kid, alg, key } = keys.signingKey;
  if (format === 'pem') {
    return {
      privateKey: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKey: createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString(),
    };
  }
  const members = { kid, alg, use: 'sig' };
  const privateJwk = { ...key.export({ format: 'jwk' }), ...members };
  const publicJwk = { ...createPublicKey(key).export({ format: 'jwk' }), ...members };
  return {
    privateKey: `${JSON.stringify(privateJwk, null, 2)}\n`,
    publicKey: `${JSON.stringify(publicJwk, null, 2)}\n`,
  };
}

async function assertAbsent(file: string): Promise<void> {
  try {
    await fs.lstat(file);
  } catch {
    return;
  }
  throw new CommandError(`${file} already exists; choose another --out-dir or --kid`);
}

async function writeKeyFile(file: string, text: string, mode: number): Promise<void> {
  await fs.writeFile(file, text, { mode, flag: 'wx' });
  await fs.chmod(file, mode);
}

const generate: CommandSpec = {
  name: 'keys generate',
  summary: 'generate a signing key pair (private key file mode 0600)',
  usage: 'keys generate --alg RS256|PS256|ES256 [--format pem|jwk] [--out-dir DIR] [--kid KID] [--stdout]',
  store: false,
  options: [
    { name: 'alg', type: 'string', value: 'ALG', description: 'RS256, PS256 or ES256 (required)' },
    { name: 'format', type: 'string', value: 'FORMAT', description: 'pem (PKCS#8 / SPKI, default) or jwk' },
    { name: 'out-dir', type: 'string', value: 'DIR', description: 'where to write the files (default: the current directory)' },
    { name: 'kid', type: 'string', value: 'KID', description: 'the key id (default: the RFC 7638 thumbprint)' },
    { name: 'stdout', type: 'boolean', description: 'print both keys instead of writing files' },
  ],
  examples: [
    'express-client-credentials keys generate --alg ES256 --out-dir ./keys',
    'express-client-credentials keys generate --alg RS256 --format jwk --kid 2025-01',
  ],
  async run(context) {
    const algText = stringOption(context, 'alg');
    if (algText === undefined) throw new UsageError('--alg is required (RS256, PS256 or ES256)', context.command);
    const alg = ALGORITHMS.find((known) => known === algText);
    if (alg === undefined) {
      throw new UsageError(`--alg must be RS256, PS256 or ES256 (got "${algText.slice(0, 20)}")`, context.command);
    }
    const formatText = stringOption(context, 'format') ?? 'pem';
    const format = FORMATS.find((known) => known === formatText);
    if (format === undefined) throw new UsageError('--format must be pem or jwk', context.command);
    const kidOption = stringOption(context, 'kid');
    if (kidOption !== undefined && !FILE_SAFE_KID.test(kidOption)) {
      throw new UsageError('--kid must be 1 to 128 letters, digits, ".", "_" or "-" (not starting with ".")', context.command);
    }
    const toStdout = flagOption(context, 'stdout');
    if (toStdout && stringOption(context, 'out-dir') !== undefined) {
      throw new UsageError('--stdout and --out-dir cannot be used together', context.command);
    }

    const keys = await Keyring.generate(alg, kidOption === undefined ? {} : { kid: kidOption });
    const { kid } = keys.signingKey;
    const text = encode(keys, format);

    if (toStdout) {
      if (context.json) {
        const parse = (value: string): unknown => (format === 'jwk' ? JSON.parse(value) : value);
        writeJson(context.io.stdout, { kid, alg, format, private_key: parse(text.privateKey), public_key: parse(text.publicKey) });
      } else {
        context.io.stdout.write(`${text.privateKey}${text.publicKey}`);
      }
      return;
    }

    const outDir = path.resolve(context.io.cwd ?? process.cwd(), stringOption(context, 'out-dir') ?? '.');
    const extension = format === 'pem' ? 'pem' : 'jwk.json';
    const privateKeyPath = path.join(outDir, `${kid}.private.${extension}`);
    const publicKeyPath = path.join(outDir, `${kid}.public.${extension}`);
    try {
      await fs.mkdir(outDir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new CommandError(`cannot create ${outDir}: ${shortReason(error)}`);
    }
    await assertAbsent(privateKeyPath);
    await assertAbsent(publicKeyPath);
    try {
      await writeKeyFile(privateKeyPath, text.privateKey, 0o600);
    } catch (error) {
      throw new CommandError(`cannot write ${privateKeyPath}: ${shortReason(error)}`);
    }
    try {
      await writeKeyFile(publicKeyPath, text.publicKey, 0o644);
    } catch (error) {
      await fs.rm(privateKeyPath, { force: true });
      throw new CommandError(`cannot write ${publicKeyPath}: ${shortReason(error)}`);
    }

    if (context.json) {
      writeJson(context.io.stdout, { kid, alg, format, private_key_path: privateKeyPath, public_key_path: publicKeyPath });
      return;
    }
    writeFields(context.io.stdout, [
      ['kid', kid],
      ['alg', alg],
      ['private key', `${privateKeyPath} (mode 0600: keep it secret)`],
      ['public key', publicKeyPath],
    ]);
  },
};

export const keyCommands: readonly CommandSpec[] = [generate];
