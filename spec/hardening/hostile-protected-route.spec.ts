import fc from 'fast-check';
import { PROPERTY_TIMEOUT_MS, useHostileTarget } from './support/hostile-target';
import {
  assertWellFormedAnswer,
  authorizationArb,
  bodyArb,
  contentTypeArb,
  extraHeadersArb,
  headersOf,
  methodArb,
  prototypeIsClean,
  reportable,
} from './support/hostile-requests';
import type { RawRequest } from './support/loopback';

const suite = useHostileTarget();

function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** Tokens: the real one, the real one altered (a character, a segment, the algorithm), forged and absurd ones. */
function tokenArb(): fc.Arbitrary<string> {
  const real = suite.target.accessToken;
  const [header, payload, signature] = real.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(real) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.nat({ max: real.length - 1 }), fc.constantFrom('A', '_', '-', '.', '=', '+', '/', ' ', '\t'))
        .map(([at, char]) => real.slice(0, at) + char + real.slice(at + 1)),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({
          claimsOverride: fc.dictionary(
            fc.constantFrom('aud', 'iss', 'exp', 'nbf', 'iat', 'scope', 'client_id', 'jti', 'sub', '__proto__', 'constructor'),
            fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('records-api', ['records-api'], 'records:read', 1e308, -1, '9999999999')),
            { maxKeys: 3 },
          ),
          headerOverride: fc.dictionary(
            fc.constantFrom('alg', 'kid', 'typ', 'jku', 'x5u', 'crit', 'b64'),
            fc.oneof(fc.constantFrom('none', 'HS256', 'RS256', 'ES256', 'at+jwt', 'JWT', '../../etc/passwd', ['exp']), fc.jsonValue({ maxDepth: 1 })),
            { maxKeys: 2 },
          ),
          keepSignature: fc.boolean(),
        })
        .map(({ claimsOverride, headerOverride, keepSignature }) => {
          const forgedHeader = { ...(JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as object), ...headerOverride };
          return `${b64url(forgedHeader)}.${b64url({ ...claims, ...claimsOverride })}.${keepSignature ? signature : ''}`;
        }),
    },
    { weight: 1, arbitrary: fc.array(fc.base64String({ maxLength: 60 }), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.')) },
    { weight: 1, arbitrary: fc.constantFrom(`${real}.${signature}`, `${header}.${payload}`, `${header}..${signature}`, 'x'.repeat(9000), `${real} ${real}`) },
  );
}

function protectedRouteRequestArb(): fc.Arbitrary<RawRequest> {
  return fc
    .record({
      method: fc.oneof({ weight: 3, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: methodArb }),
      where: fc.constantFrom('header', 'header', 'header', 'query', 'body', 'two places', 'other'),
      token: tokenArb(),
      scheme: fc.constantFrom('Bearer', 'Bearer', 'bearer', 'BEARER', 'Bearer  ', 'Basic', 'MAC', ''),
      other: authorizationArb([], [`Bearer ${suite.target.adminToken}`]),
      contentType: fc.option(contentTypeArb, { freq: 3 }),
      extra: extraHeadersArb,
      body: bodyArb([suite.target.accessToken]),
    })
    .map(({ method, where, token, scheme, other, contentType, extra, body }) => {
      const headerValue = `${scheme} ${token}`.replace(/[^\t\x20-\x7e]/g, '');
      const query = where === 'query' || where === 'two places' ? `?access_token=${encodeURIComponent(token)}` : '';
      const formBody = where === 'body' ? Buffer.from(`access_token=${encodeURIComponent(token)}`) : body;
      return reportable({
        method,
        path: `/api/records${query}`,
        headers: headersOf({
          ...extra,
          authorization: where === 'header' || where === 'two places' ? headerValue : where === 'other' ? other : undefined,
          'content-type': where === 'body' ? 'application/x-www-form-urlencoded' : (contentType ?? undefined),
        }),
        body: formBody,
      });
    });
}

describe('a requireToken route under hostile input (fast-check)', () => {
  it('never answers 5xx, answers every 4xx with an RFC 6750 JSON error, admits only the real token, pollutes no prototype', async () => {
    await fc.assert(
      fc.asyncProperty(protectedRouteRequestArb(), async (request) => {
        const response = await suite.target.server.send(request);
        assertWellFormedAnswer(request, response);
        if (response.status === 200) {
          // The scheme is case-insensitive (RFC 9110 §11.1); the token must be the real one, unaltered.
          expect(request.headers.authorization).toMatch(/^bearer +\S+$/i);
          expect(String(request.headers.authorization).split(/ +/)[1]).toBe(suite.target.accessToken);
          if (request.method !== 'HEAD') expect(JSON.parse(response.text)).toEqual({ client_id: suite.target.client.clientId });
        }
        if (response.status === 401 && request.method !== 'HEAD') expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="/);
        expect(prototypeIsClean(suite.fingerprint)).toBe(true);
        expect(suite.target.hostErrors).toEqual([]);
      }),
      { numRuns: 1500 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('still admits the real token afterwards', async () => {
    const response = await suite.target.server.send({ method: 'GET', path: '/api/records', headers: { authorization: `Bearer ${suite.target.accessToken}` } });
    expect(response.status).toBe(200);
  });
});
