/**
 * `tokenRouter` options: composed from small named interfaces, validated once at construction
 * (a `TypeError` naming the bad option), resolved with their defaults. Request handling never
 * re-checks them.
 */
import { KeyObject } from 'node:crypto';
import type { ClientStore, GrantType } from '../clients';
import type { Keyring } from '../keys';
import { SIGNING_ALGORITHMS } from '../keys';
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
}

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

export interface TokenRouterHookOptions {
  hooks?: TokenHooks;
}

export interface TokenRouterWireOptions {
  /** What a profile varies; each absent field keeps its RFC default. */
  wire?: Partial<WireOptions>;
}

export interface TokenRouterOptions
  extends TokenSourceOptions,
    AccessTokenOptions,
    EndpointOptions,
    TokenRouterHookOptions,
    TokenRouterWireOptions {}

/** The options with every default applied. */
export interface TokenRouterConfig {
  clients: ClientStore;
  keys: Keyring;
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
}

export const TOKEN_ROUTER_DEFAULTS = Object.freeze({
  accessTokenTtl: 600,
  maxAccessTokenTtl: 86_400,
  path: '/token',
  realm: 'oauth2',
  bodyLimit: '16kb',
  storeTimeoutMs: 5_000,
});

const OPTION_KEYS: readonly (keyof TokenRouterOptions)[] = [
  'clients',
  'keys',
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
];

const ONE_YEAR_SECONDS = 365 * 86_400;
/** setTimeout's largest delay. */
const MAX_TIMEOUT_MS = 2_147_483_647;
const BYTE_SIZE = /^\d+(?:\.\d+)?\s*(?:b|kb|mb|gb)?$/i;
const ROUTE_PATH = /^\/[A-Za-z0-9._~/-]*$/;
const STORE_METHODS = ['findByClientId', 'markUsed'] as const;

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

  const grantTypes = options.grantTypes ?? SUPPORTED_GRANT_TYPES;
  assertSubsetList(grantTypes, SUPPORTED_GRANT_TYPES, 'options.grantTypes');

  const hooks = options.hooks ?? {};
  if (typeof hooks !== 'object' || hooks === null) throw new TypeError('tokenRouter: options.hooks must be an object');
  assertKnownKeys(hooks, ['onTokenIssued', 'onAuthenticationFailed'], 'options.hooks');
  const hookEntries = hooks as Record<string, unknown>;
  assertFunction(hookEntries.onTokenIssued, 'options.hooks.onTokenIssued', { optional: true });
  assertFunction(hookEntries.onAuthenticationFailed, 'options.hooks.onAuthenticationFailed', { optional: true });

  return Object.freeze({
    clients,
    keys,
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
  });
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
