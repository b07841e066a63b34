/**
 * The wire format of the token endpoint: everything a profile (OpenCRVS, G2P Connect, Aidbox,
 * Screening Eagle) may vary, each with its RFC default.
 *
 * Defaults follow RFC 6749 §2.3.1 (Basic or body credentials, never in the query), §3.2 (no repeated
 * parameters), §5.1/§5.2 (response and error shapes), RFC 8707 (`resource`) and RFC 9068
 * (`typ: at+jwt`, `scope` as a space-delimited string). A profile passes a `Partial<WireOptions>`;
 * `resolveWireOptions` validates it once, at `tokenRouter()` time.
 */
import type { Request } from 'express';
import type { ErrorBodyFormat, OAuthError } from '../errors';
import { rfcErrorBody } from '../errors';
import { assertBoolean, assertFunction, assertKnownKeys, assertNonEmptyString, assertSubsetList } from './validate-option';

/** Where client credentials may travel: `Authorization: Basic`, the body, the query string. */
export type CredentialCarrier = 'basic' | 'body' | 'query';
/** The request body encodings the endpoint parses. */
export type BodyFormat = 'form' | 'json';
/** The request parameters that name the token's audience (RFC 8707 `resource`, and `audience`). */
export type AudienceParameter = 'audience' | 'resource';
/** The fields of a successful token response (RFC 6749 §5.1). */
export type TokenResponseField = 'access_token' | 'token_type' | 'expires_in' | 'scope' | 'refresh_token';

export const CREDENTIAL_CARRIERS: readonly CredentialCarrier[] = ['basic', 'body', 'query'];
export const BODY_FORMATS: readonly BodyFormat[] = ['form', 'json'];
export const AUDIENCE_PARAMETERS: readonly AudienceParameter[] = ['audience', 'resource'];
export const TOKEN_RESPONSE_FIELDS: readonly TokenResponseField[] = ['access_token', 'token_type', 'expires_in', 'scope', 'refresh_token'];

/** How a request is read. */
export interface RequestWireOptions {
  /** Default `['basic', 'body']`. `'query'` also makes the query string a source of every parameter. */
  credentialCarriers: readonly CredentialCarrier[];
  /** Default `['form', 'json']`. */
  bodyFormats: readonly BodyFormat[];
  /** Default `false` (RFC 6749 §3.2). When `true`, the last non-empty value of a repeated parameter wins. */
  allowRepeatedParameters: boolean;
  /** Header names that must be present (case-insensitive); default none. */
  requiredHeaders: readonly string[];
  /** A last check of the request (a header's format, say): an `OAuthError` refuses it. */
  validateRequest?: (req: Request) => OAuthError | undefined;
}

/** How scope and audience are requested. */
export interface GrantWireOptions {
  /** Default `false`: no `scope` means every scope the client has. `true`: no `scope` is `invalid_scope`. */
  requireScope: boolean;
  /** Default `['audience', 'resource']`. */
  audienceParameters: readonly AudienceParameter[];
}

/** The shape of the access token. */
export interface TokenShapeWireOptions {
  /** Default `'string'` (RFC 9068: space-delimited); `'array'` for OpenCRVS. */
  scopeClaim: 'string' | 'array';
  /** Default `'auto'`: a string for one audience, an array for several; `'array'` always an array. */
  audienceClaim: 'auto' | 'array';
  /** Default `'clientId'`; `'databaseId'` puts the record's database id in `sub` (OpenCRVS). */
  subjectClaim: 'clientId' | 'databaseId';
  /** The JWT `typ` header; default `'at+jwt'` (RFC 9068 §2.1). */
  tokenType: string;
}

/** The shape of responses. */
export interface ResponseWireOptions {
  /** `token_type` of the response; default `'Bearer'`. */
  responseTokenType: string;
  /**
   * The fields of a success body, in this order; a field the grant did not produce is left out.
   * Must include `access_token`. Default: the body as the grant built it (every RFC 6749 §5.1 field
   * it has). G2P Connect answers `['access_token', 'token_type', 'expires_in']`.
   */
  responseFields?: readonly TokenResponseField[];
  /** Extra headers on every answer of the endpoint, success or error (G2P echoes `message_id`). */
  responseHeaders?: (req: Request) => Record<string, string> | undefined;
  /** The error body; default `{error, error_description}` (RFC 6749 §5.2). */
  errorFormat: ErrorBodyFormat;
  /** Overrides an error's status (Screening Eagle answers 403 to scope and grant refusals). */
  errorStatus?: (error: OAuthError) => number | undefined;
}

