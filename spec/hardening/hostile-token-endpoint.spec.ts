import fc from 'fast-check';
import { PROPERTY_TIMEOUT_MS, useHostileTarget } from './support/hostile-target';
import {
  assertWellFormedAnswer,
  authorizationArb,
  bodyArb,
  contentEncodingArb,
  contentTypeArb,
  extraHeadersArb,
  forwardedForArb,
  headersOf,
  methodArb,
  parameterNameArb,
  parameterValueArb,
  prototypeIsClean,
  reportable,
} from './support/hostile-requests';
import type { RawRequest } from './support/loopback';

const suite = useHostileTarget();

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** Chaotic requests: anything at all at the three client-authenticated endpoints. */
function chaoticRequestArb(): fc.Arbitrary<RawRequest> {
  const { client } = suite.target;
  const realValues = [client.clientId, client.secret];
  const queryArb = fc.option(
    fc.array(fc.tuple(parameterNameArb, parameterValueArb(realValues)), { maxLength: 3 }).map(
      (pairs) => `?${pairs.map(([n, v]) => `${encodeURIComponent(n)}=${v.replace(/[^\x21-\x7e]/g, '')}`).join('&')}`,
    ),
    { freq: 4 },
  );
  return fc
    .record({
      method: methodArb,
      path: fc.constantFrom('/oauth2/token', '/oauth2/token', '/oauth2/revoke', '/oauth2/introspect', '/oauth2/token/', '/oauth2/TOKEN'),
      query: queryArb,
      contentType: fc.option(contentTypeArb, { freq: 8 }),
      contentEncoding: contentEncodingArb,
      authorization: authorizationArb([basic(client.clientId, client.secret)], [`Bearer ${suite.target.accessToken}`]),
      forwardedFor: forwardedForArb,
      extra: extraHeadersArb,
      body: bodyArb(realValues),
    })
    .map(({ method, path, query, contentType, contentEncoding, authorization, forwardedFor, extra, body }) =>
      reportable({
        method,
        path: path + (query ?? ''),
        headers: headersOf({
          ...extra,
          'content-type': contentType ?? undefined,
          'content-encoding': contentEncoding ?? undefined,
          authorization,
          'x-forwarded-for': forwardedFor ?? undefined,
        }),
        body,
      }),
    );
}

/**
 * Plausible requests: POST, a body the endpoint reads, `grant_type=client_credentials`, the real
 * client's credentials (or a wrong secret, or an unknown id) by Basic or in the body, and then
 * hostile extras — so the properties reach client authentication, the grant and the response.
 */
function plausibleRequestArb(): fc.Arbitrary<RawRequest> {
  const { client } = suite.target;
  const realValues = [client.clientId, client.secret, 'records:read records:write', 'records-api'];
  const credentialsArb = fc.record({
    clientId: fc.oneof({ weight: 4, arbitrary: fc.constant(client.clientId) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) }),
    secret: fc.oneof({ weight: 3, arbitrary: fc.constant(client.secret) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) }),
    carrier: fc.constantFrom('basic', 'basic', 'body', 'both', 'none'),
  });
  return fc
    .record({
      path: fc.constantFrom('/oauth2/token', '/oauth2/token', '/oauth2/token', '/oauth2/revoke', '/oauth2/introspect'),
      json: fc.boolean(),
      grantType: fc.oneof({ weight: 5, arbitrary: fc.constant('client_credentials') }, { weight: 1, arbitrary: parameterValueArb(realValues) }),
      credentials: credentialsArb,
      extras: fc.array(fc.tuple(parameterNameArb, fc.oneof(parameterValueArb(realValues), fc.array(fc.string(), { maxLength: 3 }))), { maxLength: 4 }),
      forwardedFor: fc.ipV4(),
    })
    .map(({ path, json, grantType, credentials, extras, forwardedFor }) => {
      const parameters: [string, string | string[]][] = [['grant_type', grantType]];
      const headers: Record<string, string> = {
        'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded',
        'x-forwarded-for': forwardedFor,
      };
      if (credentials.carrier === 'basic' || credentials.carrier === 'both') headers.authorization = basicLoosely(credentials.clientId, credentials.secret);
      if (credentials.carrier === 'body' || credentials.carrier === 'both') {
        parameters.push(['client_id', credentials.clientId], ['client_secret', credentials.secret]);
      }
      parameters.push(...extras);
      const body = json ? JSON.stringify(Object.fromEntries(parameters)) : formOf(parameters);
      return reportable({ method: 'POST', path, headers, body: Buffer.from(body) });
    });
}

/** Basic credentials, form-encoded where the text allows it (a lone surrogate goes in raw). */
function basicLoosely(id: string, secret: string): string {
  const encode = (text: string) => {
    try {
      return encodeURIComponent(text);
    } catch {
      return text;
    }
  };
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
}

function formOf(parameters: [string, string | string[]][]): string {
  const encode = (text: string) => {
    try {
      return encodeURIComponent(text);
    } catch {
      return text;
    }
  };
  return parameters
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((item) => `${encode(name)}=${encode(item)}`))
    .join('&');
}

describe('the token, revocation and introspection endpoints under hostile input (fast-check)', () => {
  it('never answer 5xx, always answer a 4xx with an RFC 6749 §5.2 JSON body, change nothing when they refuse, pollute no prototype', async () => {
    const revokedBefore = async () => JSON.stringify(await suite.target.tokenState.revokedSince(new Date(0), 1000));
    await fc.assert(
      fc.asyncProperty(fc.oneof(plausibleRequestArb(), chaoticRequestArb()), async (request) => {
        const registry = await suite.target.registrySnapshot();
        const revoked = await revokedBefore();
        const response = await suite.target.server.send(request);
        assertWellFormedAnswer(request, response);
        if (response.status >= 400) {
          expect(await suite.target.registrySnapshot()).toBe(registry);
          expect(await revokedBefore()).toBe(revoked);
        }
        expect(prototypeIsClean(suite.fingerprint)).toBe(true);
        expect(suite.target.hostErrors).toEqual([]);
      }),
      { numRuns: 1500 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('still issues a token to the real client afterwards (the process and the endpoint stay up)', async () => {
    const response = await suite.target.server.send({
      method: 'POST',
      path: '/oauth2/token',
      headers: { authorization: basic(suite.target.client.clientId, suite.target.client.secret), 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '192.0.2.200' },
      body: Buffer.from('grant_type=client_credentials'),
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toMatchObject({ token_type: 'Bearer' });
  });
});
