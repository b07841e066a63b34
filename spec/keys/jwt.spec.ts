import { createHmac, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { Keyring } from '../../lib/keys/keyring';
import { JwtVerificationError, KeySourceUnavailableError } from '../../lib/keys/errors';
import type { JwtVerificationErrorCode } from '../../lib/keys/errors';
import { decodeJwtUnverified, signJwt, verifiedHeaderCount, verifyJwt, verifyJwtNow } from '../../lib/keys/jwt';
import type { VerifyJwtOptions } from '../../lib/keys/jwt';
import type { SigningAlgorithm, VerificationKeySource } from '../../lib/keys/types';
import {
  TEST_AUDIENCE,
  TEST_ISSUER,
  accessClaims,
  base64url,
  craftJwt,
  headerOf,
  nowSeconds,
  respelled,
  signCrafted,
  tokenFor,
  withEditedPayload,
} from '../support/keys';

const expectations: VerifyJwtOptions = { issuer: TEST_ISSUER, audience: TEST_AUDIENCE };

async function refusal(promise: Promise<unknown>): Promise<JwtVerificationError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof JwtVerificationError) return error;
    throw error;
  }
  throw new Error('the token was accepted');
}

async function expectRefused(promise: Promise<unknown>, code: JwtVerificationErrorCode, claim?: string): Promise<void> {
  const error = await refusal(promise);
  expect(error.code).toBe(code);
  if (claim !== undefined) expect(error.claim).toBe(claim);
}

describe('signJwt / verifyJwt — round trip for each algorithm (RFC 9068 §2)', () => {
  it.each<SigningAlgorithm>(['RS256', 'PS256', 'ES256', 'HS256'])('signs and verifies %s', async (alg) => {
    const keyring = await Keyring.generate(alg);
    const claims = accessClaims();
    const token = signJwt(claims, keyring.signingKey);
    const verified = await verifyJwt(token, keyring, expectations);
    expect(verified.header).toEqual({ alg, typ: 'at+jwt', kid: keyring.signingKey.kid });
    expect(verified.claims).toEqual(claims);
  });
});

describe('signJwt — the token it writes', () => {
  let keyring: Keyring;
  beforeAll(async () => {
    keyring = await Keyring.generate('ES256');
  });

  it('adds no claim of its own (no iat, no exp beyond the payload)', () => {
    const claims = { sub: 'c', iat: 1000, exp: 1600 };
    const { payload } = decodeJwtUnverified(signJwt(claims, keyring.signingKey));
    expect(payload).toEqual(claims);
  });

  it('writes another typ when asked', () => {
    expect(headerOf(signJwt(accessClaims(), keyring.signingKey, { typ: 'JWT' })).typ).toBe('JWT');
  });

  it('does not mutate the payload it is given', () => {
    const claims = accessClaims();
    const copy = { ...claims };
    signJwt(claims, keyring.signingKey);
    expect(claims).toEqual(copy);
  });
});

