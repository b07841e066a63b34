/**
 * `tokenRouter` options: composed from small named interfaces, validated once at construction
 * (a `TypeError` naming the bad option), resolved with their defaults. Request handling never
 * re-checks them.
 */
import { KeyObject } from 'node:crypto';
import type { ClientStore, GrantType } from '../clients';
import type { BruteForceOptions, BruteForceSettings } from '../hardening/brute-force';
import { resolveBruteForceOptions } from '../hardening/brute-force';
import type { Logger } from '../logging';
import { resolveLogger } from '../logging';
import type { Keyring, SigningPool } from '../keys';
import { SIGNING_ALGORITHMS } from '../keys';
import { RevocationList } from '../lifecycle/revocation-list';
import type { TokenStateStore } from '../lifecycle/token-state-store';
import { SUPPORTED_GRANT_TYPES } from './grants';
import type { TokenHooks } from './hooks';
import {
  assertFunction,
  assertKnownKeys,
  assertNonEmptyString,
  assertPositiveInteger,
  assertStringList,
  assertSubsetList,
} from './validate-option';
import type { WireOptions } from './wire';
import { resolveWireOptions } from './wire';

/** Where clients and keys come from, and who the issuer is. */
export interface TokenSourceOptions {
  /** The client registry. */
  clients: ClientStore;
  /** The keyring whose active key signs every token. */
  keys: Keyring;
  /** The `iss` claim. */
  issuer: string;
  /**
   * Sign on worker threads instead of the main thread (`new SigningPool({ threads })`; RSA pays
   * off, ES256 rarely). The router never closes it: close it when the server stops. A pool that is
   * saturated, closed or failing answers 503 `temporarily_unavailable`.
   */
  signingPool?: AccessTokenSigner;
}

/** What signs access tokens off the main thread: a `SigningPool`, or anything with its `sign`. */
export type AccessTokenSigner = Pick<SigningPool, 'sign'>;

/** Audience and lifetime of access tokens. */
export interface AccessTokenOptions {
  /** The audiences of a client registered with none. */
  defaultAudience?: string[];
  /** Seconds, for a client without its own `accessTokenTtl`; default 600. */
  accessTokenTtl?: number;
  /** Seconds; caps every lifetime; default 86400. */
  maxAccessTokenTtl?: number;
}

/** The HTTP endpoint. */
export interface EndpointOptions {
  /** The route inside the router; default `/token`. */
  path?: string;
  /** The Basic challenge realm; default `oauth2`. */
  realm?: string;
  /** Largest request body (bytes, or `'16kb'`-style); default `'16kb'`. */
  bodyLimit?: string | number;
  /** Milliseconds a store call may take before the answer is 503; default 5000. */
  storeTimeoutMs?: number;
  /** The grant types served; default every grant this build supports (`client_credentials`). */
  grantTypes?: GrantType[];
}

/**
 * What happens to tokens after they are issued: revocation (RFC 7009), introspection (RFC 7662)
 * and refresh tokens (RFC 6749 §6). All of it needs `tokenState`; without it the router serves the
 * token endpoint only.
 */
export interface TokenLifecycleOptions {
  /** Where revoked access tokens and refresh tokens are kept (`MemoryTokenStateStore`, `MongoTokenStateStore`). */
  tokenState?: TokenStateStore;
  /**
   * The revocation list the host's `requireToken` uses (`isRevoked: revocations.isRevoked`): a token
   * revoked here is refused by this process at once. Its store is the `tokenState` (give either or both).
   */
  revocations?: RevocationList;
  /** The revocation endpoint inside the router; default `/revoke`; `false` to serve none. */
  revocationPath?: string | false;
  /** The introspection endpoint inside the router; default `/introspect`; `false` to serve none. */
  introspectionPath?: string | false;
  /** The scope that lets a client introspect any client's tokens; default `token:introspect`. */
  introspectionScope?: string;
  /** Seconds, for a refresh-enabled client without its own `refreshTokenTtl`; default 86400. */
  refreshTokenTtl?: number;
  /** Seconds; caps every refresh token lifetime; default 2592000 (30 days). */
  maxRefreshTokenTtl?: number;
}

export interface TokenRouterHookOptions {
  hooks?: TokenHooks;
}

export interface TokenRouterWireOptions {
  /** What a profile varies; each absent field keeps its RFC default. */
  wire?: Partial<WireOptions>;
}

