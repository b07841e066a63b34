/**
 * Verification keys fetched from another server's JWKS (RFC 7517 §5), for a resource server that
 * runs apart from the authorization server (RFC 9068 §4: keys found through the issuer's `jwks_uri`).
 *
 * Built on jwks-rsa: keys are cached per `kid` (`cacheMaxAge`), fetches are rate limited, and a
 * `kid` not seen before triggers a fetch, so a rotation on the issuer side is followed without a
 * restart. The accepted algorithms are an explicit allow-list (never HS*: a public JWKS cannot hold
 * a shared secret). Each fetched key is parsed once into a `KeyObject`.
 */
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import JwksRsa from 'jwks-rsa';
import { KeySourceUnavailableError } from './errors';
import { assertKeyFitsAlgorithm } from './key-material';
import type { SigningAlgorithm, VerificationKey, VerificationKeySource } from './types';

export const REMOTE_JWKS_DEFAULT_ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'PS256', 'ES256'];

export interface JwksCacheOptions {
  /** How long a fetched key is trusted before it is fetched again (ms); 10 minutes by default. */
  cacheMaxAge?: number;
  /** How many kids are cached; 16 by default. */
  cacheMaxEntries?: number;
}

export interface JwksRateLimitOptions {
  /** Rate-limit fetches of the JWKS (an unknown kid costs a fetch); on by default. */
  rateLimit?: boolean;
  /** Fetches allowed per minute when rate limited; 10 by default. */
  jwksRequestsPerMinute?: number;
}

export interface JwksRequestOptions {
  /** Request timeout (ms); 5000 by default. */
  timeout?: number;
  requestHeaders?: Record<string, string>;
  requestAgent?: HttpAgent | HttpsAgent;
  /** Allow a plain `http:` jwksUri that is not a loopback address (keys fetched without TLS can be forged). */
  allowInsecureHttp?: boolean;
}

export interface RemoteJwksOptions extends JwksCacheOptions, JwksRateLimitOptions, JwksRequestOptions {
  /** Where the issuer publishes its JWKS, e.g. `https://as.example/.well-known/jwks.json`. */
  jwksUri: string;
  /** The algorithms accepted; `['RS256', 'PS256', 'ES256']` by default. HS256 is refused. */
  algorithms?: SigningAlgorithm[];
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function checkJwksUri(jwksUri: unknown, allowInsecureHttp: boolean): string {
  if (typeof jwksUri !== 'string') throw new TypeError('jwksUri must be an absolute https URL.');
  let url: URL;
  try {
    url = new URL(jwksUri);
  } catch {
    throw new TypeError('jwksUri must be an absolute https URL.');
  }
  if (url.protocol === 'https:') return jwksUri;
  if (url.protocol === 'http:' && (allowInsecureHttp || LOOPBACK_HOSTS.has(url.hostname))) return jwksUri;
  throw new TypeError('jwksUri must be an https URL (plain http only for loopback, or with allowInsecureHttp).');
}

function checkAlgorithms(algorithms: unknown): readonly SigningAlgorithm[] {
  if (algorithms === undefined) return REMOTE_JWKS_DEFAULT_ALGORITHMS;
  const ok =
    Array.isArray(algorithms) &&
    algorithms.length > 0 &&
    algorithms.every((alg) => REMOTE_JWKS_DEFAULT_ALGORITHMS.includes(alg as SigningAlgorithm));
  if (!ok) throw new TypeError(`algorithms must be a non-empty list of ${REMOTE_JWKS_DEFAULT_ALGORITHMS.join(', ')}.`);
  return [...new Set(algorithms as SigningAlgorithm[])];
}

function checkPositive(name: string, value: number | undefined, fallback: number): number {
  const result = value ?? fallback;
  if (!Number.isInteger(result) || result <= 0) throw new RangeError(`${name} must be a positive whole number.`);
  return result;
}

/**
 * A `VerificationKeySource` backed by a remote JWKS.
 *
 * @example
 * const keys = new RemoteJwks({ jwksUri: 'https://as.example/.well-known/jwks.json' });
 * app.use('/api', requireToken({ keys, issuer: 'https://as.example', audience: 'api' }));
 */
export class RemoteJwks implements VerificationKeySource {
  private readonly client: JwksRsa.JwksClient;
  private readonly allowed: readonly SigningAlgorithm[];
  /** Each key jwks-rsa hands out, parsed once (a refetch hands out new objects, parsed once again). */
  private readonly parsed = new WeakMap<JwksRsa.SigningKey, KeyObject>();

  constructor(options: RemoteJwksOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('RemoteJwks needs options with a jwksUri.');
    const jwksUri = checkJwksUri(options.jwksUri, options.allowInsecureHttp === true);
    this.allowed = checkAlgorithms(options.algorithms);
    this.client = new JwksRsa.JwksClient({
      jwksUri,
      cache: true,
      cacheMaxAge: checkPositive('cacheMaxAge', options.cacheMaxAge, 600_000),
      cacheMaxEntries: checkPositive('cacheMaxEntries', options.cacheMaxEntries, 16),
      rateLimit: options.rateLimit ?? true,
      jwksRequestsPerMinute: checkPositive('jwksRequestsPerMinute', options.jwksRequestsPerMinute, 10),
      timeout: checkPositive('timeout', options.timeout, 5000),
      ...(options.requestHeaders ? { requestHeaders: options.requestHeaders } : {}),
      ...(options.requestAgent ? { requestAgent: options.requestAgent } : {}),
    });
  }

  algorithms(): readonly SigningAlgorithm[] {
    return this.allowed;
  }

  /**
   * The key for `kid`, fetched (or refetched, for a kid not seen before) from the JWKS. With no kid,
   * the key only when the JWKS holds exactly one. A JWK whose `alg` differs from `alg`, or whose
   * type cannot serve `alg`, is no match. Throws `KeySourceUnavailableError` when the JWKS cannot be
   * fetched.
   */
  async getVerificationKey(kid: string | undefined, alg: string | undefined): Promise<VerificationKey | undefined> {
    const wanted = this.allowed.find((allowed) => allowed === alg);
    if (!wanted) return undefined;
    let signingKey: JwksRsa.SigningKey;
    try {
      signingKey = await this.client.getSigningKey(kid);
    } catch (error) {
      if (error instanceof JwksRsa.SigningKeyNotFoundError || error instanceof JwksRsa.JwksRateLimitError) {
        return undefined;
      }
      throw new KeySourceUnavailableError('The JWKS could not be fetched.');
    }
    if (signingKey.alg !== undefined && signingKey.alg !== wanted) return undefined;
    const key = this.keyObjectOf(signingKey);
    try {
      assertKeyFitsAlgorithm(key, wanted);
    } catch {
      return undefined;
    }
    return { kid: signingKey.kid ?? kid ?? '', alg: wanted, key };
  }

  private keyObjectOf(signingKey: JwksRsa.SigningKey): KeyObject {
    let key = this.parsed.get(signingKey);
    if (!key) {
      key = createPublicKey(signingKey.getPublicKey());
      this.parsed.set(signingKey, key);
    }
    return key;
  }
}