describe('verifyJwt — time claims (RFC 7519 §4.1.4, §4.1.5)', () => {
  let keyring: Keyring;
  beforeAll(async () => {
    keyring = await Keyring.generate('ES256');
  });

  it('accepts a token expired for less than the 5 s tolerance', async () => {
    const now = nowSeconds();
    const token = tokenFor(keyring, { iat: now - 600, exp: now - 4 });
    await expect(verifyJwt(token, keyring, expectations)).resolves.toBeDefined();
  });

  it('refuses a token expired by one second beyond the tolerance with ERR_JWT_EXPIRED', async () => {
    const now = nowSeconds();
    const token = tokenFor(keyring, { iat: now - 600, exp: now - 6 });
    await expectRefused(verifyJwt(token, keyring, expectations), 'ERR_JWT_EXPIRED', 'exp');
  });

  it('reads the time from the now option', async () => {
    const token = tokenFor(keyring, { iat: 1_000_000, exp: 1_000_600 });
    await expect(verifyJwt(token, keyring, { ...expectations, now: () => 1_000_300_000 })).resolves.toBeDefined();
    await expectRefused(verifyJwt(token, keyring, { ...expectations, now: () => 1_000_606_000 }), 'ERR_JWT_EXPIRED');
  });

  it('honours a smaller clockTolerance', async () => {
    const now = nowSeconds();
    const token = tokenFor(keyring, { iat: now - 600, exp: now - 2 });
    await expectRefused(verifyJwt(token, keyring, { ...expectations, clockTolerance: 0 }), 'ERR_JWT_EXPIRED');
  });

  it('refuses a clockTolerance above 5 s unless maxClockTolerance raises the ceiling', async () => {
    const now = nowSeconds();
    const token = tokenFor(keyring, { iat: now - 600, exp: now - 30 });
    await expect(verifyJwt(token, keyring, { ...expectations, clockTolerance: 60 })).rejects.toThrow(RangeError);
    await expect(
      verifyJwt(token, keyring, { ...expectations, clockTolerance: 60, maxClockTolerance: 60 }),
    ).resolves.toBeDefined();
  });

  it('refuses a token whose nbf is in the future with ERR_JWT_NOT_ACTIVE', async () => {
    const token = tokenFor(keyring, { nbf: nowSeconds() + 60 });
    await expectRefused(verifyJwt(token, keyring, expectations), 'ERR_JWT_NOT_ACTIVE', 'nbf');
  });

  it('refuses a token issued in the future', async () => {
    const token = tokenFor(keyring, { iat: nowSeconds() + 60 });
    await expectRefused(verifyJwt(token, keyring, expectations), 'ERR_JWT_CLAIM', 'iat');
  });

  it.each(['exp', 'iat'] as const)('refuses a token without %s', async (claim) => {
    await expectRefused(verifyJwt(tokenFor(keyring, { [claim]: undefined }), keyring, expectations), 'ERR_JWT_CLAIM', claim);
  });

  it('refuses a non-numeric exp', async () => {
    const header = { alg: 'ES256', typ: 'at+jwt', kid: keyring.signingKey.kid };
    const token = signCrafted(header, accessClaims({ exp: '9999999999' }), keyring.signingKey);
    await expectRefused(verifyJwt(token, keyring, expectations), 'ERR_JWT_CLAIM', 'exp');
  });

  it('accepts a token crafted by hand and signed correctly (the helper is sound)', async () => {
    const header = { alg: 'ES256', typ: 'at+jwt', kid: keyring.signingKey.kid };
    await expect(verifyJwt(signCrafted(header, accessClaims(), keyring.signingKey), keyring, expectations)).resolves.toBeDefined();
  });
});

describe('verifyJwt — issuer, audience and required claims (RFC 9068 §4)', () => {
  let keyring: Keyring;
  beforeAll(async () => {
    keyring = await Keyring.generate('ES256');
  });

  it('refuses another issuer', async () => {
    const token = tokenFor(keyring, { iss: 'https://evil.example' });
    await expectRefused(verifyJwt(token, keyring, expectations), 'ERR_JWT_CLAIM', 'iss');
  });

  it('accepts any of several issuers', async () => {
    const token = tokenFor(keyring, { iss: 'https://b.example' });
    await expect(verifyJwt(token, keyring, { issuer: ['https://a.example', 'https://b.example'] })).resolves.toBeDefined();
  });

  it('refuses a token meant for another audience', async () => {
    const token = tokenFor(keyring, { aud: ['payments-api'] });
    await expectRefused(verifyJwt(token, keyring, expectations), 'ERR_JWT_CLAIM', 'aud');
  });

  it('accepts a string aud and an aud array that contains the audience', async () => {
    await expect(verifyJwt(tokenFor(keyring, { aud: TEST_AUDIENCE }), keyring, expectations)).resolves.toBeDefined();
    await expect(
      verifyJwt(tokenFor(keyring, { aud: ['other', TEST_AUDIENCE] }), keyring, expectations),
    ).resolves.toBeDefined();
  });

  it.each(['sub', 'client_id', 'jti', 'iss', 'aud'] as const)('refuses a token without %s', async (claim) => {
    await expectRefused(verifyJwt(tokenFor(keyring, { [claim]: undefined }), keyring, {}), 'ERR_JWT_CLAIM', claim);
  });

  it('refuses a scope that is neither a string nor a list of strings', async () => {
    await expectRefused(verifyJwt(tokenFor(keyring, { scope: 42 }), keyring, expectations), 'ERR_JWT_CLAIM', 'scope');
  });

  it('accepts a token with no scope claim', async () => {
    const { claims } = await verifyJwt(tokenFor(keyring, { scope: undefined }), keyring, expectations);
    expect(claims.scope).toBeUndefined();
  });
});

