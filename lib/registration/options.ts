/**
 * The registration router's options, checked once at `registrationRouter(options)` time with an
 * error naming the bad option; request handling never re-checks them.
 */
import type { RequestHandler } from 'express';
import type { ClientStore } from '../clients';
import type { VerificationKeySource } from '../keys';
import type { Logger } from '../logging';
import { resolveLogger } from '../logging';
import type { MetadataLimits } from './metadata';
import {
  DEFAULT_MAX_ACCESS_TOKEN_TTL,
  DEFAULT_MAX_REFRESH_TOKEN_TTL,
  DEFAULT_REFRESH_TOKEN_TTL,
  MAX_SCOPE_TOKEN_LENGTH,
} from './metadata';

/** The scope an admin token needs for the registration API unless told otherwise. */
export const CLIENTS_ADMIN_SCOPE = 'clients:admin';
/** The longest grace period a rotated secret may keep working: 30 days. */
export const MAX_SECRET_ROTATION_GRACE_SECONDS = 2_592_000;

/** What the router tells the host after a change (to invalidate a cache, write an audit log, …). */
export interface ClientChangedEvent {
  type: 'created' | 'updated' | 'deleted' | 'secret_rotated';
  clientId: string;
}

/** Builds the bearer check with `requireToken`: tokens this server issued for itself, with the admin scope. */
export interface RegistrationAuthOptions {
  /** The keys that verify admin tokens (normally the token router's keyring). */
  keys: VerificationKeySource;
  /** The `iss` admin tokens must carry. */
  issuer: string;
  /** The `aud` admin tokens must carry; the issuer by default. */
  audience?: string;
  /** The scope admin tokens must carry; `clients:admin` by default. */
  scope?: string;
  /** The realm of `WWW-Authenticate` challenges. */
  realm?: string;
}

export interface RegistrationRouterOptions {
  /** The client registry. */
  clients: ClientStore;
  /** The bearer check run before every registration request (give this or `auth`, not both). */
  protect?: RequestHandler;
  /** Builds `protect` with `requireToken` (give this or `protect`, not both). */
  auth?: RegistrationAuthOptions;
  /** Largest `access_token_ttl` a client may ask for, in seconds; 86400 by default. */
  maxAccessTokenTtl?: number;
  /** Largest `refresh_token_ttl` a client may ask for, in seconds; 2592000 by default. */
  maxRefreshTokenTtl?: number;
  /** Reported as `refresh_token_ttl` for refresh-enabled clients without their own; 86400 by default. */
  defaultRefreshTokenTtl?: number;
  /** How long a rotated-out secret keeps working, in seconds; 0 (not at all) by default. */
  secretRotationGraceSeconds?: number;
  /** When set, the only scopes a client may be given. */
  allowedScopes?: string[];
  /** Largest accepted JSON body, in bytes or as `'16kb'`; 16kb by default. */
  bodyLimit?: number | string;
  /** A store call slower than this is answered 503 `temporarily_unavailable`; 5000 ms by default. */
  storeTimeoutMs?: number;
  /** Called after every successful change; what it throws or rejects with is ignored. */
  onClientChanged?: (event: ClientChangedEvent) => void | Promise<void>;
  /** Logs every change (client id and kind, never a secret) and every 5xx answer; a pino logger fits. */
  logger?: Logger;
}

/** Options after checking, with defaults applied. `protect` is resolved by the router. */
export interface ResolvedRegistrationOptions {
  clients: ClientStore;
  protect?: RequestHandler;
  auth?: Required<Pick<RegistrationAuthOptions, 'keys' | 'issuer' | 'audience' | 'scope'>> & { realm?: string };
  limits: MetadataLimits;
  defaultRefreshTokenTtl: number;
  secretRotationGraceSeconds: number;
  bodyLimit: number | string;
  storeTimeoutMs: number;
  onClientChanged?: (event: ClientChangedEvent) => void | Promise<void>;
  logger?: Logger;
}

const STORE_METHODS = ['findByClientId', 'create', 'update', 'delete', 'list'] as const;
const BODY_LIMIT = /^\d+(?:\.\d+)?\s*(?:b|kb|mb)$/i;
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

function fail(option: string, rule: string): never {
  throw new TypeError(`registrationRouter: options.${option} ${rule}`);
}

function seconds(option: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    fail(option, `must be a whole number of seconds from ${min} to ${max}`);
  }
  return value;
}

function nonEmptyString(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim().length === 0) fail(option, 'must be a non-empty string');
  return value;
}

/**
 * Checks the options and applies the defaults; throws a `TypeError` naming the first bad option.
 *
 * @example
 * resolveRegistrationOptions({ clients: store, protect }); // limits.maxAccessTokenTtl: 86400
 */
