/**
 * RFC 8707 — resource indicators, and the `audience` parameter some systems use instead (Aidbox).
 *
 * Each requested audience must be one the client is registered for (or, for a client registered
 * with none, one of the server's default audiences), else `invalid_target`. A `resource` must
 * also be an absolute URI without a fragment (RFC 8707 §2), and may be repeated. Nothing
 * requested means every allowed audience.
 */
import { OAuthError } from '../errors';
import type { TokenRequestParameters } from './request/parameters';
import type { AudienceParameter } from './wire';

const NOT_A_RESOURCE = new OAuthError('invalid_target', 'The resource parameter must be an absolute URI without a fragment.');
const NO_AUDIENCE = new OAuthError('invalid_target', 'No audience is configured for this client.');
const NOT_ALLOWED = new OAuthError('invalid_target', 'The requested audience is not allowed for this client.');

export interface AudienceRules {
  /** Which parameters name an audience. */
  parameters: readonly AudienceParameter[];
  /** For a client registered with no audiences. */
  defaultAudience: readonly string[];
}

/**
 * The audiences of the token, without duplicates.
 *
 * @example
 * const audienceFor = audienceResolver({ parameters: ['audience', 'resource'], defaultAudience: ['api'] });
 * audienceFor(params, client.audiences); // e.g. ['https://billing.example']
 */
export function audienceResolver(
  rules: AudienceRules,
): (parameters: TokenRequestParameters, clientAudiences: readonly string[]) => string[] {
  const readAudience = rules.parameters.includes('audience');
  const readResource = rules.parameters.includes('resource');

  return (parameters, clientAudiences) => {
    const allowed = clientAudiences.length > 0 ? clientAudiences : rules.defaultAudience;
    const requested: string[] = [];
    const audience = readAudience ? parameters.get('audience') : undefined;
    if (audience !== undefined) requested.push(audience);
    if (readResource) {
      for (const resource of parameters.getAll('resource')) {
        if (!isAbsoluteUriWithoutFragment(resource)) throw NOT_A_RESOURCE;
        requested.push(resource);
      }
    }
    if (requested.length === 0) {
      if (allowed.length === 0) throw NO_AUDIENCE;
      return [...allowed];
    }
    if (!requested.every((value) => allowed.includes(value))) throw NOT_ALLOWED;
    return [...new Set(requested)];
  };
}

function isAbsoluteUriWithoutFragment(value: string): boolean {
  return !value.includes('#') && URL.canParse(value);
}