describe('verifyJwt — the typ header (RFC 9068 §4, RFC 8725 §3.11)', () => {
  let keyring: Keyring;
  beforeAll(async () => {
    keyring = await Keyring.generate('ES256');
  });

  it('refuses a typ other than at+jwt by default', async () => {
    const token = tokenFor(keyring, {}, { typ: 'JWT' });
    await expectRefused(verifyJwt(token, keyring, expectations), 'ERR_JWT_CLAIM', 'typ');
  });

  it('accepts application/at+jwt in any case', async () => {
    const token = tokenFor(keyring, {}, { typ: 'Application/AT+JWT' });
    await expect(verifyJwt(token, keyring, expectations)).resolves.toBeDefined();
  });

  it('accepts the types a profile lists', async () => {
    const token = tokenFor(keyring, {}, { typ: 'JWT' });
    await expect(verifyJwt(token, keyring, { ...expectations, acceptedTypes: ['at+jwt', 'JWT'] })).resolves.toBeDefined();
  });
});

describe('verifyJwt — attacks on the signature and the algorithm (RFC 8725 §2)', () => {
  let keyring: Keyring;
  beforeAll(async () => {
    keyring = await Keyring.generate('RS256');
  });

  it('refuses alg none, with or without a signature', async () => {
    const header = { alg: 'none', typ: 'at+jwt', kid: keyring.signingKey.kid };
    await expectRefused(verifyJwt(craftJwt(header, accessClaims()), keyring, expectations), 'ERR_JWT_ALG');
    await expectRefused(verifyJwt(craftJwt(header, accessClaims(), 'AAAA'), keyring, expectations), 'ERR_JWT_ALG');
    await expectRefused(verifyJwt(craftJwt({ ...header, alg: 'NoNe' }, accessClaims()), keyring, expectations), 'ERR_JWT_ALG');
  });

  it('refuses HS256 signed with the RSA public key PEM as the HMAC secret', async () => {
    const publicPem = createPublicKey(keyring.signingKey.key).export({ type: 'spki', format: 'pem' });
    const unsigned = `${base64url({ alg: 'HS256', typ: 'at+jwt', kid: keyring.signingKey.kid })}.${base64url(accessClaims())}`;
    const signature = createHmac('sha256', publicPem).update(unsigned).digest('base64url');
    await expectRefused(verifyJwt(`${unsigned}.${signature}`, keyring, expectations), 'ERR_JWT_ALG');
  });

  it('refuses a payload edited after signing', async () => {
    const token = withEditedPayload(tokenFor(keyring), (claims) => {
      claims.scope = 'records:read admin';
    });
    await expectRefused(verifyJwt(token, keyring, expectations), 'ERR_JWT_SIGNATURE');
  });

  it('refuses a token signed by a stranger’s key that claims our kid', async () => {
    const stranger = Keyring.fromPem({
      privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      alg: 'RS256',
      kid: keyring.signingKey.kid,
    });
    await expectRefused(verifyJwt(tokenFor(stranger), keyring, expectations), 'ERR_JWT_SIGNATURE');
  });

  it('refuses an unknown kid', async () => {
    const stranger = await Keyring.generate('RS256', { kid: 'someone-else' });
    await expectRefused(verifyJwt(tokenFor(stranger), keyring, expectations), 'ERR_JWT_KEY_NOT_FOUND');
  });

  it('refuses an algorithm the ring holds but the kid’s key does not belong to', async () => {
    const mixed = await Keyring.generate('RS256');
    mixed.add({ alg: 'ES256', privateKey: (await Keyring.generate('ES256')).signingKey.key });
    const forged = craftJwt({ alg: 'ES256', typ: 'at+jwt', kid: mixed.signingKey.kid }, accessClaims(), 'AAAA');
    await expectRefused(verifyJwt(forged, mixed, expectations), 'ERR_JWT_KEY_NOT_FOUND');
  });

  it('refuses a missing kid when the ring holds more than one key', async () => {
    const ring = await Keyring.generate('ES256');
    const token = signJwt(accessClaims(), { ...ring.signingKey, kid: undefined as unknown as string });
    expect(headerOf(token).kid).toBeUndefined();
    await expect(verifyJwt(token, ring, expectations)).resolves.toBeDefined();
    ring.add({ alg: 'ES256', privateKey: (await Keyring.generate('ES256')).signingKey.key });
    await expectRefused(verifyJwt(token, ring, expectations), 'ERR_JWT_KEY_NOT_FOUND');
  });

  it('refuses header extensions it does not understand (crit)', async () => {
    const forged = craftJwt({ alg: 'RS256', kid: keyring.signingKey.kid, crit: ['exp'] }, accessClaims(), 'AAAA');
    await expectRefused(verifyJwt(forged, keyring, expectations), 'ERR_JWT_MALFORMED');
  });
});