export interface WireOptions extends RequestWireOptions, GrantWireOptions, TokenShapeWireOptions, ResponseWireOptions {}

/** The RFC behaviour. */
export const DEFAULT_WIRE_OPTIONS: Readonly<WireOptions> = Object.freeze<WireOptions>({
  credentialCarriers: ['basic', 'body'],
  bodyFormats: ['form', 'json'],
  allowRepeatedParameters: false,
  requiredHeaders: [],
  requireScope: false,
  audienceParameters: ['audience', 'resource'],
  scopeClaim: 'string',
  audienceClaim: 'auto',
  subjectClaim: 'clientId',
  tokenType: 'at+jwt',
  responseTokenType: 'Bearer',
  errorFormat: rfcErrorBody,
});

const WIRE_KEYS: readonly (keyof WireOptions)[] = [
  'credentialCarriers',
  'bodyFormats',
  'allowRepeatedParameters',
  'requiredHeaders',
  'validateRequest',
  'requireScope',
  'audienceParameters',
  'scopeClaim',
  'audienceClaim',
  'subjectClaim',
  'tokenType',
  'responseTokenType',
  'responseFields',
  'responseHeaders',
  'errorFormat',
  'errorStatus',
];

/** An HTTP field name (RFC 9110 §5.1 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The defaults overlaid with `wire`, validated; throws a `TypeError` naming the bad option.
 *
 * @example
 * const wire = resolveWireOptions({ credentialCarriers: ['basic'], requireScope: true });
 */
export function resolveWireOptions(wire: Partial<WireOptions> | undefined, name = 'options.wire'): WireOptions {
  if (wire === undefined) return DEFAULT_WIRE_OPTIONS;
  if (typeof wire !== 'object' || wire === null) throw new TypeError(`tokenRouter: ${name} must be an object`);
  assertKnownKeys(wire, WIRE_KEYS, name);
  const merged: WireOptions = { ...DEFAULT_WIRE_OPTIONS, ...withoutUndefined(wire) };
  const at = (key: keyof WireOptions): string => `${name}.${key}`;

  assertSubsetList(merged.credentialCarriers, CREDENTIAL_CARRIERS, at('credentialCarriers'));
  assertSubsetList(merged.bodyFormats, BODY_FORMATS, at('bodyFormats'));
  assertSubsetList(merged.audienceParameters, AUDIENCE_PARAMETERS, at('audienceParameters'), { allowEmpty: true });
  assertBoolean(merged.allowRepeatedParameters, at('allowRepeatedParameters'));
  assertBoolean(merged.requireScope, at('requireScope'));
  if (!Array.isArray(merged.requiredHeaders) || !merged.requiredHeaders.every((h) => typeof h === 'string' && HEADER_NAME.test(h))) {
    throw new TypeError(`tokenRouter: ${at('requiredHeaders')} must be an array of header names`);
  }
  assertOneOf(merged.scopeClaim, ['string', 'array'], at('scopeClaim'));
  assertOneOf(merged.audienceClaim, ['auto', 'array'], at('audienceClaim'));
  assertOneOf(merged.subjectClaim, ['clientId', 'databaseId'], at('subjectClaim'));
  assertNonEmptyString(merged.tokenType, at('tokenType'));
  assertNonEmptyString(merged.responseTokenType, at('responseTokenType'));
  if (merged.responseFields !== undefined) {
    assertSubsetList(merged.responseFields, TOKEN_RESPONSE_FIELDS, at('responseFields'));
    if (!merged.responseFields.includes('access_token')) {
      throw new TypeError(`tokenRouter: ${at('responseFields')} must include 'access_token'`);
    }
  }
  assertFunction(merged.errorFormat, at('errorFormat'));
  assertFunction(merged.validateRequest, at('validateRequest'), { optional: true });
  assertFunction(merged.responseHeaders, at('responseHeaders'), { optional: true });
  assertFunction(merged.errorStatus, at('errorStatus'), { optional: true });

  return Object.freeze({
    ...merged,
    credentialCarriers: Object.freeze([...new Set(merged.credentialCarriers)]),
    bodyFormats: Object.freeze([...new Set(merged.bodyFormats)]),
    audienceParameters: Object.freeze([...new Set(merged.audienceParameters)]),
    requiredHeaders: Object.freeze(merged.requiredHeaders.map((h: string) => h.toLowerCase())),
    responseFields: merged.responseFields && Object.freeze([...new Set(merged.responseFields)]),
  });
}

function assertOneOf(value: unknown, allowed: readonly string[], name: string): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new TypeError(`tokenRouter: ${name} must be one of ${allowed.map((v) => `'${v}'`).join(', ')}`);
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
