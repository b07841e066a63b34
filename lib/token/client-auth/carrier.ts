/**
 * RFC 6749 §2.3 — which client authentication method a request uses, decided BEFORE
 * authenticating. "The client MUST NOT use more than one authentication method in each request":
 * a Basic header together with a `client_secret` parameter is `invalid_request`; a `client_id`
 * parameter equal to the Basic one is tolerated, a different one is `invalid_request`. Credentials
 * in the query string are `invalid_request` unless the wire options allow that carrier; a carrier
 * the wire options do not accept is an authentication failure (`invalid_client`).
 */
import { OAuthError } from '../../errors';
import type { TokenRequestParameters } from '../request/parameters';
import type { CredentialCarrier } from '../wire';
import { isBasicAuthorization, readBasicClientId } from './basic-credentials';

/** The outcome: a method to authenticate with, or a refusal that is an authentication failure. */
export type CarrierDecision =
  | { method: 'basic' }
  | { method: 'post'; clientId: string | undefined }
  /**
   * No usable credentials: none at all, or only in a carrier the wire options do not accept.
   * `challenge`: answer with a Basic challenge (whenever Basic is accepted, so the client learns how).
   */
  | { method: 'none'; clientId: string | undefined; challenge: boolean };

export interface CarrierInput {
  authorization: string | undefined;
  parameters: TokenRequestParameters;
  /** Whether the raw query string carried `client_id` or `client_secret`. */
  credentialsInQuery: boolean;
}

const MULTIPLE_METHODS = new OAuthError('invalid_request', 'The request uses more than one client authentication method.');
const MISMATCHED_CLIENT_ID = new OAuthError('invalid_request', 'The client_id parameter does not match the Authorization header.');
const CREDENTIALS_IN_QUERY = new OAuthError('invalid_request', 'Client credentials must not be sent in the query string.');

/**
 * Decides how the request authenticates; throws `invalid_request` for the conflicts above.
 *
 * @example
 * const decide = carrierDecider(['basic', 'body']);
 * decide({ authorization: 'Basic …', parameters, credentialsInQuery: false }); // { method: 'basic' }
 */
export function carrierDecider(carriers: readonly CredentialCarrier[]): (input: CarrierInput) => CarrierDecision {
  const accepted = new Set(carriers);
  const challenge = accepted.has('basic');

  return ({ authorization, parameters, credentialsInQuery }) => {
    if (credentialsInQuery && !accepted.has('query')) throw CREDENTIALS_IN_QUERY;
    const clientId = parameters.get('client_id');
    const secretSource = parameters.sourceOf('client_secret');

    if (isBasicAuthorization(authorization)) {
      if (secretSource !== undefined) throw MULTIPLE_METHODS;
      if (clientId !== undefined) {
        const basicClientId = readBasicClientId(authorization);
        if (basicClientId !== undefined && basicClientId !== clientId) throw MISMATCHED_CLIENT_ID;
      }
      return accepted.has('basic') ? { method: 'basic' } : { method: 'none', clientId, challenge };
    }

    const idSource = parameters.sourceOf('client_id');
    if (secretSource === undefined && idSource === undefined) {
      return { method: 'none', clientId: undefined, challenge };
    }
    const carriersUsed = [secretSource, idSource].filter((source) => source !== undefined);
    if (!carriersUsed.every((source) => accepted.has(source))) {
      return { method: 'none', clientId, challenge };
    }
    return { method: 'post', clientId };
  };
}
