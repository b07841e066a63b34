/**
 * The grant registry: `grant_type` → the factory of its grant. Add a grant by adding its file and
 * one entry here; the router builds the enabled ones once, at construction.
 */
import type { GrantType } from '../../clients';
import { clientCredentialsGrant } from './client-credentials';
import type { Grant, GrantDependencies, GrantFactory } from './grant';
import { refreshTokenGrant } from './refresh-token';

export type { Grant, GrantContext, GrantDependencies, GrantFactory, TokenResponse } from './grant';
export { clientCredentialsGrant } from './client-credentials';
export { refreshTokenGrant } from './refresh-token';

export const GRANT_FACTORIES: Readonly<Partial<Record<GrantType, GrantFactory>>> = {
  client_credentials: clientCredentialsGrant,
  refresh_token: refreshTokenGrant,
};

/** The grant types this build can serve (`refresh_token` only with the router's `tokenState`). */
export const SUPPORTED_GRANT_TYPES = Object.keys(GRANT_FACTORIES) as GrantType[];

/**
 * The enabled grants by `grant_type`.
 *
 * @example
 * const grants = buildGrants(['client_credentials'], dependencies);
 * grants.get('client_credentials')?.handle(ctx);
 */
export function buildGrants(types: readonly GrantType[], dependencies: GrantDependencies): ReadonlyMap<string, Grant> {
  const grants = new Map<string, Grant>();
  for (const type of types) {
    const factory = GRANT_FACTORIES[type];
    if (factory) grants.set(type, factory(dependencies));
  }
  return grants;
}
