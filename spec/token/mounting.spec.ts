import express from 'express';
import type { ErrorRequestHandler, Request } from 'express';
import passport from 'passport';
import { BasicStrategy } from 'passport-http';
import request from 'supertest';
import { Keyring } from '../../lib/keys';
import { tokenRouter } from '../../lib/token';
import { FaultInjectingClientStore } from '../support/token-fault-store';
import { basicAuth, DEFAULT_AUDIENCE, decodeJwt, form, ISSUER, registerClient } from '../support/token-harness';

let keys: Keyring;
beforeAll(async () => {
  keys = await Keyring.generate('RS256');
});

/** A host app with its own passport, body parsers and error handler, and the token router inside. */
function hostApp(store: FaultInjectingClientStore, parsers: express.RequestHandler[] = []) {
  const hostErrors: unknown[] = [];
  const app = express();
  app.use(passport.initialize());
  for (const parser of parsers) app.use(parser);
  app.get('/me', passport.authenticate('host-basic', { session: false }), (req, res) => {
    res.json({ user: req.user });
  });
  app.post('/echo', (req, res) => {
    res.json({ body: req.body as unknown });
  });
  app.get('/boom', () => {
    throw new Error('host failure');
  });
  app.use('/oauth2', tokenRouter({ clients: store, keys, issuer: ISSUER, defaultAudience: [DEFAULT_AUDIENCE], storeTimeoutMs: 50 }));
  const hostErrorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
    hostErrors.push(error);
    res.status(418).json({ host: 'handled' });
  };
  app.use(hostErrorHandler);
  return { app, hostErrors };
}

beforeAll(() => {
  passport.use(
    'host-basic',
    new BasicStrategy((user, password, done) => done(null, user === 'alice' && password === 'wonderland' ? { name: 'alice' } : false)),
  );
});
afterAll(() => passport.unuse('host-basic'));

describe('tokenRouter — mounting into an existing app', () => {
  it("registers nothing on the host app's global passport", () => {
    const strategies = (passport as unknown as { _strategies: Record<string, unknown> })._strategies;
    const before = Object.keys(strategies).sort();
    tokenRouter({ clients: new FaultInjectingClientStore(), keys, issuer: ISSUER });
    expect(Object.keys(strategies).sort()).toEqual(before);
    expect(strategies['oauth2-client-password']).toBeUndefined();
  });

  it("leaves the host's own passport authentication working", async () => {
    const { app } = hostApp(new FaultInjectingClientStore());
    const ok = await request(app).get('/me').set('Authorization', basicAuth('alice', 'wonderland'));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ user: { name: 'alice' } });
    const refused = await request(app).get('/me').set('Authorization', basicAuth('alice', 'nope'));
    expect(refused.status).toBe(401);
  });

  it("does not put passport's properties on the host's request", async () => {
    const store = new FaultInjectingClientStore();
    const client = await registerClient(store);
    const app = express();
    const seen: Request[] = [];
    app.use((req, _res, next) => {
      seen.push(req);
      next();
    });
    app.use('/oauth2', tokenRouter({ clients: store, keys, issuer: ISSUER, defaultAudience: [DEFAULT_AUDIENCE] }));
    await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials')
      .expect(200);
    const req = seen[0] as unknown as Record<string, unknown>;
    expect(req.user).toBeUndefined();
    expect(req._sessionManager).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(req, 'logIn')).toBe(false);
  });

  it("uses a body the host's JSON parser already read", async () => {
    const store = new FaultInjectingClientStore();
    const client = await registerClient(store);
    const { app } = hostApp(store, [express.json()]);
    const res = await request(app)
      .post('/oauth2/token')
      .send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret });
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token).payload.sub).toBe(client.clientId);
  });

  it("uses a form the host's extended parser already read, and still refuses nested values", async () => {
    const store = new FaultInjectingClientStore();
    const client = await registerClient(store);
    const { app } = hostApp(store, [express.urlencoded({ extended: true })]);
    const ok = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret }));
    expect(ok.status).toBe(200);
    const nested = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials&scope[a]=records:read');
    expect(nested.status).toBe(400);
    expect(nested.body.error).toBe('invalid_request');
  });

  it("leaves the host's body parsers as they were for its own routes", async () => {
    const { app } = hostApp(new FaultInjectingClientStore(), [express.json()]);
    const json = await request(app).post('/echo').send({ a: [1, { b: 2 }] });
    expect(json.body).toEqual({ body: { a: [1, { b: 2 }] } });
    const formBody = await request(app).post('/echo').type('form').send('a=1');
    expect(formBody.body).toEqual({});
  });

  it.each([
    ['malformed JSON', (r: request.Test) => r.set('Content-Type', 'application/json').send('{'), 400],
    ['an oversized body', (r: request.Test) => r.type('form').send(`grant_type=${'x'.repeat(20_000)}`), 413],
    ['a wrong content type', (r: request.Test) => r.set('Content-Type', 'text/xml').send('<x/>'), 400],
  ])("answers %s itself, never through the host's error handler", async (_what, send, status) => {
    const { app, hostErrors } = hostApp(new FaultInjectingClientStore());
    const res = await send(request(app).post('/oauth2/token'));
    expect(res.status).toBe(status);
    expect(res.body.error).toBe('invalid_request');
    expect(hostErrors).toEqual([]);
  });

  it("answers a store failure itself, never through the host's error handler", async () => {
    const store = new FaultInjectingClientStore();
    const client = await registerClient(store);
    const { app, hostErrors } = hostApp(store);
    store.fault = 'reject';
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basicAuth(client.clientId, client.secret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(503);
    expect(hostErrors).toEqual([]);
  });

  it("leaves the host's error handler in charge of the host's routes", async () => {
    const { app, hostErrors } = hostApp(new FaultInjectingClientStore());
    const res = await request(app).get('/boom');
    expect(res.status).toBe(418);
    expect(hostErrors).toHaveLength(1);
  });

  it('lets requests for other paths under the mount point through to the host', async () => {
    const { app } = hostApp(new FaultInjectingClientStore());
    const res = await request(app).get('/oauth2/authorize');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({});
  });
});