/** Brute-force protection and logging (lib/hardening, lib/logging). */
export interface TokenRouterHardeningOptions {
  /**
   * Failed client authentications counted per (client id, source address) and per source address;
   * past either limit: 429 with `Retry-After`. On by default (in memory: 10 and 100 failures per
   * 15 minutes); `false` turns it off. The source address is `req.ip`: set the host app's
   * `trust proxy` to match the proxies in front of it.
   */
  bruteForce?: false | BruteForceOptions;
  /** Logs authentication failures, 429s and 503s (a pino logger fits); never a secret or a token. */
  logger?: Logger;
}

export interface TokenRouterOptions
  extends TokenSourceOptions,
    TokenRouterHardeningOptions,
    AccessTokenOptions,
    EndpointOptions,
    TokenLifecycleOptions,
    TokenRouterHookOptions,
    TokenRouterWireOptions {}

/** The options with every default applied. */
export interface TokenRouterConfig {
  clients: ClientStore;
  keys: Keyring;
  signingPool: AccessTokenSigner | undefined;
  issuer: string;
  defaultAudience: readonly string[];
  accessTokenTtl: number;
  maxAccessTokenTtl: number;
  path: string;
  realm: string;
  bodyLimit: string | number;
  storeTimeoutMs: number;
  grantTypes: readonly GrantType[];
  hooks: TokenHooks;
  wire: WireOptions;
  /** Present when token state is kept (given directly or through `revocations`). */
  tokenState: TokenStateStore | undefined;
  revocations: RevocationList | undefined;
  /** `undefined` when the endpoint is not served. */
  revocationPath: string | undefined;
  introspectionPath: string | undefined;
  introspectionScope: string;
  refreshTokenTtl: number;
  maxRefreshTokenTtl: number;
  /** `undefined` when brute-force protection is off. */
  bruteForce: BruteForceSettings | undefined;
  logger: Logger | undefined;
}

export const TOKEN_ROUTER_DEFAULTS = Object.freeze({
  accessTokenTtl: 600,
  maxAccessTokenTtl: 86_400,
  path: '/token',
  realm: 'oauth2',
  bodyLimit: '16kb',
  storeTimeoutMs: 5_000,
  revocationPath: '/revoke',
  introspectionPath: '/introspect',
  introspectionScope: 'token:introspect',
  refreshTokenTtl: 86_400,
  maxRefreshTokenTtl: 2_592_000,
});

const OPTION_KEYS: readonly (keyof TokenRouterOptions)[] = [
  'clients',
  'keys',
  'signingPool',
  'issuer',
  'defaultAudience',
  'accessTokenTtl',
  'maxAccessTokenTtl',
  'path',
  'realm',
  'bodyLimit',
  'storeTimeoutMs',
  'grantTypes',
  'hooks',
  'wire',
  'tokenState',
  'revocations',
  'revocationPath',
  'introspectionPath',
  'introspectionScope',
  'refreshTokenTtl',
  'maxRefreshTokenTtl',
  'bruteForce',
  'logger',
];

const ONE_YEAR_SECONDS = 365 * 86_400;
/** setTimeout's largest delay. */
const MAX_TIMEOUT_MS = 2_147_483_647;
const BYTE_SIZE = /^\d+(?:\.\d+)?\s*(?:b|kb|mb|gb)?$/i;
const ROUTE_PATH = /^\/[A-Za-z0-9._~/-]*$/;
const STORE_METHODS = ['findByClientId', 'markUsed'] as const;
const TOKEN_STATE_METHODS = [
  'revokeAccessToken',
  'isAccessTokenRevoked',
  'revokedSince',
  'saveRefreshToken',
  'consumeRefreshToken',
  'findRefreshToken',
  'revokeRefreshFamily',
] as const;
/** RFC 6749 §3.3 scope-token. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Validates `options` and applies the defaults; throws a `TypeError` naming the bad option.
 *
 * @example
 * const config = resolveTokenRouterOptions({ clients, keys, issuer: 'https://auth.example' });
 * config.accessTokenTtl; // 600
 */