describe('verifyJwt — malformed input', () => {
  let keyring: Keyring;
  beforeAll(async () => {
    keyring = await Keyring.generate('ES256');
  });

  it('refuses a token over 8192 characters before parsing it', async () => {
    await expectRefused(verifyJwt('a'.repeat(16 * 1024), keyring, expectations), 'ERR_JWT_TOO_LARGE');
    await expectRefused(verifyJwt(tokenFor(keyring), keyring, { ...expectations, maxTokenLength: 100 }), 'ERR_JWT_TOO_LARGE');
  });

  it.each([
    ['an empty string', ''],
    ['two parts', 'abc.def'],
    ['four parts', 'a.b.c.d'],
    ['a header that is not base64url', '!!!.e30.sig'],
    ['a header that is not JSON', `${base64url('not json')}.e30.sig`],
    ['a header that is a JSON array', `${base64url('[]')}.e30.sig`],
    ['a header without alg', `${base64url({ typ: 'at+jwt' })}.e30.sig`],
    ['a numeric kid', `${base64url({ alg: 'ES256', kid: 7 })}.e30.sig`],
  ])('refuses %s with ERR_JWT_MALFORMED', async (_what, token) => {
    await expectRefused(verifyJwt(token, keyring, expectations), 'ERR_JWT_MALFORMED');
  });

  it('refuses a correctly signed payload that is not a JSON object', async () => {
    const header = { alg: 'ES256', typ: 'at+jwt', kid: keyring.signingKey.kid };
    const token = signCrafted(header, 'a string', keyring.signingKey);
    await expectRefused(verifyJwt(token, keyring, expectations), 'ERR_JWT_MALFORMED');
  });
});

describe('decodeJwtUnverified', () => {
  it('returns the header and payload without checking anything', async () => {
    const keyring = await Keyring.generate('ES256');
    const claims = accessClaims({ exp: 1 });
    const { header, payload } = decodeJwtUnverified(signJwt(claims, keyring.signingKey));
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(payload).toEqual(claims);
  });

  it('refuses garbage with ERR_JWT_MALFORMED', () => {
    expect(() => decodeJwtUnverified('garbage')).toThrow(JwtVerificationError);
  });
});

describe('verifyJwtNow — no promise when the keys are in memory', () => {
  let keyring: Keyring;
  beforeAll(async () => {
    keyring = await Keyring.generate('ES256');
  });

  /** The keyring seen only through `getVerificationKey` and `algorithms`, as a remote source is. */
  function promisedOnly(source: Keyring): VerificationKeySource {
    return { getVerificationKey: (kid, alg) => source.getVerificationKey(kid, alg), algorithms: () => source.algorithms() };
  }

  it('answers at once with a Keyring, and with a promise of the same answer for a source without findVerificationKey', async () => {
    const token = tokenFor(keyring);
    const now = verifyJwtNow(token, keyring, expectations);
    expect(now).not.toBeInstanceOf(Promise);
    const later = verifyJwtNow(token, promisedOnly(keyring), expectations);
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toEqual(now);
  });

  it('throws its refusals at once with a Keyring, as verifyJwt rejects with them', async () => {
    const expired = tokenFor(keyring, { exp: nowSeconds() - 60 });
    expect(() => verifyJwtNow(expired, keyring, expectations)).toThrow(JwtVerificationError);
    await expectRefused(verifyJwt(expired, keyring, expectations), 'ERR_JWT_EXPIRED', 'exp');
  });

  it.each([
    ['findVerificationKey', (error: Error): Partial<VerificationKeySource> => ({ findVerificationKey: () => { throw error; } })],
    ['getVerificationKey', (error: Error): Partial<VerificationKeySource> => ({ getVerificationKey: () => { throw error; } })],
    ['getVerificationKey (rejecting)', (error: Error): Partial<VerificationKeySource> => ({ getVerificationKey: () => Promise.reject(error) })],
  ])('maps a key source whose %s fails: unreachable → ERR_JWKS_UNAVAILABLE, anything else → ERR_JWT_KEY_NOT_FOUND', async (_what, failing) => {
    const token = tokenFor(keyring);
    const sourceFailing = (error: Error): VerificationKeySource => ({ ...promisedOnly(keyring), ...failing(error) });
    const verify = async (source: VerificationKeySource) => verifyJwtNow(token, source, expectations);
    await expectRefused(verify(sourceFailing(new KeySourceUnavailableError('down'))), 'ERR_JWKS_UNAVAILABLE');
    await expectRefused(verify(sourceFailing(new Error('bug'))), 'ERR_JWT_KEY_NOT_FOUND');
  });
});

