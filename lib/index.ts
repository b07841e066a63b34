/**
 * express-client-credentials — the public API.
 *
 * - `tokenRouter` (lib/token): the OAuth 2.0 token endpoint for the client credentials grant.
 * - `requireToken` (lib/bearer): the bearer middleware that protects REST routes.
 * - `registrationRouter` (lib/registration): RFC 7591/7592 client management.
 * - `Keyring`, `jwksHandler`, `RemoteJwks` (lib/keys): signing and verification keys.
 * - `MemoryClientStore`, `MongoClientStore` and the secret helpers (lib/clients): the client registry.
 * - `authorizationServerMetadata` (lib/discovery): RFC 8414.
 * - `OAuthError` and friends (lib/errors): the one place errors are rendered.
 * - `MemoryBruteForceLimiter`, `MongoBruteForceLimiter` (lib/hardening): brute-force protection of the token endpoint.
 * - `Logger`, `LOG_REDACT_PATHS` (lib/logging): the optional logger port (a pino logger fits).
 *
 * @example
 * import express from 'express';
 * import { Keyring, MemoryClientStore, requireToken, tokenRouter } from 'express-client-credentials';
 *
 * const app = express();
 * const keys = await Keyring.generate('RS256');
 * app.use('/oauth2', tokenRouter({ clients: new MemoryClientStore(), keys, issuer: 'https://auth.example' }));
 * app.get('/api/records', requireToken({ keys, issuer: 'https://auth.example', audience: 'api', scope: 'records:read' }),
 *   (req, res) => res.json({ client: req.auth?.clientId }));
 */
export * from './errors';
export * from './clients';
export * from './keys';
export * from './bearer';
export * from './token';
export * from './registration';
export * from './discovery/metadata';
export * from './lifecycle';
export * from './hardening';
export * from './logging';
