/**
 * RFC 8414 — OAuth 2.0 Authorization Server Metadata.
 * Serves `GET /.well-known/oauth-authorization-server`: a JSON document built once, at mount time,
 * from what the server really does. `authorizationServerMetadataFor(router, …)` derives it from a
 * token router's resolved configuration, so an endpoint, a grant or an authentication method is
 * listed exactly when the router serves it.
 */
import type { RequestHandler } from 'express';
import type { CredentialCarrier, TokenRouter, TokenRouterConfig } from '../token';

export interface AuthorizationServerMetadataOptions {
  /** The `iss` of every token; RFC 8414 §2 `issuer`. */
  issuer: string;
  /** Absolute URLs of the endpoints the server serves. */
  tokenEndpoint: string;
  jwksUri: string;
  revocationEndpoint?: string;
  introspectionEndpoint?: string;
  registrationEndpoint?: string;
  grantTypesSupported: readonly string[];
  tokenEndpointAuthMethodsSupported: readonly string[];
  scopesSupported?: readonly string[];
  /** `Cache-Control: max-age` in seconds; 300 by default. */
  maxAgeSeconds?: number;
}

/** The metadata document (RFC 8414 §2 field names). */
export type AuthorizationServerMetadata = Record<string, string | readonly string[]>;

export function buildAuthorizationServerMetadata(
  options: AuthorizationServerMetadataOptions,
): AuthorizationServerMetadata {
  const metadata: AuthorizationServerMetadata = {
    issuer: options.issuer,
    token_endpoint: options.tokenEndpoint,
    jwks_uri: options.jwksUri,
    grant_types_supported: [...options.grantTypesSupported],
    token_endpoint_auth_methods_supported: [...options.tokenEndpointAuthMethodsSupported],
    response_types_supported: [],
  };
  if (options.revocationEndpoint) {
    metadata.revocation_endpoint = options.revocationEndpoint;
    metadata.revocation_endpoint_auth_methods_supported = [...options.tokenEndpointAuthMethodsSupported];
  }
  if (options.introspectionEndpoint) {
    metadata.introspection_endpoint = options.introspectionEndpoint;
    metadata.introspection_endpoint_auth_methods_supported = [...options.tokenEndpointAuthMethodsSupported];
  }
  if (options.registrationEndpoint) metadata.registration_endpoint = options.registrationEndpoint;
  if (options.scopesSupported && options.scopesSupported.length > 0) {
    metadata.scopes_supported = [...options.scopesSupported];
  }
  return metadata;
}

/**
 * An Express handler for `GET /.well-known/oauth-authorization-server`.
 *
 * @example
 * app.get('/.well-known/oauth-authorization-server', authorizationServerMetadata({
 *   issuer: 'https://auth.example.org',
 *   tokenEndpoint: 'https://auth.example.org/oauth2/token',
 *   jwksUri: 'https://auth.example.org/.well-known/jwks.json',
 *   grantTypesSupported: ['client_credentials'],
 *   tokenEndpointAuthMethodsSupported: ['client_secret_basic', 'client_secret_post'],
 * }));
 */
export function authorizationServerMetadata(options: AuthorizationServerMetadataOptions): RequestHandler {
  const body = JSON.stringify(buildAuthorizationServerMetadata(options));
  const cacheControl = `public, max-age=${options.maxAgeSeconds ?? 300}`;
  return (_req, res) => {
    res.set('Cache-Control', cacheControl);
    res.type('application/json').send(body);
  };
}

/** What the router cannot know: where it is mounted, and the documents and endpoints served beside it. */
export interface ServedMetadataOptions {
  /** The absolute URL the token router is mounted at, e.g. `https://as.example/oauth2`. */
  mountUrl: string;
  /** The absolute URL of the JWKS, e.g. `https://as.example/.well-known/jwks.json`. */
  jwksUri: string;
  /** The absolute URL of the registration endpoint, when the registration API is mounted. */
  registrationEndpoint?: string;
  /** The scopes to advertise (RFC 8414 §2: "RECOMMENDED"; servers MAY omit some); none by default. */
  scopesSupported?: readonly string[];
  /** `Cache-Control: max-age` in seconds; 300 by default. */
  maxAgeSeconds?: number;
}

/**
 * RFC 8414 §2 `token_endpoint_auth_methods_supported` for the carriers a router accepts: Basic is
 * `client_secret_basic`; the body is `client_secret_post`, and so are credentials in the query
 * (the same parameters; RFC 6749 registers no other name for them).
 *
 * @example
 * authMethodsFor(['basic', 'body']); // ['client_secret_basic', 'client_secret_post']
 */
export function authMethodsFor(carriers: readonly CredentialCarrier[]): string[] {
  const methods: string[] = [];
  if (carriers.includes('basic')) methods.push('client_secret_basic');
  if (carriers.includes('body') || carriers.includes('query')) methods.push('client_secret_post');
  return methods;
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/**
 * The metadata options of what a token router serves: its token endpoint, its revocation and
 * introspection endpoints when enabled, its enabled grants, its authentication methods.
 *
 * @example
 * const router = tokenRouter({ clients, keys, issuer, tokenState });
 * metadataOptionsFor(router, { mountUrl: 'https://as.example/oauth2', jwksUri: 'https://as.example/.well-known/jwks.json' });
 */
export function metadataOptionsFor(
  router: TokenRouter | TokenRouterConfig,
  options: ServedMetadataOptions,
): AuthorizationServerMetadataOptions {
  const config = 'config' in router ? router.config : router;
  if (typeof options !== 'object' || options === null || typeof options.mountUrl !== 'string' || typeof options.jwksUri !== 'string') {
    throw new TypeError('authorizationServerMetadataFor: options.mountUrl and options.jwksUri must be absolute URLs');
  }
  const metadata: AuthorizationServerMetadataOptions = {
    issuer: config.issuer,
    tokenEndpoint: joinUrl(options.mountUrl, config.path),
    jwksUri: options.jwksUri,
    grantTypesSupported: [...config.grantTypes],
    tokenEndpointAuthMethodsSupported: authMethodsFor(config.wire.credentialCarriers),
  };
  if (config.revocationPath !== undefined) metadata.revocationEndpoint = joinUrl(options.mountUrl, config.revocationPath);
  if (config.introspectionPath !== undefined) metadata.introspectionEndpoint = joinUrl(options.mountUrl, config.introspectionPath);
  if (options.registrationEndpoint !== undefined) metadata.registrationEndpoint = options.registrationEndpoint;
  if (options.scopesSupported !== undefined) metadata.scopesSupported = [...options.scopesSupported];
  if (options.maxAgeSeconds !== undefined) metadata.maxAgeSeconds = options.maxAgeSeconds;
  return metadata;
}

/**
 * An Express handler for `GET /.well-known/oauth-authorization-server` that describes `router`.
 *
 * @example
 * const oauth = tokenRouter({ clients, keys, issuer, tokenState });
 * app.use('/oauth2', oauth);
 * app.get('/.well-known/oauth-authorization-server', authorizationServerMetadataFor(oauth, {
 *   mountUrl: `${issuer}/oauth2`,
 *   jwksUri: `${issuer}/.well-known/jwks.json`,
 *   registrationEndpoint: `${issuer}/oauth2/register`,
 * }));
 */
export function authorizationServerMetadataFor(router: TokenRouter | TokenRouterConfig, options: ServedMetadataOptions): RequestHandler {
  return authorizationServerMetadata(metadataOptionsFor(router, options));
}