export function resolveRegistrationOptions(options: RegistrationRouterOptions): ResolvedRegistrationOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('registrationRouter: options must be an object');
  }
  const { clients } = options;
  if (typeof clients !== 'object' || clients === null || STORE_METHODS.some((method) => typeof clients[method] !== 'function')) {
    fail('clients', 'must be a ClientStore (MemoryClientStore, MongoClientStore or your own)');
  }

  if ((options.protect === undefined) === (options.auth === undefined)) {
    fail('protect', 'or options.auth must be given, and not both');
  }
  if (options.protect !== undefined && typeof options.protect !== 'function') {
    fail('protect', 'must be an Express middleware (req, res, next)');
  }

  const maxAccessTokenTtl = seconds('maxAccessTokenTtl', options.maxAccessTokenTtl, DEFAULT_MAX_ACCESS_TOKEN_TTL, 1, 31_536_000);
  const maxRefreshTokenTtl = seconds('maxRefreshTokenTtl', options.maxRefreshTokenTtl, DEFAULT_MAX_REFRESH_TOKEN_TTL, 1, 31_536_000);
  const defaultRefreshTokenTtl = seconds(
    'defaultRefreshTokenTtl',
    options.defaultRefreshTokenTtl,
    Math.min(DEFAULT_REFRESH_TOKEN_TTL, maxRefreshTokenTtl),
    1,
    maxRefreshTokenTtl,
  );
  const secretRotationGraceSeconds = seconds(
    'secretRotationGraceSeconds',
    options.secretRotationGraceSeconds,
    0,
    0,
    MAX_SECRET_ROTATION_GRACE_SECONDS,
  );

  const limits: MetadataLimits = { maxAccessTokenTtl, maxRefreshTokenTtl };
  if (options.allowedScopes !== undefined) {
    const { allowedScopes } = options;
    const valid =
      Array.isArray(allowedScopes) &&
      allowedScopes.every(
        (scope: unknown) => typeof scope === 'string' && SCOPE_TOKEN.test(scope) && scope.length <= MAX_SCOPE_TOKEN_LENGTH,
      );
    if (!valid) fail('allowedScopes', 'must be an array of RFC 6749 §3.3 scope tokens');
    limits.allowedScopes = [...allowedScopes];
  }

  const bodyLimit = options.bodyLimit ?? '16kb';
  const bodyLimitOk =
    (typeof bodyLimit === 'number' && Number.isSafeInteger(bodyLimit) && bodyLimit > 0) ||
    (typeof bodyLimit === 'string' && BODY_LIMIT.test(bodyLimit.trim()));
  if (!bodyLimitOk) fail('bodyLimit', "must be a positive number of bytes or a size such as '16kb'");

  const storeTimeoutMs = options.storeTimeoutMs ?? 5000;
  if (!Number.isSafeInteger(storeTimeoutMs) || storeTimeoutMs < 1) fail('storeTimeoutMs', 'must be a positive whole number of milliseconds');

  if (options.onClientChanged !== undefined && typeof options.onClientChanged !== 'function') {
    fail('onClientChanged', 'must be a function');
  }

  const resolved: ResolvedRegistrationOptions = {
    clients,
    limits,
    defaultRefreshTokenTtl,
    secretRotationGraceSeconds,
    bodyLimit: typeof bodyLimit === 'string' ? bodyLimit.trim() : bodyLimit,
    storeTimeoutMs,
  };
  if (options.protect !== undefined) resolved.protect = options.protect;
  if (options.auth !== undefined) resolved.auth = resolveAuth(options.auth);
  if (options.onClientChanged !== undefined) resolved.onClientChanged = options.onClientChanged;
  const logger = resolveLogger(options.logger, 'registrationRouter: options.logger');
  if (logger !== undefined) resolved.logger = logger;
  return resolved;
}

function resolveAuth(auth: RegistrationAuthOptions): NonNullable<ResolvedRegistrationOptions['auth']> {
  if (typeof auth !== 'object' || auth === null) fail('auth', 'must be an object { keys, issuer, audience?, scope? }');
  const { keys } = auth;
  if (
    typeof keys !== 'object' ||
    keys === null ||
    typeof keys.getVerificationKey !== 'function' ||
    typeof keys.algorithms !== 'function'
  ) {
    fail('auth.keys', 'must be a VerificationKeySource (a Keyring or a remote JWKS source)');
  }
  const issuer = nonEmptyString('auth.issuer', auth.issuer);
  const resolved: NonNullable<ResolvedRegistrationOptions['auth']> = {
    keys,
    issuer,
    audience: auth.audience === undefined ? issuer : nonEmptyString('auth.audience', auth.audience),
    scope: auth.scope === undefined ? CLIENTS_ADMIN_SCOPE : nonEmptyString('auth.scope', auth.scope),
  };
  if (auth.scope !== undefined && !SCOPE_TOKEN.test(auth.scope)) fail('auth.scope', 'must be one RFC 6749 §3.3 scope token');
  if (auth.realm !== undefined) resolved.realm = nonEmptyString('auth.realm', auth.realm);
  return resolved;
}
