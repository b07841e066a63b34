import crypto from 'node:crypto';
import {
  generateClientSecret,
  hashGeneratedSecret,
  hashImportedSecret,
  verifyAgainstDecoy,
  verifyClientSecret,
  verifySecret,
} from '../../lib/clients';

const BASE64URL_43 = /^[A-Za-z0-9_-]{43}$/;

describe('client secrets — generation (RFC 6749 §2.3.1)', () => {
  it('generates 32 random bytes as 43 characters of unpadded base64url', () => {
    const secret = generateClientSecret();
    expect(secret).toMatch(BASE64URL_43);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
  });

  it('never generates the same secret twice', () => {
    const secrets = new Set(Array.from({ length: 1000 }, () => generateClientSecret()));
    expect(secrets.size).toBe(1000);
  });
});

describe('client secrets — hash formats name their algorithm', () => {
  it('hashes a generated secret as sha256$<base64url digest>', () => {
    const hash = hashGeneratedSecret('a-generated-secret');
    expect(hash).toBe(`sha256$${crypto.createHash('sha256').update('a-generated-secret').digest('base64url')}`);
  });

  it('hashes an imported secret as scrypt$16384$8$1$<16-byte salt>$<32-byte key>', async () => {
    const hash = await hashImportedSecret('an imported secret');
    const [algorithm, n, r, p, salt, key, ...rest] = hash.split('$');
    expect([algorithm, n, r, p]).toEqual(['scrypt', '16384', '8', '1']);
    expect(Buffer.from(salt!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64url')).toHaveLength(32);
    expect(rest).toEqual([]);
  });

  it('salts every imported hash, so equal secrets hash differently', async () => {
    expect(await hashImportedSecret('same secret')).not.toBe(await hashImportedSecret('same secret'));
  });

  it('refuses to hash an empty secret', async () => {
    expect(() => hashGeneratedSecret('')).toThrow(TypeError);
    await expect(hashImportedSecret('')).rejects.toThrow(TypeError);
  });
});

describe('client secrets — verification', () => {
  const secret = generateClientSecret();
  let scryptHash: string;

  beforeAll(async () => {
    scryptHash = await hashImportedSecret(secret);
  });

  it('verifies a secret against its sha256 hash', async () => {
    expect(await verifySecret(secret, hashGeneratedSecret(secret))).toBe(true);
  });

  it('verifies a secret against its scrypt hash', async () => {
    expect(await verifySecret(secret, scryptHash)).toBe(true);
  });

  it('verifies an imported secret of any length and alphabet', async () => {
    const imported = 'pässwörd with spaces 🔑';
    expect(await verifySecret(imported, await hashImportedSecret(imported))).toBe(true);
  });

  it('refuses a wrong secret in both formats', async () => {
    const wrong = generateClientSecret();
    expect(await verifySecret(wrong, hashGeneratedSecret(secret))).toBe(false);
    expect(await verifySecret(wrong, scryptHash)).toBe(false);
  });

  it('refuses a secret that differs in one character or by a prefix', async () => {
    const hash = hashGeneratedSecret(secret);
    expect(await verifySecret(`${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`, hash)).toBe(false);
    expect(await verifySecret(secret.slice(0, 20), hash)).toBe(false);
    expect(await verifySecret(`${secret}x`, scryptHash)).toBe(false);
  });

  it('refuses an empty secret without throwing', async () => {
    expect(await verifySecret('', hashGeneratedSecret(secret))).toBe(false);
    expect(await verifySecret('', scryptHash)).toBe(false);
  });

  it('refuses candidates of any length without throwing', async () => {
    const hash = hashGeneratedSecret(secret);
    for (const candidate of ['x', 'short', secret.repeat(2), 'y'.repeat(100_000)]) {
      await expect(verifySecret(candidate, hash)).resolves.toBe(false);
      await expect(verifySecret(candidate, scryptHash)).resolves.toBe(false);
    }
  });

  it('refuses a secret that is not a string without throwing', async () => {
    await expect(verifySecret(undefined as unknown as string, hashGeneratedSecret(secret))).resolves.toBe(false);
    await expect(verifySecret({} as unknown as string, scryptHash)).resolves.toBe(false);
  });
});

describe('client secrets — malformed hashes fail closed', () => {
  const secret = 'the-secret';
  const digest = crypto.createHash('sha256').update(secret).digest('base64url');
  const salt = Buffer.alloc(16, 1).toString('base64url');
  const key = Buffer.alloc(32, 2).toString('base64url');

  const malformed: [string, string][] = [
    ['an empty hash', ''],
    ['a bare sha256 prefix', 'sha256$'],
    ['a bare algorithm name', 'sha256'],
    ['an unknown algorithm', `md5$${digest}`],
    ['an uppercase algorithm name', `SHA256$${digest}`],
    ['the raw digest without a prefix', digest],
    ['a digest in standard base64', `sha256$${crypto.createHash('sha256').update(secret).digest('base64')}`],
    ['a digest with characters outside base64url', `sha256$${digest.slice(0, -1)}!`],
    ['a digest that is too short', `sha256$${digest.slice(0, 20)}`],
    ['a digest that is too long', `sha256$${digest}AAAA`],
    ['a sha256 hash with an extra field', `sha256$${digest}$extra`],
    ['a bare scrypt prefix', 'scrypt$'],
    ['scrypt with too few fields', `scrypt$16384$8$1$${salt}`],
    ['scrypt with too many fields', `scrypt$16384$8$1$${salt}$${key}$x`],
    ['scrypt with a huge N', `scrypt$1073741824$8$1$${salt}$${key}`],
    ['scrypt with N = 2^20', `scrypt$1048576$8$1$${salt}$${key}`],
    ['scrypt with an N that is not a power of two', `scrypt$16383$8$1$${salt}$${key}`],
    ['scrypt with N = 1', `scrypt$1$8$1$${salt}$${key}`],
    ['scrypt with a huge r', `scrypt$16384$1024$1$${salt}$${key}`],
    ['scrypt with a huge p', `scrypt$16384$8$1000000$${salt}$${key}`],
    ['scrypt with a zero parameter', `scrypt$16384$0$1$${salt}$${key}`],
    ['scrypt with a negative parameter', `scrypt$16384$-8$1$${salt}$${key}`],
    ['scrypt with a non-numeric parameter', `scrypt$abc$8$1$${salt}$${key}`],
    ['scrypt with a number in exponent notation', `scrypt$1e4$8$1$${salt}$${key}`],
    ['scrypt with an empty salt', `scrypt$16384$8$1$$${key}`],
    ['scrypt with a salt that is too short', `scrypt$16384$8$1$AAAA$${key}`],
    ['scrypt with a key that is too short', `scrypt$16384$8$1$${salt}$AAAA`],
    ['scrypt with a key that is too long', `scrypt$16384$8$1$${salt}$${Buffer.alloc(512).toString('base64url')}`],
    ['scrypt with a salt that is not base64url', `scrypt$16384$8$1$not*base64$${key}`],
  ];

  it.each(malformed)('refuses %s', async (_case, hash) => {
    await expect(verifySecret(secret, hash)).resolves.toBe(false);
  });

  it('refuses a hash that is not a string', async () => {
    await expect(verifySecret(secret, undefined as unknown as string)).resolves.toBe(false);
    await expect(verifySecret(secret, null as unknown as string)).resolves.toBe(false);
  });
});

describe('client secrets — constant-time comparison', () => {
  afterEach(() => jest.restoreAllMocks());

  it('compares with crypto.timingSafeEqual even when the candidate length differs', async () => {
    const timingSafeEqual = jest.spyOn(crypto, 'timingSafeEqual');
    const hash = hashGeneratedSecret(generateClientSecret());
    expect(await verifySecret('much-shorter', hash)).toBe(false);
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
    const [candidate, expected] = timingSafeEqual.mock.calls[0]!;
    expect(candidate.byteLength).toBe(32);
    expect(expected.byteLength).toBe(32);
  });

  it('compares scrypt keys with crypto.timingSafeEqual too', async () => {
    const hash = await hashImportedSecret('imported');
    const timingSafeEqual = jest.spyOn(crypto, 'timingSafeEqual');
    expect(await verifySecret('a much longer candidate than the imported one', hash)).toBe(false);
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
  });

  it('does the same comparison for an unknown client (the decoy) and resolves false', async () => {
    const timingSafeEqual = jest.spyOn(crypto, 'timingSafeEqual');
    const secret = generateClientSecret();
    expect(await verifyAgainstDecoy(secret)).toBe(false);
    expect(await verifyAgainstDecoy('')).toBe(false);
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
    const [candidate, expected] = timingSafeEqual.mock.calls[0]!;
    expect(candidate.byteLength).toBe(32);
    expect(expected.byteLength).toBe(32);
  });
});

describe('client secrets — a client during rotation', () => {
  const current = generateClientSecret();
  const previous = generateClientSecret();
  const expiresAt = new Date('2030-01-01T00:00:00.000Z');
  const client = {
    secretHash: hashGeneratedSecret(current),
    previousSecretHash: hashGeneratedSecret(previous),
    previousSecretExpiresAt: expiresAt,
  };

  it('accepts the current secret at any time', async () => {
    expect(await verifyClientSecret(client, current, new Date('2029-01-01T00:00:00.000Z'))).toBe(true);
    expect(await verifyClientSecret(client, current, new Date('2031-01-01T00:00:00.000Z'))).toBe(true);
  });

  it('accepts the previous secret strictly before its expiry', async () => {
    expect(await verifyClientSecret(client, previous, new Date(expiresAt.getTime() - 1))).toBe(true);
  });

  it('refuses the previous secret from its expiry on', async () => {
    expect(await verifyClientSecret(client, previous, expiresAt)).toBe(false);
    expect(await verifyClientSecret(client, previous, new Date(expiresAt.getTime() + 1))).toBe(false);
  });

  it('refuses a previous secret that has no expiry', async () => {
    const noExpiry = { secretHash: client.secretHash, previousSecretHash: client.previousSecretHash };
    expect(await verifyClientSecret(noExpiry, previous, new Date('2000-01-01T00:00:00.000Z'))).toBe(false);
  });

  it('refuses any other secret', async () => {
    expect(await verifyClientSecret(client, generateClientSecret(), new Date('2029-01-01T00:00:00.000Z'))).toBe(false);
  });

  it('uses the current time when none is given', async () => {
    const future = { ...client, previousSecretExpiresAt: new Date(Date.now() + 3_600_000) };
    const past = { ...client, previousSecretExpiresAt: new Date(Date.now() - 3_600_000) };
    expect(await verifyClientSecret(future, previous)).toBe(true);
    expect(await verifyClientSecret(past, previous)).toBe(false);
  });
});
