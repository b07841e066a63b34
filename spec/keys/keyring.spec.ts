import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { Keyring, KeyringError } from '../../lib/keys/keyring';
import { KeyMaterialError } from '../../lib/keys/key-material';
import { jwkThumbprint, keyThumbprint } from '../../lib/keys/thumbprint';
import type { KeySourceChange, SigningAlgorithm } from '../../lib/keys/types';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

function rsaPem(modulusLength = 2048): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
}

function ecPem(namedCurve: string): string {
  return generateKeyPairSync('ec', {
    namedCurve,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
}

describe('Keyring — key generation (RFC 7518 §3)', () => {
  it.each<[SigningAlgorithm, string | undefined]>([
    ['RS256', 'rsa'],
    ['PS256', 'rsa'],
    ['ES256', 'ec'],
    ['HS256', undefined],
  ])('generates a %s key parsed into a KeyObject of the right type', async (alg, keyType) => {
    const keyring = await Keyring.generate(alg);
    expect(keyring.signingKey.alg).toBe(alg);
    expect(keyring.signingKey.key.type).toBe(alg === 'HS256' ? 'secret' : 'private');
    expect(keyring.signingKey.key.asymmetricKeyType).toBe(keyType);
    expect(keyring.algorithms()).toEqual([alg]);
  });

  it('generates RS256 keys of 2048 bits by default and honours modulusLength', async () => {
    const small = await Keyring.generate('RS256');
    const large = await Keyring.generate('RS256', { modulusLength: 3072 });
    expect(small.signingKey.key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(large.signingKey.key.asymmetricKeyDetails?.modulusLength).toBe(3072);
  });

  it('refuses an RSA modulus below 2048 bits', async () => {
    await expect(Keyring.generate('RS256', { modulusLength: 1024 })).rejects.toThrow(/at least 2048/);
  });

  it('generates ES256 keys on P-256', async () => {
    const keyring = await Keyring.generate('ES256');
    expect(keyring.signingKey.key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('refuses an algorithm it does not support', async () => {
    await expect(Keyring.generate('RS512' as SigningAlgorithm)).rejects.toThrow(KeyMaterialError);
  });

  it('takes an explicit kid', async () => {
    const keyring = await Keyring.generate('ES256', { kid: 'key-2026-01' });
    expect(keyring.signingKey.kid).toBe('key-2026-01');
  });
});

describe('Keyring — loading PEM and JWK keys', () => {
  it('loads an RSA private key from PEM for RS256 and for PS256', () => {
    const { privateKey } = rsaPem();
    expect(Keyring.fromPem({ privateKey, alg: 'RS256' }).signingKey.alg).toBe('RS256');
    expect(Keyring.fromPem({ privateKey, alg: 'PS256' }).signingKey.alg).toBe('PS256');
  });

  it('loads an EC P-256 private key from PEM', () => {
    const keyring = Keyring.fromPem({ privateKey: ecPem('P-256'), alg: 'ES256' });
    expect(keyring.signingKey.key.asymmetricKeyType).toBe('ec');
  });

  it('loads a private RSA JWK and keeps the JWK kid', () => {
    const { privateKey } = rsaPem();
    const jwk = { ...createPublicKeyJwk(privateKey, true), kid: 'from-jwk' };
    const keyring = Keyring.fromJwk(jwk);
    expect(keyring.signingKey).toMatchObject({ kid: 'from-jwk', alg: 'RS256' });
  });

  it('infers ES256 from an EC JWK and honours the JWK alg', () => {
    const jwk = createPublicKeyJwk(ecPem('P-256'), true);
    expect(Keyring.fromJwk(jwk).signingKey.alg).toBe('ES256');
    expect(Keyring.fromJwk({ ...createPublicKeyJwk(rsaPem().privateKey, true), alg: 'PS256' }).signingKey.alg).toBe('PS256');
  });

  it('loads an oct JWK as an HS256 secret', () => {
    const keyring = Keyring.fromJwk({ kty: 'oct', k: randomBytes(32).toString('base64url') });
    expect(keyring.signingKey).toMatchObject({ alg: 'HS256' });
    expect(keyring.signingKey.key.type).toBe('secret');
  });

  it('loads an HS256 secret of 32 bytes and refuses a shorter one', () => {
    expect(Keyring.fromSecret(randomBytes(32)).signingKey.alg).toBe('HS256');
    expect(() => Keyring.fromSecret('too-short-secret')).toThrow(/at least 32 bytes/);
  });

  it('refuses a public JWK as a signing key', () => {
    const publicJwk = createPublicKeyJwk(rsaPem().privateKey, false);
    expect(() => Keyring.fromJwk(publicJwk)).toThrow(KeyMaterialError);
  });

  it('refuses a JWK whose alg contradicts options.alg', () => {
    const jwk = { ...createPublicKeyJwk(rsaPem().privateKey, true), alg: 'RS256' };
    expect(() => Keyring.fromJwk(jwk, { alg: 'PS256' })).toThrow(/does not match/);
  });

  it('refuses text that is not a key, without echoing it', () => {
    expect(() => Keyring.fromPem({ privateKey: 'not-a-key-SECRET', alg: 'RS256' })).toThrow(KeyMaterialError);
    expect(() => Keyring.fromPem({ privateKey: 'not-a-key-SECRET', alg: 'RS256' })).not.toThrow(/SECRET/);
  });
});

describe('Keyring — the algorithm must fit the key', () => {
  it('refuses an EC key for RS256', () => {
    expect(() => Keyring.fromPem({ privateKey: ecPem('P-256'), alg: 'RS256' })).toThrow(/needs an RSA key/);
  });

  it('refuses an RSA key for ES256', () => {
    expect(() => Keyring.fromPem({ privateKey: rsaPem().privateKey, alg: 'ES256' })).toThrow(/P-256/);
  });

  it('refuses a P-384 key for ES256', () => {
    expect(() => Keyring.fromPem({ privateKey: ecPem('P-384'), alg: 'ES256' })).toThrow(/P-256/);
  });

  it('refuses a 1024-bit RSA key for RS256 and PS256', () => {
    const { privateKey } = rsaPem(1024);
    expect(() => Keyring.fromPem({ privateKey, alg: 'RS256' })).toThrow(/at least 2048 bits/);
    expect(() => Keyring.fromPem({ privateKey, alg: 'PS256' })).toThrow(/at least 2048 bits/);
  });

  it('refuses an asymmetric key for HS256', () => {
    const jwk = createPublicKeyJwk(rsaPem().privateKey, true);
    expect(() => Keyring.fromJwk(jwk, { alg: 'HS256' })).toThrow(/HS256/);
  });
});

describe('Keyring — default kid is the RFC 7638 JWK thumbprint', () => {
  it('matches the example of RFC 7638 §3.1', () => {
    const rfcExample = {
      kty: 'RSA',
      n:
        '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3' +
        'oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgd' +
        'AZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur' +
        '-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    expect(jwkThumbprint(rfcExample)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
    expect(keyThumbprint(createPublicKey({ key: rfcExample, format: 'jwk' }))).toBe(
      'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
    );
  });

  it.each<SigningAlgorithm>(['RS256', 'ES256'])('gives a generated %s key its public-key thumbprint', async (alg) => {
    const keyring = await Keyring.generate(alg);
    const publicKey = createPublicKey(keyring.signingKey.key);
    expect(keyring.signingKey.kid).toBe(keyThumbprint(publicKey));
    expect(keyring.signingKey.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('gives the same PEM the same kid every time it is loaded', () => {
    const { privateKey } = rsaPem();
    expect(Keyring.fromPem({ privateKey, alg: 'RS256' }).signingKey.kid).toBe(
      Keyring.fromPem({ privateKey, alg: 'RS256' }).signingKey.kid,
    );
  });
});

describe('Keyring — the JWKS holds public keys only (RFC 7517 §5)', () => {
  it('lists an RSA key with kty, kid, alg, use, n, e and no private member', async () => {
    const keyring = await Keyring.generate('RS256');
    const [jwk, ...rest] = keyring.jwks().keys;
    expect(rest).toHaveLength(0);
    expect(Object.keys(jwk!).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(jwk).toMatchObject({ kty: 'RSA', kid: keyring.signingKey.kid, alg: 'RS256', use: 'sig', e: 'AQAB' });
  });

  it('lists an EC key with crv, x, y and no d', async () => {
    const keyring = await Keyring.generate('ES256');
    const jwk = keyring.jwks().keys[0]!;
    expect(Object.keys(jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
  });

  it('never lists a member of private or symmetric key material', async () => {
    const keyring = await Keyring.generate('RS256');
    keyring.add({ alg: 'ES256', privateKey: ecPem('P-256') });
    keyring.add({ alg: 'HS256', privateKey: randomBytes(32) });
    const serialised = JSON.stringify(keyring.jwks());
    for (const member of PRIVATE_MEMBERS) expect(serialised).not.toContain(`"${member}"`);
  });

  it('omits HS256 keys entirely', async () => {
    const hs = await Keyring.generate('HS256');
    expect(hs.jwks()).toEqual({ keys: [] });
    const mixed = await Keyring.generate('ES256');
    const hsKid = mixed.add({ alg: 'HS256', privateKey: randomBytes(32) });
    expect(mixed.jwks().keys.map((key) => key.kid)).not.toContain(hsKid);
    expect(mixed.kids()).toContain(hsKid);
  });

  it('serves the same JWKS object until the ring changes', async () => {
    const keyring = await Keyring.generate('ES256');
    const first = keyring.jwks();
    expect(keyring.jwks()).toBe(first);
    keyring.add({ alg: 'ES256', privateKey: ecPem('P-256') });
    expect(keyring.jwks()).not.toBe(first);
    expect(keyring.jwks().keys).toHaveLength(2);
  });
});

describe('Keyring — rotation without a restart', () => {
  let keyring: Keyring;
  let firstKid: string;
  let changes: KeySourceChange[];

  beforeEach(async () => {
    keyring = await Keyring.generate('ES256');
    firstKid = keyring.signingKey.kid;
    changes = [];
    keyring.onChange((change) => changes.push(change));
  });

  it('adds a key that verifies but does not sign until activated', async () => {
    const kid = keyring.add({ alg: 'ES256', privateKey: ecPem('P-256') });
    expect(keyring.signingKey.kid).toBe(firstKid);
    expect(await keyring.getVerificationKey(kid, 'ES256')).toMatchObject({ kid, alg: 'ES256' });
    keyring.activate(kid);
    expect(keyring.signingKey.kid).toBe(kid);
    expect(changes).toEqual([
      { type: 'added', kid },
      { type: 'activated', kid },
    ]);
  });

  it('adds and activates in one step', () => {
    const kid = keyring.add({ alg: 'ES256', privateKey: ecPem('P-256') }, { activate: true });
    expect(keyring.signingKey.kid).toBe(kid);
  });

  it('adds a verification-only key from a public key, which cannot be activated', async () => {
    const { publicKey } = rsaPem();
    const kid = keyring.add({ alg: 'RS256', publicKey });
    expect((await keyring.getVerificationKey(kid, 'RS256'))?.key.type).toBe('public');
    expect(keyring.algorithms()).toEqual(['ES256', 'RS256']);
    expect(() => keyring.activate(kid)).toThrow(/cannot sign/);
    expect(() => keyring.add({ alg: 'RS256', publicKey: rsaPem().publicKey }, { activate: true })).toThrow(KeyringError);
  });

  it('refuses a duplicate kid and a public key that does not belong to the private key', () => {
    expect(() => keyring.add({ alg: 'ES256', privateKey: ecPem('P-256'), kid: firstKid })).toThrow(/already exists/);
    expect(() =>
      keyring.add({ alg: 'RS256', privateKey: rsaPem().privateKey, publicKey: rsaPem().publicKey }),
    ).toThrow(/does not belong/);
  });

  it('retires a key now: it no longer verifies and leaves the JWKS', async () => {
    const kid = keyring.add({ alg: 'ES256', privateKey: ecPem('P-256') });
    keyring.retire(kid);
    expect(await keyring.getVerificationKey(kid, 'ES256')).toBeUndefined();
    expect(keyring.jwks().keys.map((key) => key.kid)).toEqual([firstKid]);
    expect(changes.at(-1)).toEqual({ type: 'retired', kid });
  });

  it('refuses to retire the active signing key', () => {
    expect(() => keyring.retire(firstKid)).toThrow(/active signing key cannot be retired/);
  });

  it('refuses to retire or activate an unknown kid', () => {
    expect(() => keyring.retire('no-such-kid')).toThrow(KeyringError);
    expect(() => keyring.activate('no-such-kid')).toThrow(KeyringError);
  });

  it('returns no key for an alg that is not the key’s own', async () => {
    expect(await keyring.getVerificationKey(firstKid, 'RS256')).toBeUndefined();
    expect(await keyring.getVerificationKey(firstKid, 'HS256')).toBeUndefined();
  });

  it('finds the key without a kid only while the ring holds exactly one key', async () => {
    expect(await keyring.getVerificationKey(undefined, 'ES256')).toMatchObject({ kid: firstKid });
    keyring.add({ alg: 'ES256', privateKey: ecPem('P-256') });
    expect(await keyring.getVerificationKey(undefined, 'ES256')).toBeUndefined();
  });
});

describe('Keyring — scheduled retirement', () => {
  let clock: number;
  let keyring: Keyring;
  let oldKid: string;

  beforeEach(async () => {
    clock = Date.UTC(2026, 0, 1);
    keyring = await Keyring.generate('ES256', { now: () => clock });
    oldKid = keyring.signingKey.kid;
    keyring.add({ alg: 'ES256', privateKey: ecPem('P-256') }, { activate: true });
  });

  it('keeps the key verifying until the scheduled time, then removes it', async () => {
    const changes: KeySourceChange[] = [];
    keyring.onChange((change) => changes.push(change));
    keyring.retire(oldKid, { at: new Date(clock + 60_000) });

    clock += 59_000;
    expect(await keyring.getVerificationKey(oldKid, 'ES256')).toBeDefined();
    expect(keyring.kids()).toContain(oldKid);

    clock += 1_000;
    expect(await keyring.getVerificationKey(oldKid, 'ES256')).toBeUndefined();
    expect(keyring.jwks().keys.map((key) => key.kid)).not.toContain(oldKid);
    expect(changes).toEqual([{ type: 'retired', kid: oldKid }]);
  });

  it('retires at once when the scheduled time has passed', async () => {
    keyring.retire(oldKid, { at: new Date(clock - 1) });
    expect(await keyring.getVerificationKey(oldKid, 'ES256')).toBeUndefined();
  });

  it('cancels a scheduled retirement when the key is activated again', async () => {
    keyring.retire(oldKid, { at: new Date(clock + 60_000) });
    keyring.activate(oldKid);
    clock += 120_000;
    expect(await keyring.getVerificationKey(oldKid, 'ES256')).toBeDefined();
    expect(keyring.signingKey.kid).toBe(oldKid);
  });

  it('follows a rescheduled retirement, and a cancelled one leaves another key’s due', async () => {
    const thirdKid = keyring.add({ alg: 'ES256', privateKey: ecPem('P-256') });
    keyring.retire(oldKid, { at: new Date(clock + 60_000) });
    keyring.retire(oldKid, { at: new Date(clock + 120_000) });
    keyring.retire(thirdKid, { at: new Date(clock + 30_000) });
    keyring.activate(thirdKid);
    keyring.activate(keyring.signingKey.kid);
    clock += 90_000;
    expect(await keyring.getVerificationKey(oldKid, 'ES256')).toBeDefined();
    expect(await keyring.getVerificationKey(thirdKid, 'ES256')).toBeDefined();
    clock += 30_000;
    expect(keyring.findVerificationKey(oldKid, 'ES256')).toBeUndefined();
    expect(keyring.kids()).toEqual(expect.arrayContaining([thirdKid]));
    expect(keyring.kids()).not.toContain(oldKid);
  });

  it('refuses an invalid date', () => {
    expect(() => keyring.retire(oldKid, { at: new Date(Number.NaN) })).toThrow(/not a valid date/);
  });
});

function createPublicKeyJwk(privatePem: string, includePrivate: boolean): Record<string, unknown> {
  const key: KeyObject = includePrivate ? createPrivateKey(privatePem) : createPublicKey(privatePem);
  return key.export({ format: 'jwk' });
}

describe('Keyring — a scheduled retirement is announced when it falls due', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('emits retired at the scheduled time, with no lookup needed (so caches can drop the key’s tokens)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    const keyring = await Keyring.generate('ES256', { now: () => Date.now() });
    const oldKid = keyring.signingKey.kid;
    keyring.add({ alg: 'ES256', privateKey: ecPem('P-256') }, { activate: true });
    const changes: KeySourceChange[] = [];
    keyring.onChange((change) => changes.push(change));

    keyring.retire(oldKid, { at: new Date(Date.now() + 60_000) });
    jest.advanceTimersByTime(59_999);
    expect(changes).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(changes).toEqual([{ type: 'retired', kid: oldKid }]);
  });
});
