/**
 * RFC 8414 — OAuth 2.0 Authorization Server Metadata.
 * Serves `GET /.well-known/oauth-authorization-server`: a JSON document built once, at mount time,
 * from what the server really does.
 */
import type { RequestHandler } from 'express';

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