export function resolveTokenRouterOptions(options: TokenRouterOptions): TokenRouterConfig {
  if (typeof options !== 'object' || options === null) throw new TypeError('tokenRouter: options must be an object');
  assertKnownKeys(options, OPTION_KEYS, 'options');

  const { clients, keys, issuer } = options;
  if (typeof clients !== 'object' || clients === null || !STORE_METHODS.every((m) => typeof clients[m] === 'function')) {
    throw new TypeError('tokenRouter: options.clients must be a ClientStore');
  }
  assertSigningKeys(keys);
  const { signingPool } = options;
  if (signingPool !== undefined && (typeof signingPool !== 'object' || signingPool === null || typeof signingPool.sign !== 'function')) {
    throw new TypeError('tokenRouter: options.signingPool must be a SigningPool');
  }
  assertNonEmptyString(issuer, 'options.issuer');

  const defaultAudience = options.defaultAudience ?? [];
  if (options.defaultAudience !== undefined) assertStringList(options.defaultAudience, 'options.defaultAudience');

  const maxAccessTokenTtl = options.maxAccessTokenTtl ?? TOKEN_ROUTER_DEFAULTS.maxAccessTokenTtl;
  assertPositiveInteger(maxAccessTokenTtl, 'options.maxAccessTokenTtl', ONE_YEAR_SECONDS, 'seconds');
  const accessTokenTtl = options.accessTokenTtl ?? Math.min(TOKEN_ROUTER_DEFAULTS.accessTokenTtl, maxAccessTokenTtl);
  assertPositiveInteger(accessTokenTtl, 'options.accessTokenTtl', maxAccessTokenTtl, 'seconds (at most options.maxAccessTokenTtl)');

  const path = options.path ?? TOKEN_ROUTER_DEFAULTS.path;
  if (typeof path !== 'string' || !ROUTE_PATH.test(path)) {
    throw new TypeError("tokenRouter: options.path must be a literal path starting with '/'");
  }
  const realm = options.realm ?? TOKEN_ROUTER_DEFAULTS.realm;
  assertNonEmptyString(realm, 'options.realm');

  const bodyLimit = options.bodyLimit ?? TOKEN_ROUTER_DEFAULTS.bodyLimit;
  const validLimit =
    (typeof bodyLimit === 'number' && Number.isInteger(bodyLimit) && bodyLimit > 0) ||
    (typeof bodyLimit === 'string' && BYTE_SIZE.test(bodyLimit));
  if (!validLimit) throw new TypeError("tokenRouter: options.bodyLimit must be a positive number of bytes or a size such as '16kb'");

  const storeTimeoutMs = options.storeTimeoutMs ?? TOKEN_ROUTER_DEFAULTS.storeTimeoutMs;
  assertPositiveInteger(storeTimeoutMs, 'options.storeTimeoutMs', MAX_TIMEOUT_MS, 'milliseconds');

  const lifecycle = resolveLifecycle(options, path);
  const grantTypes: GrantType[] = options.grantTypes ?? (lifecycle.tokenState ? SUPPORTED_GRANT_TYPES : ['client_credentials']);
  assertSubsetList(grantTypes, SUPPORTED_GRANT_TYPES, 'options.grantTypes');
  if (grantTypes.includes('refresh_token') && !lifecycle.tokenState) {
    throw new TypeError("tokenRouter: options.grantTypes includes 'refresh_token', which needs options.tokenState");
  }

  const hooks = options.hooks ?? {};
  if (typeof hooks !== 'object' || hooks === null) throw new TypeError('tokenRouter: options.hooks must be an object');
  assertKnownKeys(hooks, ['onTokenIssued', 'onAuthenticationFailed'], 'options.hooks');
  const hookEntries = hooks as Record<string, unknown>;
  assertFunction(hookEntries.onTokenIssued, 'options.hooks.onTokenIssued', { optional: true });
  assertFunction(hookEntries.onAuthenticationFailed, 'options.hooks.onAuthenticationFailed', { optional: true });

  return Object.freeze({
    clients,
    keys,
    signingPool,
    issuer,
    defaultAudience: Object.freeze([...new Set(defaultAudience)]),
    accessTokenTtl,
    maxAccessTokenTtl,
    path,
    realm,
    bodyLimit,
    storeTimeoutMs,
    grantTypes: Object.freeze([...new Set(grantTypes)]),
    hooks,
    wire: resolveWireOptions(options.wire),
    ...lifecycle,
    bruteForce: resolveBruteForceOptions(options.bruteForce, 'tokenRouter: options.bruteForce'),
    logger: resolveLogger(options.logger, 'tokenRouter: options.logger'),
  });
}

