/**
 * The example app: an ordinary Express app that mounts the token router (with revocation,
 * introspection and refresh tokens), the registration and key-administration APIs, the JWKS and
 * metadata documents, the chosen wire profile, a demo API and a health check
 * (DESIGN.md, "The example app's contract").
 */
import express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import mongoose from 'mongoose';
import type { Connection } from 'mongoose';
import type { ClientStore } from '../lib/clients';
import { MemoryClientStore, MongoClientStore, withStoreDeadline } from '../lib/clients';
import type { Keyring } from '../lib/keys';
import { KeyringSync, MongoKeyStore, SigningPool, jwksHandler } from '../lib/keys';
import type { TokenStateStore } from '../lib/lifecycle';
import { MemoryTokenStateStore, MongoTokenStateStore, RevocationList, keyAdminRouter } from '../lib/lifecycle';
import type { BruteForceLimiter } from '../lib/hardening';
import { MemoryBruteForceLimiter, MongoBruteForceLimiter } from '../lib/hardening';
import type { Logger } from '../lib/logging';
import { tokenRouter } from '../lib/token';
import type { TokenHooks } from '../lib/token';
import { registrationRouter } from '../lib/registration';
import type { ClientChangedEvent } from '../lib/registration';
import { authorizationServerMetadataFor } from '../lib/discovery';
import { OAuthError, renderOAuthError } from '../lib/errors';
import type { ExampleAppConfig } from './config';
import { demoApi } from './demo-api';
import { ensureBootstrapClient } from './bootstrap';
import type { BootstrapClient } from './bootstrap';
import { loadKeyring } from './keys';
import { mountProfile } from './profiles';

export interface ExampleApp {
  app: Express;
  clients: ClientStore;
  tokenState: TokenStateStore;
  revocations: RevocationList;
  keys: Keyring;
  bootstrap: BootstrapClient;
  /** Stops background polling and closes the database connection, if any. */
  close: () => Promise<void>;
}

/** What a test or an embedding host may supply instead of what the config describes. */
export interface ExampleAppOverrides {
  clients?: ClientStore;
  tokenState?: TokenStateStore;
  /** Given to the token router, the registration API and the demo API (a pino logger fits). */
  logger?: Logger;
  /** The token endpoint's audit hooks. */
  tokenHooks?: TokenHooks;
}

const HEALTH_TIMEOUT_MS = 2000;
const ADMIN_SCOPE = 'clients:admin';

interface Stores {
  connection: Connection | undefined;
  clients: ClientStore;
  tokenState: TokenStateStore;
  /** Failed-authentication counters, shared by every token endpoint of the app (and, on MongoDB, every instance). */
  limiter: BruteForceLimiter;
}

async function openStores(config: ExampleAppConfig, overrides: ExampleAppOverrides): Promise<Stores> {
  if (config.mongodbUri === undefined || overrides.clients) {
    return {
      connection: undefined,
      clients: overrides.clients ?? new MemoryClientStore(),
      tokenState: overrides.tokenState ?? new MemoryTokenStateStore(),
      limiter: new MemoryBruteForceLimiter(),
    };
  }
  const connection = mongoose.createConnection(config.mongodbUri, { serverSelectionTimeoutMS: 10_000 });
  await connection.asPromise();
  const clients = await MongoClientStore.init(connection);
  const tokenState = new MongoTokenStateStore(connection);
  await tokenState.ensureIndexes();
  const limiter = new MongoBruteForceLimiter(connection);
  await limiter.ensureIndexes();
  return { connection, clients, tokenState, limiter };
}

/**
 * The signing keys. With MongoDB and a `KEY_ENCRYPTION_KEY`, they live in the shared key store
 * (`oauth_signing_keys`, private keys encrypted) so every instance and the CLI see one rotation;
 * otherwise they live in this process and rotate through the admin API only.
 */
