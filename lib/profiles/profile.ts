/**
 * What a wire profile is: a preset that makes the token router (and the bearer middleware) speak
 * like one seed system. A profile only CONFIGURES the shared mechanisms — the endpoint's path,
 * `WireOptions` (credential carriers, body formats, claim shapes, required headers, error shape),
 * the grants served, the token lifetime, the `requireToken` options its tokens need — and names
 * the system's extra routes. It never forks token code.
 */
import type { Router } from 'express';
import type { RequireTokenOptions } from '../bearer';
import type { GrantType } from '../clients';
import type { SigningAlgorithm, VerificationKeySource } from '../keys';
import type { RevocationList } from '../lifecycle';
import type { WireOptions } from '../token';

/** The profiles, by the names the example app's `PROFILE` takes. */
export type ProfileName = 'oauth2' | 'opencrvs-v1' | 'opencrvs-v2' | 'g2p-connect' | 'aidbox' | 'screening-eagle';

export const PROFILE_NAMES: readonly ProfileName[] = [
  'oauth2',
  'opencrvs-v1',
  'opencrvs-v2',
  'g2p-connect',
  'aidbox',
  'screening-eagle',
];

/** The `requireToken` options a profile changes: which `typ` its tokens carry, how errors look. */
export type ProfileBearerOptions = Pick<RequireTokenOptions, 'acceptedTypes' | 'errorFormat'>;

/** What a profile's extra routes need. */
export interface ProfileExtrasContext {
  /** The keys that verify this server's tokens (the token router's keyring). */
  keys: VerificationKeySource;
  /** The `iss` of this server's tokens. */
  issuer: string;
  /** The revocation list the bearer middleware consults; required by the routes that revoke. */
  revocations?: RevocationList;
}

export interface Profile {
  readonly name: ProfileName;
  /** The token endpoint's absolute path, e.g. `/oauth2/client/token`. */
  readonly tokenPath: string;
  /** The wire options; each absent one keeps its RFC default. */
  readonly wire: Readonly<Partial<WireOptions>>;
  /** Options for `requireToken` on routes that accept this profile's tokens. */
  readonly bearer: Readonly<ProfileBearerOptions>;
  /** The system's usual `iss` (OpenCRVS: `opencrvs.auth`), used when the host gives none. */
  readonly defaultIssuer?: string;
  /** Seconds, for a client without its own lifetime. */
  readonly accessTokenTtl?: number;
  /** The grants the endpoint serves; default every grant this build supports. */
  readonly grantTypes?: readonly GrantType[];
  /** The algorithms the system's tokens are signed with; the active signing key must use one. */
  readonly signingAlgorithms?: readonly SigningAlgorithm[];
  /** The system's other routes (Aidbox `DELETE /Session`), as a router mounted at the app's root. */
  readonly extras?: (context: ProfileExtrasContext) => Router;
}

/**
 * Checks nothing, freezes everything: the profile, its option objects and their lists, so that no
 * host can change a shared preset for every other.
 *
 * @example
 * export const myProfile = defineProfile({ name: 'oauth2', tokenPath: '/token', wire: {}, bearer: {} });
 */
export function defineProfile(profile: Profile): Profile {
  return deepFreeze(profile);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
