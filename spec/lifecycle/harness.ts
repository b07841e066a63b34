/**
 * Test harness for the token lifecycle: "an instance" is an Express app with the token router at
 * `/oauth2` (revocation and introspection on) and a demo API at `/api/records` protected by
 * `requireToken` with the instance's own `RevocationList`. Several instances can share one client
 * store, one keyring and one token-state store, as several processes share one MongoDB.
 *
 * `FaultyTokenStateStore` is a real `TokenStateStore` (a `MemoryTokenStateStore` inside) that can
 * be told to fail, and records what it was asked to save; it replaces nothing of the library.
 */
import express from 'express';
import type { Express } from 'express';
import request from 'supertest';
import { requireToken } from '../../lib/bearer';
import type { RequireTokenOptions } from '../../lib/bearer';
import type { Keyring } from '../../lib/keys';
import type {
  NewRefreshToken,
  RefreshTokenRecord,
  RefreshTokenUse,
  RevocationListOptions,
  RevokedAccessToken,
  TokenStateStore,
} from '../../lib/lifecycle';
import { MemoryTokenStateStore, RevocationList } from '../../lib/lifecycle';
import { tokenRouter } from '../../lib/token';
import type { TokenRouterOptions } from '../../lib/token';
import type { FaultInjectingClientStore } from '../support/token-fault-store';
import type { RegisteredClient } from '../support/token-harness';
import { basicAuth, DEFAULT_AUDIENCE, form, ISSUER, registerClient } from '../support/token-harness';

export { DEFAULT_AUDIENCE, ISSUER };

/** A token-state store that can be made to fail, and that keeps a copy of every saved refresh token record. */
export class FaultyTokenStateStore implements TokenStateStore {
  failing = false;
  readonly savedRefreshTokens: NewRefreshToken[] = [];

  constructor(readonly inner: TokenStateStore = new MemoryTokenStateStore()) {}

  revokeAccessToken(entry: Omit<RevokedAccessToken, 'revokedAt'>, now?: Date): Promise<void> {
    return this.call(() => this.inner.revokeAccessToken(entry, now));
  }
  isAccessTokenRevoked(jti: string, now?: Date): Promise<boolean> {
    return this.call(() => this.inner.isAccessTokenRevoked(jti, now));
  }
  revokedSince(since: Date, limit?: number): Promise<RevokedAccessToken[]> {
    return this.call(() => this.inner.revokedSince(since, limit));
  }
  saveRefreshToken(token: NewRefreshToken, now?: Date): Promise<void> {
    return this.call(() => {
      this.savedRefreshTokens.push(structuredClone(token));
      return this.inner.saveRefreshToken(token, now);
    });
  }
  consumeRefreshToken(tokenHash: string, clientId: string, now?: Date): Promise<RefreshTokenUse> {
    return this.call(() => this.inner.consumeRefreshToken(tokenHash, clientId, now));
  }
  findRefreshToken(tokenHash: string, now?: Date): Promise<RefreshTokenRecord | null> {
    return this.call(() => this.inner.findRefreshToken(tokenHash, now));
  }
  revokeRefreshFamily(familyId: string, now?: Date): Promise<void> {
    return this.call(() => this.inner.revokeRefreshFamily(familyId, now));
  }
  revokeClientRefreshTokens(clientId: string, now?: Date): Promise<void> {
    return this.call(() => this.inner.revokeClientRefreshTokens(clientId, now));
  }

  private call<T>(operation: () => Promise<T>): Promise<T> {
    if (this.failing) return Promise.reject(new Error('MongoNetworkError: connect ECONNREFUSED mongodb://admin:hunter2@db'));
    return operation();
  }
}

export interface Shared {
  clients: FaultInjectingClientStore;
  keys: Keyring;
  tokenState: FaultyTokenStateStore;
}

export interface Instance {
  app: Express;
  revocations: RevocationList;
}

export interface InstanceOptions {
  router?: Partial<TokenRouterOptions>;
  revocation?: RevocationListOptions;
  api?: Partial<RequireTokenOptions>;
}

/** One server instance over the shared stores. Its revocation list is started (first load done). */
export async function startInstance(shared: Shared, options: InstanceOptions = {}): Promise<Instance> {
  const revocations = new RevocationList(shared.tokenState, options.revocation);
  await revocations.start();
  const app = express();
  app.use(
    '/oauth2',
    tokenRouter({
      clients: shared.clients,
      keys: shared.keys,
      issuer: ISSUER,
      defaultAudience: [DEFAULT_AUDIENCE],
      tokenState: shared.tokenState,
      revocations,
      ...options.router,
    }),
  );
  app.get(
    '/api/records',
    requireToken({ keys: shared.keys, issuer: ISSUER, audience: DEFAULT_AUDIENCE, isRevoked: revocations.isRevoked, ...options.api }),
    (req, res) => {
      res.json({ clientId: req.auth?.clientId });
    },
  );
  return { app, revocations };
}

/** A client of the shared registry; refresh tokens on unless `grantTypes` says otherwise. */
export function client(shared: Shared, fields: Parameters<typeof registerClient>[1] = {}): Promise<RegisteredClient> {
  return registerClient(shared.clients, { grantTypes: ['client_credentials', 'refresh_token'], ...fields });
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string | undefined;
}

/** A client-credentials token response; fails the test unless it is a 200. */
export async function tokensFor(app: Express, who: RegisteredClient, parameters: Record<string, string> = {}): Promise<TokenPair> {
  const res = await request(app)
    .post('/oauth2/token')
    .set('Authorization', basicAuth(who.clientId, who.secret))
    .type('form')
    .send(form({ grant_type: 'client_credentials', ...parameters }));
  expect(res.status).toBe(200);
  return { accessToken: res.body.access_token as string, refreshToken: res.body.refresh_token as string | undefined };
}

/** `POST /oauth2/<endpoint>` as `who`, with form parameters. */
export function postAs(app: Express, endpoint: string, who: RegisteredClient, parameters: Record<string, string>): request.Test {
  return request(app)
    .post(`/oauth2/${endpoint}`)
    .set('Authorization', basicAuth(who.clientId, who.secret))
    .type('form')
    .send(form(parameters));
}

/** `GET /api/records` with a bearer token. */
export function callApi(app: Express, accessToken: string): request.Test {
  return request(app).get('/api/records').set('Authorization', `Bearer ${accessToken}`);
}
