/**
 * Wire profiles: presets that make the token endpoint speak like one seed system (DESIGN.md,
 * "Profiles"), the registry `profiles` keyed by the names the example app's `PROFILE` takes, and
 * `profileTokenRouter`, which builds a profile's token endpoint from the shared `tokenRouter`.
 */
import type { Router } from 'express';
import type { TokenRouterOptions } from '../token';
import { tokenRouter } from '../token';
import { aidboxProfile } from './aidbox';
import { g2pConnectProfile } from './g2p-connect';
import { oauth2Profile } from './oauth2';
import { openCrvsV1Profile, openCrvsV2Profile } from './opencrvs';
import type { Profile, ProfileName } from './profile';
import { screeningEagleProfile } from './screening-eagle';

export type { Profile, ProfileBearerOptions, ProfileExtrasContext, ProfileName } from './profile';
export { PROFILE_NAMES } from './profile';
export { oauth2Profile } from './oauth2';
export { OPENCRVS_ISSUER, openCrvsV1Profile, openCrvsV2Profile } from './opencrvs';
export { checkTimestamp, echoMessageId, g2pConnectProfile } from './g2p-connect';
export { aidboxExtras, aidboxProfile } from './aidbox';
export type { SessionRouterOptions } from './aidbox-session';
export { sessionRouter } from './aidbox-session';
export { screeningEagleErrorBody, screeningEagleErrorStatus, screeningEagleProfile } from './screening-eagle';
export { parseHttpDate } from './http-date';

/** Every profile by name. */
export const profiles: Readonly<Record<ProfileName, Profile>> = Object.freeze({
  oauth2: oauth2Profile,
  'opencrvs-v1': openCrvsV1Profile,
  'opencrvs-v2': openCrvsV2Profile,
  'g2p-connect': g2pConnectProfile,
  aidbox: aidboxProfile,
  'screening-eagle': screeningEagleProfile,
});

/**
 * `tokenRouter` options without the parts a profile decides (`path`); `issuer` falls back to the
 * profile's `defaultIssuer`; `wire` overrides single wire options of the profile.
 */
export type ProfileTokenRouterOptions = Omit<TokenRouterOptions, 'path' | 'issuer'> & { issuer?: string };

/**
 * The profile's token endpoint: a router serving `profile.tokenPath`, to mount at the app's root.
 * The host's `accessTokenTtl` and `grantTypes` win over the profile's; its `wire` options are laid
 * over the profile's. With `tokenState`, refresh tokens work (for the grants the profile serves)
 * but no revocation or introspection endpoint is served unless `revocationPath` or
 * `introspectionPath` asks for one (the seed systems have none; the host's `/oauth2` router does). Throws a `TypeError` for a keyring whose active key uses an algorithm the
 * profile's system does not (OpenCRVS: RS256), or for any bad option (as `tokenRouter` does).
 *
 * @example
 * app.use(profileTokenRouter(profiles['g2p-connect'], { clients, keys, issuer: 'https://auth.example' }));
 * // POST /oauth2/client/token  timestamp: Tue, 06 Mar 2020 21:00:00 GMT  grant_type=client_credentials&client_id=…&client_secret=…
 */
export function profileTokenRouter(profile: Profile, options: ProfileTokenRouterOptions): Router {
  const { signingAlgorithms } = profile;
  const alg = readSigningAlgorithm(options.keys);
  if (signingAlgorithms && (alg === undefined || !signingAlgorithms.includes(alg))) {
    throw new TypeError(`${profile.name} profile: the signing key must use ${signingAlgorithms.join(' or ')}`);
  }
  const routerOptions: TokenRouterOptions = {
    ...options,
    issuer: options.issuer ?? profile.defaultIssuer ?? '',
    path: profile.tokenPath,
    wire: { ...profile.wire, ...options.wire },
  };
  if (routerOptions.accessTokenTtl === undefined && profile.accessTokenTtl !== undefined) {
    routerOptions.accessTokenTtl = profile.accessTokenTtl;
  }
  if (routerOptions.grantTypes === undefined && profile.grantTypes !== undefined) {
    routerOptions.grantTypes = [...profile.grantTypes];
  }
  // The seed systems document no revocation or introspection endpoint: serve them only when asked.
  routerOptions.revocationPath ??= false;
  routerOptions.introspectionPath ??= false;
  return tokenRouter(routerOptions);
}

/** The active key's algorithm; `undefined` when the keyring has none (tokenRouter then names the problem). */
function readSigningAlgorithm(keys: TokenRouterOptions['keys']): TokenRouterOptions['keys']['signingKey']['alg'] | undefined {
  try {
    return keys.signingKey.alg;
  } catch {
    return undefined;
  }
}
