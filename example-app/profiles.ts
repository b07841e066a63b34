/**
 * `PROFILE`: mounts the chosen wire profile's token endpoint at its documented path, and its extra
 * routes (Aidbox `DELETE /Session`), sharing the app's client store, keys and token state
 * (DESIGN.md, "Profiles"). Under `oauth2` it mounts nothing: the app always serves `/oauth2/*`.
 * It returns the `requireToken` options the app's protected routes need under that profile.
 */
import type { Express } from 'express';
import type { RequireTokenOptions } from '../lib/bearer';
import type { ClientStore } from '../lib/clients';
import type { TokenRouterOptions } from '../lib/token';
import type { Keyring } from '../lib/keys';
import type { TokenStateStore } from '../lib/lifecycle';
import { RevocationList } from '../lib/lifecycle';
import type { Profile, ProfileName } from '../lib/profiles';
import { profiles, profileTokenRouter } from '../lib/profiles';

export interface ProfileMountOptions {
  clients: ClientStore;
  keys: Keyring;
  /** `iss` of every token. */
  issuer: string;
  /** The audiences of a client registered with none. */
  defaultAudience: string[];
  /** Token state: refresh tokens and revocation. Required by `aidbox` (`DELETE /Session`). */
  tokenState?: TokenStateStore;
  /** The revocation list the app's `requireToken` uses; without it, one over `tokenState` that asks the store on every request. */
  revocations?: RevocationList;
  /** The brute-force limiter shared with `/oauth2`, so failures count once whichever endpoint they hit. */
  bruteForce?: TokenRouterOptions['bruteForce'];
  /** The signing pool shared with `/oauth2`, if tokens are signed on worker threads. */
  signingPool?: TokenRouterOptions['signingPool'];
}

/** The `requireToken` options for routes that accept the profile's tokens. */
export type ProfileBearer = Pick<RequireTokenOptions, 'acceptedTypes' | 'errorFormat' | 'isRevoked'>;

export interface MountedProfile {
  profile: Profile;
  bearer: ProfileBearer;
}

/**
 * Mounts profile `name` on `app` (call it before the app's 404 handler).
 *
 * @example
 * const { bearer } = mountProfile(app, 'g2p-connect', { clients, keys, issuer, defaultAudience: ['example-api'], tokenState });
 * app.use('/api', demoApi({ keys, issuer, audience: 'example-api', bearer }));
 * // POST /oauth2/client/token  (timestamp header, form body)
 */
export function mountProfile(app: Express, name: ProfileName, options: ProfileMountOptions): MountedProfile {
  const profile = profiles[name];
  const { clients, keys, issuer, defaultAudience, tokenState } = options;
  const revocations = options.revocations ?? (tokenState ? new RevocationList(tokenState, { mode: 'strict' }) : undefined);
  const bearer: ProfileBearer = { ...profile.bearer };
  if (revocations) bearer.isRevoked = revocations.isRevoked;
  if (name === 'oauth2') return { profile, bearer };

  app.use(
    profileTokenRouter(profile, {
      clients,
      keys,
      issuer,
      defaultAudience,
      ...(tokenState ? { tokenState } : {}),
      ...(options.revocations ? { revocations: options.revocations } : {}),
      ...(options.bruteForce !== undefined ? { bruteForce: options.bruteForce } : {}),
      ...(options.signingPool ? { signingPool: options.signingPool } : {}),
    }),
  );
  if (profile.extras) app.use(profile.extras(revocations ? { keys, issuer, revocations } : { keys, issuer }));
  return { profile, bearer };
}
