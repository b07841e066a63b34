/**
 * What the hostile-input properties attack: one Express app with the three surfaces of the
 * library — the token router (with revocation and introspection), the registration API and a
 * `requireToken` route — over a real `MemoryClientStore`, a real token-state store and a real
 * keyring, served on loopback. The host adds nothing but `trust proxy` (so `X-Forwarded-For`
 * varies `req.ip`) and an error handler that records whatever reaches it and answers 599 (nothing
 * should: every error is the library's to answer).
 */
import express from 'express';
import type { ErrorRequestHandler } from 'express';
import { requireToken } from '../../../lib/bearer';
import { generateClientSecret, hashGeneratedSecret, MemoryClientStore } from '../../../lib/clients';
import { Keyring } from '../../../lib/keys';
import { MemoryTokenStateStore, RevocationList } from '../../../lib/lifecycle';
import { registrationRouter } from '../../../lib/registration';
import { tokenRouter } from '../../../lib/token';
import type { LoopbackServer } from './loopback';
import { listenOnLoopback } from './loopback';
import { prototypeFingerprint } from './hostile-requests';

export const ISSUER = 'https://as.hostile.test';
export const API_AUDIENCE = 'records-api';

export interface Credentials {
  clientId: string;
  secret: string;
}

export interface HostileTarget {
  server: LoopbackServer;
  store: MemoryClientStore;
  tokenState: MemoryTokenStateStore;
  client: Credentials;
  admin: Credentials;
  /** A valid token of `client` for the API (scope records:read). */
  accessToken: string;
  /** A valid admin token (scope clients:admin, audience the issuer). */
  adminToken: string;
  /** Errors that reached the host's error handler. */
  hostErrors: unknown[];
  /** Everything the registry holds, but `lastUsedAt` (a successful authentication's timestamp), as text. */
  registrySnapshot(): Promise<string>;
  close(): Promise<void>;
}

async function register(store: MemoryClientStore, scopes: string[], audiences: string[]): Promise<Credentials> {
  const secret = generateClientSecret();
  const record = await store.create({ name: 'hostile-test', secretHash: hashGeneratedSecret(secret), scopes, audiences });
  return { clientId: record.clientId, secret };
}

export async function hostileTarget(): Promise<HostileTarget> {
  const keys = await Keyring.generate('ES256');
  const store = new MemoryClientStore();
  const tokenState = new MemoryTokenStateStore();
  const revocations = new RevocationList(tokenState, { mode: 'strict' });
  const client = await register(store, ['records:read', 'records:write'], [API_AUDIENCE]);
  const admin = await register(store, ['clients:admin'], [ISSUER]);
  const hostErrors: unknown[] = [];

  const app = express();
  app.set('trust proxy', 'loopback');
  app.use('/oauth2', tokenRouter({ clients: store, keys, issuer: ISSUER, defaultAudience: [API_AUDIENCE], tokenState, revocations }));
  app.use('/oauth2', registrationRouter({ clients: store, auth: { keys, issuer: ISSUER } }));
  app.all(
    '/api/records',
    requireToken({ keys, issuer: ISSUER, audience: API_AUDIENCE, scope: 'records:read', isRevoked: revocations.isRevoked, allowQueryToken: false }),
    (req, res) => {
      res.json({ client_id: req.auth?.clientId });
    },
  );
  const recordHostError: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    hostErrors.push(error);
    res.status(599).end();
  };
  app.use(recordHostError);

  const server = await listenOnLoopback(app);
  const tokenOf = async ({ clientId, secret }: Credentials): Promise<string> => {
    const res = await server.send({
      method: 'POST',
      path: '/oauth2/token',
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: Buffer.from('grant_type=client_credentials'),
    });
    if (res.status !== 200) throw new Error(`could not get a token: ${res.status} ${res.text}`);
    return (JSON.parse(res.text) as { access_token: string }).access_token;
  };

  return {
    server,
    store,
    tokenState,
    client,
    admin,
    accessToken: await tokenOf(client),
    adminToken: await tokenOf(admin),
    hostErrors,
    async registrySnapshot() {
      const { items } = await store.list({ limit: 1000 });
      return JSON.stringify(items.map(({ lastUsedAt: _lastUsedAt, ...rest }) => rest));
    },
    close: () => server.close(),
  };
}

/** Generous: on a busy 2-core machine other suites share the CPU; alone a property takes well under 15 s. */
export const PROPERTY_TIMEOUT_MS = 90_000;

/** A spec file's hostile target, and `Object.prototype` as it was before any request. */
export interface HostileSuite {
  readonly target: HostileTarget;
  readonly fingerprint: string;
}

/**
 * Records the prototype fingerprint and starts a target before the file's tests; closes it after.
 *
 * @example
 * const suite = useHostileTarget();
 * it('…', async () => { await suite.target.server.send(request); });
 */
export function useHostileTarget(): HostileSuite {
  const suite: { target?: HostileTarget; fingerprint?: string } = {};
  beforeAll(async () => {
    suite.fingerprint = prototypeFingerprint();
    suite.target = await hostileTarget();
  });
  afterAll(() => suite.target?.close());
  return {
    get target() {
      if (!suite.target) throw new Error('the hostile target is not started (use it inside tests and hooks)');
      return suite.target;
    },
    get fingerprint() {
      if (suite.fingerprint === undefined) throw new Error('the prototype fingerprint is not taken yet');
      return suite.fingerprint;
    },
  };
}
