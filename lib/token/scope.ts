/**
 * RFC 6749 §3.3 — the `scope` request parameter: space-delimited scope-tokens
 * (`scope-token = 1*NQCHAR`, one space between tokens). Every requested scope must be one the
 * client is registered for, else `invalid_scope`; no `scope` means all of the client's scopes,
 * unless the wire options require one.
 */
import { OAuthError } from '../errors';

/** `1*NQCHAR *( SP 1*NQCHAR )`, NQCHAR = %x21 / %x23-5B / %x5D-7E. */
const SCOPE_SYNTAX = /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/;

/**
 * `invalid_scope` for a well-formed scope the client is not registered for, so that a profile can
 * answer it apart from a malformed or missing scope (Screening Eagle: 403 rather than 400).
 */
export class ScopeNotAllowedError extends OAuthError {
  constructor(scope: string) {
    super('invalid_scope', `The scope ${scope} is not allowed for this client.`);
    this.name = 'ScopeNotAllowedError';
  }
}

const MALFORMED = new OAuthError('invalid_scope', 'The scope parameter is malformed.');
const REQUIRED = new OAuthError('invalid_scope', 'The scope parameter is required.');

/**
 * The scopes to grant, in request order without duplicates.
 *
 * @example
 * grantedScopes('read write', ['read', 'write', 'admin'], false); // ['read', 'write']
 * grantedScopes(undefined, ['read'], false);                       // ['read']
 * grantedScopes('admin', ['read'], false);                         // throws invalid_scope
 */
export function grantedScopes(requested: string | undefined, allowed: readonly string[], requireScope: boolean): string[] {
  if (requested === undefined) {
    if (requireScope) throw REQUIRED;
    return [...allowed];
  }
  if (!SCOPE_SYNTAX.test(requested)) throw MALFORMED;
  const scopes = [...new Set(requested.split(' '))];
  for (const scope of scopes) {
    if (!allowed.includes(scope)) {
      throw new ScopeNotAllowedError(scope);
    }
  }
  return scopes;
}
