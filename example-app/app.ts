/**
 * The example app: an ordinary Express app that mounts the token router, the registration API,
 * the JWKS and metadata documents, a demo API and a health check (DESIGN.md, "The example app's contract").
 */
import express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import mongoose from 'mongoose';
import type { ClientStore } from '../lib/clients/client-store';
import { MemoryClientStore } from '../lib/clients/memory-client-store';
import { MongoClientStore } from '../lib/clients/mongo-client-store';
import { Keyring } from '../lib/keys/keyring';
import { jwksHandler } from '../lib/keys/jwks-handler';
import { tokenRouter } from '../lib/token';
import { registrationRouter } from '../lib/registration';
import { authorizationServerMetadata } from '../lib/discovery/metadata';
import { OAuthError, renderOAuthError } from '../lib/errors';
import type { ExampleAppConfig } from './config';
import { demoApi } from './demo-api';
import { ensureBootstrapClient } from './bootstrap';
import type { BootstrapClient } from './bootstrap';
import { loadKeyring } from './keys';

export interface ExampleApp {
  app: Express;
  clients: ClientStore;
  keys: Keyring;
  bootstrap: BootstrapClient;
  /** Closes the database connection, if any. */
  close(): Promise<void>;
}

const HEALTH_TIMEOUT_MS = 2000;

/** What a test or an embedding host may supply instead of what the config describes. */
export interface ExampleAppOverrides {
  clients?: ClientStore;
}

async function openStore(
  config: ExampleAppConfig,
  overrides: ExampleAppOverrides,
): Promise<{ clients: ClientStore; close(): Promise<void> }> {
  if (overrides.clients) return { clients: overrides.clients, close: () => Promise.resolve() };
  if (config.mongodbUri === undefined) {
    return { clients: new MemoryClientStore(), close: () => Promise.resolve() };
  }
  const connection = mongoose.createConnection(config.mongodbUri, { serverSelectionTimeoutMS: 10_000 });
  await connection.asPromise();
  const clients = new MongoClientStore(connection);
  await clients.ensureIndexes();
  return { clients, close: () => connection.close() };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function createExampleApp(
  config: ExampleAppConfig,
  overrides: ExampleAppOverrides = {},
): Promise<ExampleApp> {
  const keys = await loadKeyring(config);
  const store = await openStore(config, overrides);
  const { clients } = store;
  const bootstrap = await ensureBootstrapClient(clients, config);
  const defaultAudience = [config.apiAudience];
  const base = config.issuer.startsWith('http') ? config.issuer.replace(/\/$/, '') : `http://localhost:${config.port}`;

  const app = express();
  app.disable('x-powered-by');

  app.use('/oauth2', tokenRouter({ clients, keys, issuer: config.issuer, defaultAudience }));
  app.use(
    '/oauth2',
    registrationRouter({
      clients,
      auth: { keys, issuer: config.issuer, audience: config.issuer, scope: 'clients:admin' },
    }),
  );
  app.get('/.well-known/jwks.json', jwksHandler(keys));
  app.get(
    '/.well-known/oauth-authorization-server',
    authorizationServerMetadata({
      issuer: config.issuer,
      tokenEndpoint: `${base}/oauth2/token`,
      jwksUri: `${base}/.well-known/jwks.json`,
      registrationEndpoint: `${base}/oauth2/register`,
      grantTypesSupported: ['client_credentials'],
      tokenEndpointAuthMethodsSupported: ['client_secret_basic', 'client_secret_post'],
    }),
  );
  app.use('/api', demoApi({ keys, issuer: config.issuer, audience: config.apiAudience }));

  app.get('/healthz', async (_req, res) => {
    try {
      await withTimeout(clients.ping(), HEALTH_TIMEOUT_MS);
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

  return { app, clients, keys, bootstrap, close: store.close };
}
