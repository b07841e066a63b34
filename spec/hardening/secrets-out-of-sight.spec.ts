/**
 * Secrets out of sight (issue 8): the example app, a pino logger with the library's redaction
 * paths writing to a captured stream, a host request logger in front of it, every route driven
 * with known secrets and tokens — and then every byte written to stdout, stderr and the console,
 * every log line, every hook event and every response is searched for them. A secret may appear
 * only in the one answer that hands it out (registration, rotation, the token response).
 */
import express from 'express';
import type { Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import type { Response } from 'supertest';
import { createExampleApp } from '../../example-app/app';
import type { ExampleApp } from '../../example-app/app';
import { readConfig } from '../../example-app/config';
import { LOG_REDACT_PATHS } from '../../lib/logging';
import type { AuthenticationFailedEvent, TokenIssuedEvent } from '../../lib/token';
import { FaultInjectingClientStore } from '../support/token-fault-store';

const ADMIN_ID = 'bootstrap-admin';
const ADMIN_SECRET = 'bootstrap-admin-secret-Zq7-0123456789';
const WRONG_SECRET = 'a-wrong-guess-that-is-also-secret-9Kx';

interface Captured {
  output: string[];
  logLines: string[];
  hookEvents: (TokenIssuedEvent | AuthenticationFailedEvent)[];
  /** Every response, with the secrets it was allowed to carry. */
  responses: { label: string; text: string; allowed: Set<string> }[];
}

const captured: Captured = { output: [], logLines: [], hookEvents: [], responses: [] };
/** Secrets and tokens, by name, as the run learns them. */
const secrets = new Map<string, string>([
  ['bootstrap secret', ADMIN_SECRET],
  ['wrong secret', WRONG_SECRET],
]);

let example: ExampleApp;
let host: Express;
let store: FaultInjectingClientStore;
const restorers: (() => void)[] = [];

function captureStream(write: (chunk: string) => void) {
  return { write: (chunk: string) => write(String(chunk)) };
}

beforeAll(async () => {
  for (const stream of [process.stdout, process.stderr]) {
    const spy = jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      captured.output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
    restorers.push(() => spy.mockRestore());
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const spy = jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      captured.output.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
    });
    restorers.push(() => spy.mockRestore());
  }

  const logger = pino(
    { level: 'debug', redact: { paths: [...LOG_REDACT_PATHS], censor: '[redacted]' } },
    captureStream((line) => captured.logLines.push(line)),
  );
  store = new FaultInjectingClientStore();
  example = await createExampleApp(
    readConfig({ PORT: '3000', BOOTSTRAP_CLIENT_ID: ADMIN_ID, BOOTSTRAP_CLIENT_SECRET: ADMIN_SECRET }),
    {
      clients: store,
      logger,
      tokenHooks: {
        onTokenIssued: (event) => void captured.hookEvents.push(event),
        onAuthenticationFailed: (event) => void captured.hookEvents.push(event),
      },
    },
  );
  // The host's own request logging, as the README advises: method, path without the query
  // string (redaction cannot reach inside a URL) and every header.
  host = express();
  host.use((req, _res, next) => {
    logger.info({ req: { method: req.method, path: req.path, headers: req.headers } }, 'request');
    next();
  });
  host.use(example.app);
});

afterAll(async () => {
  for (const restore of restorers) restore();
  await example.close();
});

/** Sends, records the answer with the secrets it may carry, and returns it. */
async function drive(label: string, test: request.Test, allowed: string[] = []): Promise<Response> {
  const res = await test;
  captured.responses.push({ label, text: `${res.status} ${JSON.stringify(res.headers)} ${res.text}`, allowed: new Set(allowed) });
  return res;
}

function remember(name: string, value: unknown): string {
  expect(typeof value).toBe('string');
  secrets.set(name, value as string);
  return value as string;
}