describe('verifyJwt — one spelling per token (RFC 4648 §3.5, RFC 7515 §2)', () => {
  it.each<SigningAlgorithm>(['ES256', 'RS256'])('refuses a %s token whose signature is re-spelled, though it decodes to the same bytes', async (alg) => {
    const keyring = await Keyring.generate(alg);
    const [header, payload, signature] = tokenFor(keyring).split('.') as [string, string, string];
    const forged = `${header}.${payload}.${respelled(signature)}`;
    expect(Buffer.from(respelled(signature), 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    await expectRefused(verifyJwt(forged, keyring, expectations), 'ERR_JWT_MALFORMED');
    await expect(verifyJwt(`${header}.${payload}.${signature}`, keyring, expectations)).resolves.toBeDefined();
  });

  it('refuses a re-spelled header or payload before anything else', async () => {
    const keyring = await Keyring.generate('ES256');
    const [header, payload, signature] = tokenFor(keyring, { jti: 'x' }).split('.') as [string, string, string];
    const spellings = [`${respelled(header)}.${payload}.${signature}`, `${header}.${respelled(payload)}.${signature}`];
    for (const token of spellings) {
      // only a segment with unused bits can be re-spelled; the fixture's both have some
      await expectRefused(verifyJwt(token, keyring, expectations), 'ERR_JWT_MALFORMED');
    }
  });
});

describe('verifyJwt — the header segment of verified tokens is decoded once', () => {
  let keyring: Keyring;
  beforeAll(async () => {
    keyring = await Keyring.generate('ES256');
  });

  it('gives every token of a key its own copy of the same header', async () => {
    const first = await verifyJwt(tokenFor(keyring), keyring, expectations);
    first.header.typ = 'changed by the caller';
    const second = await verifyJwt(tokenFor(keyring), keyring, expectations);
    expect(second.header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: keyring.signingKey.kid });
    expect(second.header).not.toBe(first.header);
  });

  it('still checks the signature, the type and the algorithm of a token whose header segment was verified before', async () => {
    const token = tokenFor(keyring);
    await verifyJwt(token, keyring, expectations);
    await expectRefused(verifyJwt(withEditedPayload(token, (claims) => (claims.scope = 'admin')), keyring, expectations), 'ERR_JWT_SIGNATURE');
    await expectRefused(verifyJwt(tokenFor(keyring), keyring, { ...expectations, acceptedTypes: ['JWT'] }), 'ERR_JWT_CLAIM', 'typ');
    const hmacOnly = { algorithms: () => ['HS256'], getVerificationKey: () => Promise.resolve(undefined) } as unknown as VerificationKeySource;
    await expectRefused(verifyJwt(tokenFor(keyring), hmacOnly, expectations), 'ERR_JWT_ALG');
  });

  it('remembers only headers whose signature verified, and a bounded number of them', async () => {
    const before = verifiedHeaderCount();
    const header = (n: number) => ({ alg: 'ES256', typ: 'at+jwt', kid: keyring.signingKey.kid, n });
    const forged = craftJwt(header(-1), accessClaims(), Buffer.alloc(64).toString('base64url'));
    await expectRefused(verifyJwt(forged, keyring, expectations), 'ERR_JWT_SIGNATURE');
    expect(verifiedHeaderCount()).toBeLessThanOrEqual(before);
    for (let n = 0; n < 200; n += 1) {
      await verifyJwt(signCrafted(header(n), accessClaims(), keyring.signingKey), keyring, expectations);
      expect(verifiedHeaderCount()).toBeLessThanOrEqual(64);
    }
  });
});
