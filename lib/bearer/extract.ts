/**
 * RFC 6750 §2 — where an access token may travel: the `Authorization: Bearer` header (§2.1), and
 * only when the route allows it the form body (§2.2) or the query (§2.3). Exactly one place per
 * request (§2: "MUST NOT use more than one method").
 *
 * Runs before Passport so that every malformed case has a precise answer: the header must be
 * `Bearer` + one space + a token68 (RFC 7235 §2.1), and a token longer than the limit is refused
 * before any other look at it. A header of another scheme is no bearer credential at all.
 * The token68 syntax is checked by `syntaxRefusal`, which the middleware calls only for a token it
 * refuses: a token that verifies (or was verified before) is three base64url segments, a token68,
 * and a malformed one is refused for its syntax before any other reason.
 * The body is read only if the host app already parsed it; this module never parses one.
 */
import type { Request } from 'express';
import type { OAuthError } from '../errors';
import { invalidToken, malformedRequest } from './bearer-errors';

/** RFC 7235 §2.1 token68. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

export interface TokenPlacementOptions {
  /** Accept `?access_token=` (RFC 6750 §2.3, not recommended); refused with 400 by default. */
  allowQueryToken?: boolean;
  /** Accept `access_token` in a body the host app has parsed (RFC 6750 §2.2); refused with 400 by default. */
  allowBodyToken?: boolean;
}

export interface ExtractionSettings {
  realm: string;
  allowQueryToken: boolean;
  allowBodyToken: boolean;
  maxTokenLength: number;
}

/** Where the token was found, as refusals name it. */
export type TokenPlace = 'Authorization header' | 'query' | 'body';

/** A token found in one place, not yet checked for its token68 syntax. */
export interface FoundToken {
  kind: 'token';
  token: string;
  place: TokenPlace;
}

export type Extraction =
  | { kind: 'none' }
  | FoundToken
  | { kind: 'refused'; error: OAuthError };

const NO_TOKEN: Extraction = Object.freeze({ kind: 'none' });
const BEARER_PREFIX = 'Bearer ';

/** What `parameterOf` answers for a container without an `access_token` member. */
const ABSENT: unique symbol = Symbol('absent');

/** The container's own `access_token` member (whatever its type), or `ABSENT`. */
function parameterOf(container: unknown): unknown {
  if (typeof container !== 'object' || container === null || !Object.hasOwn(container, 'access_token')) return ABSENT;
  return (container as Record<string, unknown>).access_token;
}

function readQuery(req: Request): unknown {
  // Express parses `req.query` from the URL on every read: a URL without a query string (the
  // common case) has none to parse, unless something upstream set `req.query` itself.
  if (!Object.hasOwn(req, 'query') && typeof req.url === 'string' && !req.url.includes('?')) return undefined;
  try {
    return req.query;
  } catch {
    return undefined;
  }
}

function malformedToken(realm: string, place: TokenPlace): OAuthError {
  return malformedRequest(realm, `The access token in the ${place} is malformed.`);
}

/** Type, emptiness and length; the token68 syntax is `syntaxRefusal`'s. */
function checkToken(token: unknown, settings: ExtractionSettings, place: TokenPlace): Extraction {
  if (typeof token !== 'string' || token.length === 0) return { kind: 'refused', error: malformedToken(settings.realm, place) };
  if (token.length > settings.maxTokenLength) {
    return { kind: 'refused', error: invalidToken(settings.realm, 'The access token is too large.') };
  }
  return { kind: 'token', token, place };
}

function fromHeader(header: string | undefined, settings: ExtractionSettings): Extraction {
  if (header === undefined) return NO_TOKEN;
  // The usual spelling, without building a lower-cased copy of the scheme.
  if (header.startsWith(BEARER_PREFIX)) return checkToken(header.slice(BEARER_PREFIX.length), settings, 'Authorization header');
  const space = header.indexOf(' ');
  const scheme = space === -1 ? header : header.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') return NO_TOKEN;
  if (space === -1) return { kind: 'refused', error: malformedRequest(settings.realm, 'The Authorization header carries no token.') };
  return checkToken(header.slice(space + 1), settings, 'Authorization header');
}

/**
 * The refusal of a found token that is not an RFC 7235 §2.1 token68 (`invalid_request`), or
 * `undefined` when it is one.
 *
 * @example
 * const found = extractBearerToken(req, settings);
 * if (found.kind === 'token') { const refusal = syntaxRefusal(found, settings.realm); … }
 */
export function syntaxRefusal(found: Pick<FoundToken, 'token' | 'place'>, realm: string): OAuthError | undefined {
  return TOKEN68.test(found.token) ? undefined : malformedToken(realm, found.place);
}

/**
 * Finds the one access token of a request, or why it is refused.
 *
 * @example
 * const found = extractBearerToken(req, { realm: 'api', allowQueryToken: false, allowBodyToken: false, maxTokenLength: 8192 });
 * if (found.kind === 'refused') renderOAuthError(res, found.error);
 */
export function extractBearerToken(req: Request, settings: ExtractionSettings): Extraction {
  const query = parameterOf(readQuery(req));
  const body = parameterOf(req.body);
  if (query !== ABSENT && !settings.allowQueryToken) {
    return {
      kind: 'refused',
      error: malformedRequest(settings.realm, 'Access tokens are accepted in the Authorization header only, not in the query.'),
    };
  }
  if (body !== ABSENT && !settings.allowBodyToken) {
    return {
      kind: 'refused',
      error: malformedRequest(settings.realm, 'Access tokens are accepted in the Authorization header only, not in the body.'),
    };
  }
  const header = fromHeader(req.headers.authorization, settings);
  const carriers = (header.kind === 'none' ? 0 : 1) + (query === ABSENT ? 0 : 1) + (body === ABSENT ? 0 : 1);
  if (carriers > 1) {
    return { kind: 'refused', error: malformedRequest(settings.realm, 'The request carries more than one access token.') };
  }
  if (query !== ABSENT) return checkToken(query, settings, 'query');
  if (body !== ABSENT) return checkToken(body, settings, 'body');
  return header;
}