async function openKeys(config: ExampleAppConfig, connection: Connection | undefined) {
  const keyring = await loadKeyring(config);
  if (connection === undefined || config.keyEncryptionKey === undefined) return { keys: keyring, sync: undefined };
  const store = new MongoKeyStore(connection, { keyEncryptionKey: config.keyEncryptionKey });
  await store.ensureIndexes();
  const sync = await KeyringSync.open({ store, keyring });
  return { keys: sync.keyring, sync };
}

export async function createExampleApp(
  config: ExampleAppConfig,
  overrides: ExampleAppOverrides = {},
): Promise<ExampleApp> {
  const { connection, clients, tokenState, limiter } = await openStores(config, overrides);
  const bruteForce = { limiter };
  const { keys, sync } = await openKeys(config, connection);
  const bootstrap = await ensureBootstrapClient(clients, config);
  const revocations = new RevocationList(tokenState);
  await revocations.start();

  const { issuer } = config;
  const defaultAudience = [config.apiAudience];
  const base = issuer.startsWith('http') ? issuer.replace(/\/$/, '') : `http://localhost:${config.port}`;
  const adminAuth = { keys, issuer, audience: issuer, scope: ADMIN_SCOPE, isRevoked: revocations.isRevoked };

  /** A deleted client, or one whose secret was rotated, keeps no refresh token. */
  const forgetRefreshTokens = async (event: ClientChangedEvent) => {
    if (event.type === 'deleted' || event.type === 'secret_rotated') {
      await tokenState.revokeClientRefreshTokens(event.clientId);
    }
  };

  const app = express();
  app.disable('x-powered-by');

  const logging = overrides.logger ? { logger: overrides.logger } : {};
  const hooks = overrides.tokenHooks ? { hooks: overrides.tokenHooks } : {};
  const signingPool = config.signingThreads > 0 ? new SigningPool({ threads: config.signingThreads }) : undefined;
  const signing = signingPool ? { signingPool } : {};
  const oauth = tokenRouter({ clients, keys, issuer, defaultAudience, tokenState, revocations, bruteForce, ...signing, ...logging, ...hooks });
  app.use('/oauth2', oauth);
  app.use('/oauth2', registrationRouter({ clients, auth: adminAuth, onClientChanged: forgetRefreshTokens, ...logging }));
  app.use('/oauth2', keyAdminRouter({ keys: sync ? sync.administration : keys, auth: adminAuth }));
  app.get('/.well-known/jwks.json', jwksHandler(keys));
  app.get(
    '/.well-known/oauth-authorization-server',
    authorizationServerMetadataFor(oauth, {
      mountUrl: `${base}/oauth2`,
      jwksUri: `${base}/.well-known/jwks.json`,
      registrationEndpoint: `${base}/oauth2/register`,
    }),
  );

  const { bearer } = mountProfile(app, config.profile, {
    clients,
    keys,
    issuer,
    defaultAudience,
    tokenState,
    revocations,
    bruteForce,
    ...signing,
  });
  app.use('/api', demoApi({ keys, issuer, audience: config.apiAudience, bearer: { ...bearer, ...logging } }));

  app.get('/healthz', async (_req, res) => {
    try {
      await withStoreDeadline(() => clients.ping(), HEALTH_TIMEOUT_MS);
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });

  app.use((_req: Request, res: Response) => {
    renderOAuthError(res, new OAuthError('not_found', 'No such route.'));
  });
  // The last word on anything a route let through: a clean JSON error, never a stack trace.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : 500;
    const clientError = Number.isInteger(status) && status >= 400 && status < 500;
    renderOAuthError(
      res,
      clientError ? new OAuthError('invalid_request', 'The request could not be read.', { status }) : error,
    );
  });

  const close = async () => {
    revocations.stop();
    sync?.stop();
    await signingPool?.close();
    await connection?.close();
  };
  return { app, clients, tokenState, revocations, keys, bootstrap, close };
}