describe('every route of the example app, driven with known secrets and tokens', () => {
  it('answers each step as expected (the walk itself)', async () => {
    const token = (id: string, secret: string) => request(host).post('/oauth2/token').auth(id, secret).type('form').send({ grant_type: 'client_credentials' });

    const adminRes = await drive('admin token', token(ADMIN_ID, ADMIN_SECRET));
    expect(adminRes.status).toBe(200);
    const adminToken = remember('admin access token', adminRes.body.access_token);
    captured.responses.at(-1)!.allowed.add(adminToken);
    const bearer = `Bearer ${adminToken}`;

    expect((await drive('wrong secret', token(ADMIN_ID, WRONG_SECRET))).status).toBe(401);
    expect((await drive('unknown client', token('nobody-here', WRONG_SECRET))).status).toBe(401);
    const postFailure = request(host).post('/oauth2/token').type('form').send({ grant_type: 'client_credentials', client_id: ADMIN_ID, client_secret: WRONG_SECRET });
    expect((await drive('wrong secret in the body', postFailure)).status).toBe(401);

    const created = await drive(
      'register',
      request(host).post('/oauth2/register').set('Authorization', bearer).send({ client_name: 'payments', scope: 'records:read disburse', grant_types: ['client_credentials', 'refresh_token'] }),
    );
    expect(created.status).toBe(201);
    const clientId = created.body.client_id as string;
    const firstSecret = remember('registered secret', created.body.client_secret);
    captured.responses.at(-1)!.allowed.add(firstSecret);

    expect((await drive('read', request(host).get(`/oauth2/register/${clientId}`).set('Authorization', bearer))).status).toBe(200);
    const replaced = await drive(
      'replace',
      request(host).put(`/oauth2/register/${clientId}`).set('Authorization', bearer).send({ client_name: 'payments v2', scope: 'records:read disburse', grant_types: ['client_credentials', 'refresh_token'] }),
    );
    expect(replaced.status).toBe(200);
    const refusedSecretChange = await drive(
      'replace with a client_secret',
      request(host).put(`/oauth2/register/${clientId}`).set('Authorization', bearer).send({ client_name: 'x', client_secret: WRONG_SECRET }),
    );
    expect(refusedSecretChange.status).toBe(400);

    const clientTokens = await drive('client token (post)', request(host).post('/oauth2/token').type('form').send({ grant_type: 'client_credentials', client_id: clientId, client_secret: firstSecret }));
    expect(clientTokens.status).toBe(200);
    const accessToken = remember('client access token', clientTokens.body.access_token);
    const refreshToken = remember('client refresh token', clientTokens.body.refresh_token);
    captured.responses.at(-1)!.allowed = new Set([accessToken, refreshToken]);

    const refreshed = await drive('refresh', request(host).post('/oauth2/token').auth(clientId, firstSecret).type('form').send({ grant_type: 'refresh_token', refresh_token: refreshToken }));
    expect(refreshed.status).toBe(200);
    const refreshedAccess = remember('refreshed access token', refreshed.body.access_token);
    const nextRefresh = remember('rotated refresh token', refreshed.body.refresh_token);
    captured.responses.at(-1)!.allowed = new Set([refreshedAccess, nextRefresh]);

    expect((await drive('demo read', request(host).get('/api/records').set('Authorization', `Bearer ${accessToken}`))).status).toBe(200);
    expect((await drive('demo payment', request(host).post('/api/payments').set('Authorization', `Bearer ${accessToken}`).send({ amount: 12 }))).status).toBe(201);
    expect((await drive('demo with a broken token', request(host).get('/api/records').set('Authorization', `Bearer ${accessToken}x`))).status).toBe(401);
    expect((await drive('demo with the token in the query', request(host).get(`/api/records?access_token=${accessToken}`))).status).toBeGreaterThanOrEqual(400);

    const introspected = await drive('introspect', request(host).post('/oauth2/introspect').auth(clientId, firstSecret).type('form').send({ token: accessToken }));
    expect(introspected.body).toMatchObject({ active: true, client_id: clientId });
    expect((await drive('revoke', request(host).post('/oauth2/revoke').auth(clientId, firstSecret).type('form').send({ token: accessToken }))).status).toBe(200);
    expect((await drive('demo after revocation', request(host).get('/api/records').set('Authorization', `Bearer ${accessToken}`))).status).toBe(401);

    const rotated = await drive('rotate', request(host).post(`/oauth2/register/${clientId}/secret`).set('Authorization', bearer));
    expect(rotated.status).toBe(200);
    const secondSecret = remember('rotated secret', rotated.body.client_secret);
    captured.responses.at(-1)!.allowed.add(secondSecret);
    expect((await drive('old secret after rotation', token(clientId, firstSecret))).status).toBe(401);
    const afterRotation = await drive('new secret', token(clientId, secondSecret));
    expect(afterRotation.status).toBe(200);
    captured.responses.at(-1)!.allowed = new Set([remember('post-rotation access token', afterRotation.body.access_token), remember('post-rotation refresh token', afterRotation.body.refresh_token)]);

    store.fault = 'reject';
    expect((await drive('store down', token(clientId, secondSecret))).status).toBe(503);
    store.heal();

    expect((await drive('delete', request(host).delete(`/oauth2/register/${clientId}`).set('Authorization', bearer))).status).toBe(204);
    expect((await drive('deleted client', token(clientId, secondSecret))).status).toBe(401);
    expect((await drive('jwks', request(host).get('/.well-known/jwks.json'))).status).toBe(200);
    expect((await drive('metadata', request(host).get('/.well-known/oauth-authorization-server'))).status).toBe(200);
    expect((await drive('health', request(host).get('/healthz'))).status).toBe(200);

    for (let i = 0; i < 11; i += 1) await drive('brute force', token(clientId, WRONG_SECRET));
    expect(captured.responses.at(-1)!.text).toMatch(/^429 /);
  });

  it('wrote log lines for the failures, the 429 and the 503, and the host logged every request', () => {
    const events = captured.logLines.map((line) => (JSON.parse(line) as { event?: string; msg: string }).event ?? 'request');
    expect(events).toEqual(expect.arrayContaining(['request', 'oauth.client_authentication_failed', 'oauth.brute_force_blocked', 'oauth.store_unavailable', 'oauth.client_created', 'oauth.client_secret_rotated']));
  });

  it('redacted the Authorization header in the host request log', () => {
    const logged = captured.logLines.map((line) => JSON.parse(line) as { req?: { headers?: Record<string, string> } }).filter((line) => line.req?.headers?.authorization !== undefined);
    expect(logged.length).toBeGreaterThan(10);
    for (const line of logged) expect(line.req!.headers!.authorization).toBe('[redacted]');
  });

  it('leaves no secret, secret hash or token in stdout, stderr or the console', () => {
    const output = captured.output.join('\n');
    for (const [name, value] of secrets) expect({ name, found: output.includes(value) }).toEqual({ name, found: false });
    expect(output).not.toMatch(/sha256\$|scrypt\$/);
  });

  it('leaves no secret, secret hash or token in any log line', () => {
    const logs = captured.logLines.join('\n');
    for (const [name, value] of secrets) expect({ name, found: logs.includes(value) }).toEqual({ name, found: false });
    expect(logs).not.toMatch(/sha256\$|scrypt\$|hunter2/);
  });

  it('leaves no secret, secret hash or token in the hook events', () => {
    expect(captured.hookEvents.length).toBeGreaterThan(5);
    const events = JSON.stringify(captured.hookEvents);
    for (const [name, value] of secrets) expect({ name, found: events.includes(value) }).toEqual({ name, found: false });
    expect(events).not.toMatch(/sha256\$|scrypt\$/);
  });

  it('shows a secret or token only in the one answer that hands it out', () => {
    for (const response of captured.responses) {
      for (const [name, value] of secrets) {
        if (response.allowed.has(value)) continue;
        expect({ response: response.label, secret: name, found: response.text.includes(value) }).toEqual({ response: response.label, secret: name, found: false });
      }
      expect(response.text).not.toMatch(/sha256\$|scrypt\$|hunter2|ECONNREFUSED/);
    }
  });
});

describe('LOG_REDACT_PATHS with pino — the credential fields a host app might log', () => {
  it('censors authorization, client_secret and token wherever a request logger puts them', () => {
    const lines: string[] = [];
    const logger = pino({ redact: { paths: [...LOG_REDACT_PATHS], censor: '[redacted]' } }, captureStream((line) => lines.push(line)));
    logger.info({
      authorization: 'Basic c2VjcmV0',
      request: { body: { client_secret: 's4' } },
      headers: { authorization: 'Bearer a.b.c' },
      req: { headers: { authorization: 'Bearer d.e.f' }, body: { client_secret: 's1', token: 't1' }, query: { access_token: 'q1' } },
      body: { client_secret: 's2', refresh_token: 'r1' },
      client_secret: 's3',
      token: 't2',
      access_token: 'a1',
      params: { token: 't3', access_token: 'a2' },
    });
    const logged = lines.join('');
    for (const value of ['c2VjcmV0', 'a.b.c', 'd.e.f', 's1', 't1', 's2', 'r1', 's3', 's4', 't2', 'a1', 't3', 'a2', 'q1']) expect(logged).not.toContain(`"${value}"`);
    expect(logged.match(/\[redacted\]/g)).toHaveLength(14);
  });
});
