/**
 * An Express app with the real registration router mounted at `/oauth2`, a real
 * `MemoryClientStore`, a real `Keyring` and admin tokens signed with it. A host error handler
 * after the router records anything that reaches it (nothing should).
 */
import express from 'express';
import type { ErrorRequestHandler } from 'express';
import { MemoryClientStore } from '../../lib/clients';
import type { ClientStore } from '../../lib/clients';
import { Keyring } from '../../lib/keys/keyring';
import type { RegistrationRouterOptions } from '../../lib/registration';
import { registrationRouter } from '../../lib/registration';
import { TEST_ISSUER, tokenFor } from '../support/keys';

export const ISSUER = TEST_ISSUER;
export const ADMIN_SCOPE = 'clients:admin';

export interface RegistrationApp {
  app: express.Express;
  store: ClientStore;
  keyring: Keyring;
  /** A valid admin token: scope `clients:admin`, audience the issuer. */
  adminToken: string;
  /** Errors that reached the host's error handler. */
  hostErrors: unknown[];
}

let sharedKeyring: Promise<Keyring> | undefined;

/** One ES256 keyring per test file (generating keys is the slow part). */
export function testKeyring(): Promise<Keyring> {
  sharedKeyring ??= Keyring.generate('ES256');
  return sharedKeyring;
}

/** An admin token from `keyring`, with claim overrides. */
export function adminTokenFor(keyring: Keyring, overrides: Record<string, unknown> = {}): string {
  return tokenFor(keyring, { sub: 'admin', client_id: 'admin', aud: ISSUER, scope: ADMIN_SCOPE, ...overrides });
}

export async function registrationApp(
  options: Partial<RegistrationRouterOptions> = {},
  store: ClientStore = new MemoryClientStore(),
): Promise<RegistrationApp> {
  const keyring = await testKeyring();
  const hostErrors: unknown[] = [];
  const app = express();
  const routerOptions: RegistrationRouterOptions = { clients: store, ...options };
  if (routerOptions.protect === undefined && routerOptions.auth === undefined) {
    routerOptions.auth = { keys: keyring, issuer: ISSUER };
  }
  app.use('/oauth2', registrationRouter(routerOptions));
  const recordHostError: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    hostErrors.push(error);
    res.status(599).end();
  };
  app.use(recordHostError);
  return { app, store, keyring, adminToken: adminTokenFor(keyring), hostErrors };
}

/** Every string anywhere in a JSON value. */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(allStrings);
  return [];
}

/** Whether a JSON value holds a secret hash anywhere. */
export function holdsSecretHash(value: unknown): boolean {
  return allStrings(value).some((text) => text.startsWith('sha256$') || text.startsWith('scrypt$'));
}
