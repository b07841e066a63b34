/**
 * Generators of hostile HTTP requests (fast-check arbitraries) and the checks every answer must
 * pass. The generators mix the plausible with the absurd: real parameter names and real
 * credentials next to random methods, content types, charsets and encodings, repeated and
 * oversized parameters, non-UTF-8 bytes, deep JSON and prototype-pollution keys, so generated
 * requests reach every step of a handler, not just its first refusal.
 */
import fc from 'fast-check';
import type { RawRequest, RawResponse } from './loopback';

/** Methods Node's HTTP parser knows (an unknown one is refused by Node itself, before any app code). */
export const methodArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant('POST') },
  { weight: 4, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND', 'PURGE', 'SEARCH', 'LOCK') },
);

const printable = (maxLength: number) => fc.string({ unit: 'binary-ascii', maxLength }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));
const anyText = (maxLength: number) => fc.string({ unit: 'binary', maxLength });

export const contentTypeArb = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/json',
      'application/x-www-form-urlencoded; charset=utf-8',
      'application/json; charset=utf-8',
    ),
  },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'text/plain',
      'multipart/form-data; boundary=----x',
      'application/x-www-form-urlencoded; charset=utf-16',
      'application/x-www-form-urlencoded; charset=iso-8859-1',
      'application/json; charset=latin1',
      'application/json; charset=koi8-r',
      'application/json; charset="utf-8"',
      'application/json; charset=',
      'APPLICATION/JSON',
      'Application/X-WWW-Form-Urlencoded',
      'application/*',
      '*/*',
      'application/jwt',
      'application/merge-patch+json',
      'application/x-www-form-urlencoded;;charset=utf-8;;',
      ';',
      '',
    ),
  },
  { weight: 1, arbitrary: printable(60) },
);

export const contentEncodingArb = fc.option(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-compress', 'gzip, gzip', 'GZIP'), {
  freq: 5,
});

/** Parameter names: the ones handlers read, pollution keys, bracket syntax, anything. */
export const parameterNameArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'grant_type',
      'client_id',
      'client_secret',
      'scope',
      'audience',
      'resource',
      'token',
      'token_type_hint',
      'refresh_token',
      'access_token',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      '__proto__[polluted]',
      'constructor[prototype][polluted]',
      '__proto__.polluted',
      'grant_type[]',
      'client_id[0]',
      'a[b][c]',
      'hasOwnProperty',
      'toString',
      'valueOf',
    ),
  },
  { weight: 1, arbitrary: anyText(20) },
);

/** Parameter values: valid ones, empty, long, Unicode, control characters. */
export function parameterValueArb(realValues: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('client_credentials', 'refresh_token', 'records:read', 'records-api', 'https://api.example/x', '', ...realValues) },
    { weight: 2, arbitrary: anyText(40) },
    { weight: 1, arbitrary: fc.nat({ max: 5000 }).map((n) => 'x'.repeat(n)) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%ZZ', '%C3%28', '%FF%FE', '%00', '+++', '&&&', '==', '\u0000', '\ud800') },
  );
}

/** `name=value&…` with each part percent-encoded, or raw (so broken escapes reach the parser). */
function formBody(pairs: [string, string, boolean][]): string {
  return pairs.map(([name, value, raw]) => (raw ? `${name}=${value}` : `${encodeURIComponent(name)}=${encodeURIComponentLoosely(value)}`)).join('&');
}

/** `encodeURIComponent`, but a lone surrogate becomes raw text instead of throwing. */
function encodeURIComponentLoosely(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value;
  }
}

const JSON_HOSTILE_TEXTS = [
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"grant_type":"client_credentials","grant_type":"client_credentials"}',
  '{"grant_type":["client_credentials"]}',
  '{"grant_type":{"toString":"x"}}',
  '{"client_id":1e400}',
  '[]',
  'null',
  '"text"',
  '12',
  'true',
  '{',
  '{"a":',
  '\ufeff{"grant_type":"client_credentials"}',
  '{"a":"\\ud800"}',
];

