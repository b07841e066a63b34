/**
 * RFC 6749 §3.3 scopes in an access token (RFC 9068 §2.2.3): a space-delimited `scope` string, or
 * an array for the profiles that emit one; and whether they satisfy what a route requires.
 */

/** RFC 6749 §3.3 `scope-token`: printable ASCII except space, `"` and `\`. */
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export type ScopeMatch = 'all' | 'any';

/**
 * The scopes of a `scope` claim: split on spaces when a string, the strings when an array.
 *
 * @example
 * tokenScopes('records:read  disburse'); // ['records:read', 'disburse']
 */
export function tokenScopes(scope: unknown): string[] {
  if (typeof scope === 'string') return scope.split(' ').filter((token) => token.length > 0);
  if (Array.isArray(scope)) return scope.filter((token): token is string => typeof token === 'string' && token.length > 0);
  return [];
}

/**
 * Whether the granted scopes satisfy the required ones: all of them (`'all'`) or at least one (`'any'`).
 * Nothing required is always satisfied.
 *
 * @example
 * hasRequiredScopes(['a', 'b'], ['a', 'c'], 'any'); // true
 */
export function hasRequiredScopes(granted: readonly string[], required: readonly string[], match: ScopeMatch): boolean {
  if (required.length === 0) return true;
  return match === 'all' ? required.every((s) => granted.includes(s)) : required.some((s) => granted.includes(s));
}