type LifecycleConfig = Pick<
  TokenRouterConfig,
  | 'tokenState'
  | 'revocations'
  | 'revocationPath'
  | 'introspectionPath'
  | 'introspectionScope'
  | 'refreshTokenTtl'
  | 'maxRefreshTokenTtl'
>;

/** The token-state options: a store (directly or as the revocation list's), endpoint paths, lifetimes. */
function resolveLifecycle(options: TokenRouterOptions, tokenPath: string): LifecycleConfig {
  const { revocations } = options;
  if (revocations !== undefined && !(revocations instanceof RevocationList)) {
    throw new TypeError('tokenRouter: options.revocations must be a RevocationList');
  }
  const tokenState = options.tokenState ?? revocations?.store;
  if (tokenState !== undefined) {
    const valid =
      typeof tokenState === 'object' &&
      tokenState !== null &&
      TOKEN_STATE_METHODS.every((method) => typeof tokenState[method] === 'function');
    if (!valid) throw new TypeError('tokenRouter: options.tokenState must be a TokenStateStore');
  }
  if (revocations && options.tokenState !== undefined && revocations.store !== options.tokenState) {
    throw new TypeError('tokenRouter: options.revocations must be a RevocationList over options.tokenState');
  }

  const endpointPath = (name: 'revocationPath' | 'introspectionPath'): string | undefined => {
    const value = options[name];
    if (value === false) return undefined;
    if (value !== undefined && (typeof value !== 'string' || !ROUTE_PATH.test(value))) {
      throw new TypeError(`tokenRouter: options.${name} must be a literal path starting with '/', or false`);
    }
    if (value !== undefined && tokenState === undefined) {
      throw new TypeError(`tokenRouter: options.${name} needs options.tokenState`);
    }
    return tokenState === undefined ? undefined : (value ?? TOKEN_ROUTER_DEFAULTS[name]);
  };
  const revocationPath = endpointPath('revocationPath');
  const introspectionPath = endpointPath('introspectionPath');
  const paths = [tokenPath, revocationPath, introspectionPath].filter((p) => p !== undefined);
  if (new Set(paths).size !== paths.length) {
    throw new TypeError('tokenRouter: options.path, options.revocationPath and options.introspectionPath must differ');
  }

  const introspectionScope = options.introspectionScope ?? TOKEN_ROUTER_DEFAULTS.introspectionScope;
  if (typeof introspectionScope !== 'string' || !SCOPE_TOKEN.test(introspectionScope)) {
    throw new TypeError('tokenRouter: options.introspectionScope must be one RFC 6749 §3.3 scope token');
  }
  const maxRefreshTokenTtl = options.maxRefreshTokenTtl ?? TOKEN_ROUTER_DEFAULTS.maxRefreshTokenTtl;
  assertPositiveInteger(maxRefreshTokenTtl, 'options.maxRefreshTokenTtl', ONE_YEAR_SECONDS, 'seconds');
  const refreshTokenTtl = options.refreshTokenTtl ?? Math.min(TOKEN_ROUTER_DEFAULTS.refreshTokenTtl, maxRefreshTokenTtl);
  assertPositiveInteger(refreshTokenTtl, 'options.refreshTokenTtl', maxRefreshTokenTtl, 'seconds (at most options.maxRefreshTokenTtl)');

  return {
    tokenState,
    revocations,
    revocationPath,
    introspectionPath,
    introspectionScope,
    refreshTokenTtl,
    maxRefreshTokenTtl,
  };
}

/** The keyring must yield an active signing key: `{ kid, alg, key: KeyObject }`. */
function assertSigningKeys(keys: unknown): void {
  const message = 'tokenRouter: options.keys must be a Keyring with an active signing key';
  if (typeof keys !== 'object' || keys === null) throw new TypeError(message);
  let signingKey: unknown;
  try {
    signingKey = (keys as { signingKey?: unknown }).signingKey;
  } catch {
    throw new TypeError(message);
  }
  const key = signingKey as { kid?: unknown; alg?: unknown; key?: unknown } | undefined;
  const valid =
    typeof key === 'object' &&
    key !== null &&
    typeof key.kid === 'string' &&
    (SIGNING_ALGORITHMS as readonly unknown[]).includes(key.alg) &&
    key.key instanceof KeyObject;
  if (!valid) throw new TypeError(message);
}
