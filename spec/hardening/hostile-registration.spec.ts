import fc from 'fast-check';
import { generateClientSecret, hashGeneratedSecret } from '../../lib/clients';
import { PROPERTY_TIMEOUT_MS, useHostileTarget } from './support/hostile-target';
import {
  assertWellFormedAnswer,
  authorizationArb,
  contentEncodingArb,
  contentTypeArb,
  extraHeadersArb,
  headersOf,
  methodArb,
  prototypeIsClean,
  reportable,
} from './support/hostile-requests';
import type { RawRequest } from './support/loopback';

const suite = useHostileTarget();
/** Clients the properties may change (never the ones the target itself uses). */
const victims: string[] = [];
beforeAll(async () => {
  for (let i = 0; i < 4; i += 1) {
    const record = await suite.target.store.create({ name: `victim ${i}`, secretHash: hashGeneratedSecret(generateClientSecret()), scopes: ['records:read'] });
    victims.push(record.clientId);
  }
});

const METADATA_FIELDS = [
  'client_name',
  'scope',
  'grant_types',
  'audience',
  'access_token_ttl',
  'refresh_token_ttl',
  'client_id',
  'client_secret',
  'token_endpoint_auth_method',
  'redirect_uris',
  'client_id_issued_at',
  'client_secret_expires_at',
] as const;

/** Field values: the valid, the wrong type, the out of range, the absurd. */
const fieldValueArb = fc.oneof(
  fc.constantFrom('billing', 'records:read', 'records:read clients:admin', 'client_credentials', 'refresh_token', 'client_secret_basic', 'https://api.example'),
  fc.constantFrom(['client_credentials'], ['client_credentials', 'refresh_token'], ['refresh_token'], ['records-api'], []),
  fc.constantFrom(0, 1, 600, 86_400, 86_401, -1, 0.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2_592_001),
  fc.constantFrom(null, true, false, {}, { toString: 'x' }, { __proto__: { polluted: 1 } }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.nat({ max: 3000 }).map((n) => 'x'.repeat(n)),
  fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { maxLength: 60 }),
  fc.jsonValue({ maxDepth: 4 }),
);

const metadataTextArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.dictionary(fc.constantFrom(...METADATA_FIELDS), fieldValueArb, { maxKeys: 6 }),
        fc.dictionary(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty'), fc.string({ maxLength: 10 })), fieldValueArb, { maxKeys: 2 }),
        fc.boolean(),
      )
      .map(([fields, extras, withExtras]) => {
        const text = JSON.stringify({ client_name: 'fuzzed', ...fields, ...(withExtras ? extras : {}) });
        // JSON.stringify drops a `__proto__` own key set through a literal; put one in as text too.
        return withExtras ? text.replace(/^\{/, '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},') : text;
      }),
  },
  { weight: 1, arbitrary: fc.constantFrom('[]', 'null', '"x"', '{', '{"client_name":"a","client_name":"b"}', '\ufeff{}', '{"scope":"\\ud800"}') },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2600 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`) },
  { weight: 1, arbitrary: fc.integer({ min: 16_500, max: 30_000 }).map((n) => JSON.stringify({ client_name: 'x'.repeat(n) })) },
);

function pathArb(): fc.Arbitrary<string> {
  const victim = fc.constantFrom(...victims);
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant('/oauth2/register') },
    { weight: 3, arbitrary: victim.map((id) => `/oauth2/register/${id}`) },
    { weight: 2, arbitrary: victim.map((id) => `/oauth2/register/${id}/secret`) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((text) => `/oauth2/register/${encodeURIComponentLoosely(text)}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '/oauth2/register/%ZZ',
        '/oauth2/register/%',
        '/oauth2/register/%00',
        '/oauth2/register/%C3%28',
        '/oauth2/register/..%2F..%2Fetc',
        '/oauth2/register/__proto__',
        '/oauth2/register/constructor/secret',
        `/oauth2/register/${'a'.repeat(5000)}`,
        '/oauth2/register/%ZZ/secret',
        '/oauth2/register/',
        '/oauth2/register//secret',
        '/oauth2/register/a/b/c',
      ),
    },
  );
}

function encodeURIComponentLoosely(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return 'x';
  }
}

/** Chaotic requests: any method, path, type, encoding and credentials. */
function chaoticRequestArb(): fc.Arbitrary<RawRequest> {
  return fc
    .record({
      method: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('POST', 'PUT', 'GET', 'DELETE') }, { weight: 1, arbitrary: methodArb }),
      path: pathArb(),
      query: fc.option(fc.constantFrom('?client_id=x', '?__proto__[polluted]=1', '?a=%ZZ'), { freq: 6 }),
      contentType: fc.oneof({ weight: 5, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: contentTypeArb }),
      contentEncoding: contentEncodingArb,
      authorization: fc.oneof(
        { weight: 5, arbitrary: fc.constant(`Bearer ${suite.target.adminToken}`) },
        { weight: 2, arbitrary: authorizationArb([], [`Bearer ${suite.target.accessToken}`, `Bearer ${suite.target.adminToken}x`]) },
      ),
      extra: extraHeadersArb,
      body: fc.option(
        fc.oneof({ weight: 5, arbitrary: metadataTextArb.map((text) => Buffer.from(text)) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) }),
        { freq: 6 },
      ),
    })
    .map(({ method, path, query, contentType, contentEncoding, authorization, extra, body }) =>
      reportable({
        method,
        path: path + (query ?? ''),
        headers: headersOf({ ...extra, 'content-type': contentType, 'content-encoding': contentEncoding ?? undefined, authorization }),
        body: body ?? undefined,
      }),
    );
}

/** Plausible requests: an admin's POST /register or PUT /register/:id with JSON metadata — so the metadata rules are what is attacked. */
function plausibleRequestArb(): fc.Arbitrary<RawRequest> {
  return fc
    .record({
      route: fc.oneof(
        { weight: 3, arbitrary: fc.constant({ method: 'POST', path: '/oauth2/register' }) },
        { weight: 2, arbitrary: fc.constantFrom(...victims).map((id) => ({ method: 'PUT', path: `/oauth2/register/${id}` })) },
      ),
      body: metadataTextArb,
    })
    .map(({ route, body }) =>
      reportable({
        ...route,
        headers: { authorization: `Bearer ${suite.target.adminToken}`, 'content-type': 'application/json' },
        body: Buffer.from(body),
      }),
    );
}

describe('the registration API under hostile input (fast-check)', () => {
  it('never answers 5xx, answers every 4xx with an RFC-shaped JSON error, changes no client when it refuses, pollutes no prototype', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(plausibleRequestArb(), chaoticRequestArb()), async (request) => {
        const before = await suite.target.registrySnapshot();
        const response = await suite.target.server.send(request);
        assertWellFormedAnswer(request, response, 'rfc7591');
        if (response.status >= 400) expect(await suite.target.registrySnapshot()).toBe(before);
        expect(response.text).not.toMatch(/sha256\$|scrypt\$/);
        expect(prototypeIsClean(suite.fingerprint)).toBe(true);
        expect(suite.target.hostErrors).toEqual([]);
      }),
      { numRuns: 1200 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('still registers a client afterwards', async () => {
    const response = await suite.target.server.send({
      method: 'POST',
      path: '/oauth2/register',
      headers: { authorization: `Bearer ${suite.target.adminToken}`, 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ client_name: 'after the storm', scope: 'records:read' })),
    });
    expect(response.status).toBe(201);
  });
});