/** A body: form, JSON (objects, hostile texts, deep nesting), raw bytes, oversized, too many parameters. */
export function bodyArb(realValues: readonly string[]): fc.Arbitrary<Buffer | undefined> {
  const pair = fc.tuple(parameterNameArb, parameterValueArb(realValues), fc.boolean());
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: fc.array(pair, { maxLength: 8 }).map((pairs) => Buffer.from(formBody(pairs))) },
    {
      weight: 4,
      arbitrary: fc
        .dictionary(parameterNameArb, fc.oneof(parameterValueArb(realValues), fc.jsonValue({ maxDepth: 3 })), { maxKeys: 6 })
        .map((object) => Buffer.from(JSON.stringify(object))),
    },
    { weight: 2, arbitrary: fc.constantFrom(...JSON_HOSTILE_TEXTS).map((text) => Buffer.from(text)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: 7000 }), fc.constantFrom('[', '{"a":'))
        // Deep, yet under the 16kb limit, so the parser (not the size check) meets the nesting.
        .map(([depth, open]) => (open === '[' ? '['.repeat(depth) + ']'.repeat(depth) : `${'{"a":'.repeat(depth % 2600)}1${'}'.repeat(depth % 2600)}`))
        .map((text) => Buffer.from(text)),
    },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 1, arbitrary: fc.constantFrom(Buffer.from([0xff, 0xfe, 0x3d, 0x80, 0x26, 0xc3, 0x28]), Buffer.from('grant_type=\xff\xfe', 'latin1')) },
    { weight: 1, arbitrary: fc.integer({ min: 16_000, max: 40_000 }).map((n) => Buffer.from(`grant_type=${'a'.repeat(n)}`)) },
    { weight: 1, arbitrary: fc.integer({ min: 900, max: 3000 }).map((n) => Buffer.from(Array.from({ length: n }, (_, i) => `p${i}=1`).join('&'))) },
  );
}

