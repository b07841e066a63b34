/**
 * Token request parameters: RFC 6749 §3.1 (a parameter sent without a value is treated as
 * omitted), §3.2 (parameters MUST NOT be included more than once) and RFC 8707 §2 (`resource`
 * MAY be repeated).
 *
 * Every value must be a string: an array (a repeated form field), an object (a nested form field
 * from a host's extended parser, a JSON object) or a number is `invalid_request`. Names that
 * address an object's prototype are refused outright. Values live in a `Map`, never on a plain
 * object, so no parameter name can reach a prototype.
 */
import { OAuthError } from '../../errors';

/** Parameters that may legitimately appear several times. */
export const MULTI_VALUED_PARAMETERS: ReadonlySet<string> = new Set(['resource']);

/** The credential parameters of `client_secret_post` (RFC 6749 §2.3.1). */
export const CREDENTIAL_PARAMETERS = ['client_id', 'client_secret'] as const;

const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
/** Names quoted back in an error description; anything else is described generically. */
const QUOTABLE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export type ParameterSource = 'body' | 'query';

export interface ParameterRules {
  /** Read the query string as a source of parameters too (a profile that carries everything there). */
  readQuery: boolean;
  /** When `true`, the last non-empty value of a repeated parameter wins instead of a refusal. */
  allowRepeated: boolean;
}

/** The parameters of one token request, after the rules above. */
export class TokenRequestParameters {
  constructor(
    private readonly values: ReadonlyMap<string, readonly string[]>,
    private readonly fromQuery: ReadonlySet<string>,
  ) {}

  /** The value of a single-valued parameter, `undefined` when absent or empty. */
  get(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }

  /** Every non-empty value of a multi-valued parameter (RFC 8707 `resource`). */
  getAll(name: string): readonly string[] {
    return this.values.get(name) ?? [];
  }

  /** Where a present parameter came from. */
  sourceOf(name: string): ParameterSource | undefined {
    if (!this.values.has(name)) return undefined;
    return this.fromQuery.has(name) ? 'query' : 'body';
  }
}

/**
 * Collects a request's parameters from its parsed body and (when `rules.readQuery`) its query.
 * Throws `invalid_request` for a body that is not an object, a value that is not a string, a
 * forbidden name or a repeated parameter.
 *
 * @example
 * const params = collectParameters({ grant_type: 'client_credentials' }, undefined, { readQuery: false, allowRepeated: false });
 * params.get('grant_type'); // 'client_credentials'
 */
export function collectParameters(
  body: unknown,
  query: URLSearchParams | undefined,
  rules: ParameterRules,
): TokenRequestParameters {
  const raw = new Map<string, string[]>();
  const fromQuery = new Set<string>();
  if (body !== undefined) addBody(raw, body);
  if (rules.readQuery && query) {
    for (const [name, value] of query) {
      checkName(name);
      append(raw, name, value);
      fromQuery.add(name);
    }
  }

  const values = new Map<string, readonly string[]>();
  for (const [name, list] of raw) {
    if (list.length > 1 && !MULTI_VALUED_PARAMETERS.has(name) && !rules.allowRepeated) {
      throw new OAuthError('invalid_request', `${describe(name)} must not be repeated.`);
    }
    const present = list.filter((value) => value !== '');
    if (present.length === 0) continue;
    values.set(name, MULTI_VALUED_PARAMETERS.has(name) ? present : present.slice(-1));
  }
  return new TokenRequestParameters(values, fromQuery);
}

/**
 * The query string of a request URL, or `undefined` when there is none.
 *
 * @example
 * queryOf('/token?client_id=a'); // URLSearchParams { 'client_id' => 'a' }
 */
export function queryOf(url: string): URLSearchParams | undefined {
  const mark = url.indexOf('?');
  return mark === -1 || mark === url.length - 1 ? undefined : new URLSearchParams(url.slice(mark + 1));
}

const NOT_AN_OBJECT = new OAuthError('invalid_request', 'The request body must be an object of parameters.');

function addBody(raw: Map<string, string[]>, body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Buffer.isBuffer(body)) throw NOT_AN_OBJECT;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    checkName(name);
    if (typeof value === 'string') {
      append(raw, name, value);
    } else if (Array.isArray(value) && value.every((item): item is string => typeof item === 'string')) {
      for (const item of value) append(raw, name, item);
    } else {
      throw new OAuthError('invalid_request', `${describe(name)} must be a string.`);
    }
  }
}

function append(raw: Map<string, string[]>, name: string, value: string): void {
  const list = raw.get(name);
  if (list) list.push(value);
  else raw.set(name, [value]);
}

function checkName(name: string): void {
  if (FORBIDDEN_NAMES.has(name)) throw new OAuthError('invalid_request', `The parameter name ${name} is not allowed.`);
}

function describe(name: string): string {
  return QUOTABLE_NAME.test(name) ? `Parameter ${name}` : 'A parameter';
}