/** `Authorization` values: real Basic credentials, broken Basic, Bearer, garbage, non-UTF-8 after base64. */
export function authorizationArb(basicOf: readonly string[], bearerOf: readonly string[]): fc.Arbitrary<string | string[] | undefined> {
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const single = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...basicOf, ...bearerOf) },
    { weight: 2, arbitrary: fc.tuple(anyText(30), anyText(30)).map(([id, secret]) => basic(id, secret)) },
    { weight: 1, arbitrary: fc.base64String({ maxLength: 80 }).map((b64) => `Basic ${b64}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'Basic',
        'Basic ',
        'basic Og==',
        'BASIC %%%',
        `Basic ${Buffer.from([0xff, 0xfe, 0x3a, 0x80]).toString('base64')}`,
        `Basic ${Buffer.from('%zz:%zz').toString('base64')}`,
        `Basic ${Buffer.from(':secret').toString('base64')}`,
        `Basic ${Buffer.from('id-without-colon').toString('base64')}`,
        'Bearer',
        'Bearer ',
        'Bearer a.b.c',
        'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
        'Digest username="x"',
        'Negotiate YIIB',
      ),
    },
    { weight: 1, arbitrary: printable(200) },
  );
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: single },
    { weight: 1, arbitrary: fc.array(single, { minLength: 2, maxLength: 3 }) },
  );
}

/** Addresses for `X-Forwarded-For` (the target trusts loopback proxies): IPv4, IPv6, lists, garbage. */
export const forwardedForArb = fc.option(
  fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('unknown', '::ffff:10.0.0.1', '1.1.1.1, 2.2.2.2', ', , ,', 'x'.repeat(300)), printable(40)),
  { freq: 3 },
);

/**
 * Extra headers: odd ones, repeated `Content-Type`, junk names. Not `Expect`: Node's HTTP server
 * answers an unknown expectation (417) itself, before any application code runs.
 */
export const extraHeadersArb = fc.dictionary(
  fc.oneof(fc.constantFrom('accept', 'accept-charset', 'content-type', 'x-http-method-override', 'origin', 'cookie', 'timestamp', 'content-language'), fc.stringMatching(/^x-[a-z0-9-]{1,20}$/)),
  fc.oneof(printable(80), fc.array(printable(20), { minLength: 2, maxLength: 3 })),
  { maxKeys: 3 },
);

/** Builds the header object of a raw request; `undefined` values are left out. */
export function headersOf(entries: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(entries)) if (value !== undefined) headers[name] = value;
  return headers;
}

/** RFC 6749 §5.2 (token endpoint, RFC 6750 bearer errors): printable ASCII without `"` and `\`. */
const RFC6749_ERROR_CHARS = /^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/;
/** RFC 7591 §3.2.2 (registration errors): "human-readable ASCII text". */
const ASCII_TEXT = /^[\x20-\x7e]+$/;

/**
 * The checks every answer passes: no 5xx, and a 4xx is RFC 6749 §5.2-shaped JSON — exactly
 * `{error, error_description}`, the code in §5.2's characters, the description in §5.2's (or, for
 * the registration API, RFC 7591 §3.2.2's ASCII) — with `no-store`. Throws with the request and
 * the answer when one fails (fast-check then shrinks it).
 */
export function assertWellFormedAnswer(request: RawRequest, response: RawResponse, descriptionRule: 'rfc6749' | 'rfc7591' = 'rfc6749'): void {
  const fail = (problem: string): never => {
    throw new Error(`${problem}\nrequest: ${describeRequest(request)}\nanswer: ${response.status} ${JSON.stringify(response.headers)} ${response.text.slice(0, 500)}`);
  };
  if (response.status >= 500) fail(`a ${response.status}`);
  // Node's HTTP parser refuses headers over its 16 KiB limit itself (431, no body): no application code runs.
  if (response.status === 431 && response.headers['content-type'] === undefined) return;
  if (response.status < 400 || request.method === 'HEAD') return;
  if (!/^application\/json/.test(response.headers['content-type'] ?? '')) fail('an error that is not JSON');
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    fail('an error body that does not parse');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('an error body that is not an object');
  const { error, error_description: description, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).length > 0) fail(`extra members in the error body: ${Object.keys(rest).join(', ')}`);
  if (typeof error !== 'string' || !/^[a-z_]+$/.test(error)) fail('an error code that is not an RFC 6749 error code');
  const allowed = descriptionRule === 'rfc6749' ? RFC6749_ERROR_CHARS : ASCII_TEXT;
  if (typeof description !== 'string' || !allowed.test(description)) fail(`an error_description outside the ${descriptionRule} characters`);
  if (response.headers['cache-control'] !== 'no-store') fail('an error answer without Cache-Control: no-store');
}

/** Names on `Object.prototype` now, to compare after the attack. */
export function prototypeFingerprint(): string {
  return JSON.stringify([Object.getOwnPropertyNames(Object.prototype).sort(), Object.getOwnPropertyNames(Array.prototype).sort()]);
}

/** Whether any generated key reached `Object.prototype`. */
export function prototypeIsClean(fingerprint: string): boolean {
  const probe = {} as Record<string, unknown>;
  return prototypeFingerprint() === fingerprint && probe.polluted === undefined && probe.a === undefined;
}

/** A short, readable form of a request for fast-check's counterexample report (bodies cut to 200 bytes). */
export function describeRequest(request: RawRequest): string {
  const body = request.body ? `${request.body.length} bytes ${JSON.stringify(request.body.subarray(0, 200).toString('latin1'))}` : 'no body';
  const cut = (text: string) => (text.length > 120 ? `${text.slice(0, 60)}…(${text.length} chars)` : text);
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.map(cut) : cut(value)]));
  return `${request.method} ${cut(request.path)} ${JSON.stringify(headers)} ${body}`;
}

/** The request, reported by fast-check in its short form. */
export function reportable(request: RawRequest): RawRequest {
  return Object.defineProperty(request, fc.toStringMethod, { value: () => describeRequest(request), enumerable: false });
}
