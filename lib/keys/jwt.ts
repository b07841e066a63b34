/**
 * Signing and verifying JWT access tokens (RFC 7519, RFC 7515, RFC 9068 §2 and §4).
 *
 * The only module in the project that imports jsonwebtoken. Signing takes a parsed `SigningKey`;
 * verification decodes the header itself first (length bound before any parsing, strict base64url
 * and JSON), takes the algorithm allow-list from the key source (never `none`, never an algorithm
 * the key does not belong to), finds the key by `kid`, lets jsonwebtoken check the signature with
 * exactly that key's algorithm, then checks the claims (`claims.ts`) of the payload jsonwebtoken
 * decoded: the payload is parsed once, and nothing reads it before its signature is proved.
 *
 * It also writes the source of the signing worker thread (`signingWorkerSource`, run by
 * `signing-pool.ts`), so the worker's jsonwebtoken call stays next to `signJwt`'s: both take their
 * options from `jsonwebtokenSignOptions`, and a pool signature is the one `signJwt` would write.
 */
import type { KeyObject } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import { checkAccessTokenClaims } from './claims';
import { JwtVerificationError, KeySourceUnavailableError } from './errors';
import type { AccessTokenClaims, SigningAlgorithm, SigningKey, VerificationKey, VerificationKeySource } from './types';

export const DEFAULT_TOKEN_TYPE = 'at+jwt';
export const DEFAULT_MAX_TOKEN_LENGTH = 8192;
export const DEFAULT_CLOCK_TOLERANCE = 5;
/** The largest `clockTolerance` accepted unless `maxClockTolerance` raises it (seconds). */
export const MAX_CLOCK_TOLERANCE = 5;

export interface SignJwtOptions {
  /** The `typ` header; `at+jwt` by default (RFC 9068 §2.1). */
  typ?: string;
}

export interface JwtClaimOptions {
  /** Accepted `iss` values. */
  issuer?: string | string[];
  /** At least one must be among the token's `aud`. */
  audience?: string | string[];
}

export interface JwtClockOptions {
  /** Seconds of skew allowed on `exp`, `nbf`, `iat`; 5 by default, at most `maxClockTolerance`. */
  clockTolerance?: number;
  /** The ceiling for `clockTolerance` (5 by default); raise it explicitly to allow more skew. */
  maxClockTolerance?: number;
  /** The time in milliseconds since the epoch; `Date.now` by default. */
  now?: () => number;
}

export interface JwtHeaderOptions {
  /** Accepted `typ` values when the header has one (case-insensitive, `application/` prefix optional); `['at+jwt']` by default. */
  acceptedTypes?: string[];
  /** Tokens longer than this are refused before any parsing; 8192 by default. */
  maxTokenLength?: number;
}

export interface VerifyJwtOptions extends JwtClaimOptions, JwtClockOptions, JwtHeaderOptions {}

export interface JwtHeader {
  alg: string;
  kid?: string;
  typ?: string;
  [parameter: string]: unknown;
}

export interface VerifiedJwt {
  header: JwtHeader & { alg: SigningAlgorithm };
  claims: AccessTokenClaims;
  /** The key that verified the signature. */
  key: VerificationKey;
}

export interface UnverifiedJwt {
  header: JwtHeader;
  payload: Record<string, unknown>;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const BASE64URL_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A segment is base64url in its one canonical spelling (RFC 4648 §3.5, RFC 7515 §2): its alphabet,
 * no length that leaves a lone character, and the bits of the last character that encode nothing
 * set to zero. Decoders ignore those bits, so without this check one signature could be spelled
 * several ways (`…Ww` and `…W_` decode to the same bytes) and one token forged into many that all
 * verify.
 */
function isCanonicalBase64url(segment: string): boolean {
  if (!BASE64URL.test(segment)) return false;
  const leftover = segment.length % 4;
  if (leftover === 0) return true;
  if (leftover === 1) return false;
  const lastDigit = BASE64URL_DIGITS.indexOf(segment.charAt(segment.length - 1));
  // Two leftover characters carry 8 bits of 12 (the last one's low 4 unused); three carry 16 of 18.
  return (lastDigit & (leftover === 2 ? 0b1111 : 0b11)) === 0;
}

function malformed(message: string): JwtVerificationError {
  return new JwtVerificationError('ERR_JWT_MALFORMED', message);
}

/** Decodes one base64url JSON-object segment strictly; never throws anything but `ERR_JWT_MALFORMED`. */
function decodeSegment(segment: string | undefined, what: string): Record<string, unknown> {
  if (segment === undefined || !isCanonicalBase64url(segment)) {
    throw malformed(`The JWT ${what} is not base64url.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw malformed(`The JWT ${what} is not JSON.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(`The JWT ${what} is not a JSON object.`);
  }
  return value as Record<string, unknown>;
}

function decodeHeader(segment: string | undefined): JwtHeader {
  const header = decodeSegment(segment, 'header');
  if (typeof header.alg !== 'string') throw malformed('The JWT header has no alg.');
  if (header.kid !== undefined && typeof header.kid !== 'string') throw malformed('The JWT kid is not a string.');
  if (header.typ !== undefined && typeof header.typ !== 'string') throw malformed('The JWT typ is not a string.');
  // RFC 7515 §4.1.11: we understand no header extension, so any `crit` must be refused.
  if (header.crit !== undefined) throw malformed('The JWT header lists critical extensions this verifier does not support.');
  return header as JwtHeader;
}

/**
 * Header segments of tokens whose signature verified, decoded. Every token a key signs carries the
 * same header segment (`alg`, `typ`, `kid`), so a verifier meets a handful of them: each is decoded
 * once instead of once per token. Only a verified header gets in (a forged one cannot churn it),
 * only one of plain values (handed out as a shallow copy, so a caller may still change its own),
 * and the table starts over when full.
 */
const verifiedHeaders = new Map<string, Readonly<JwtHeader>>();
const MAX_VERIFIED_HEADERS = 64;

function headerOf(segment: string): JwtHeader {
  const known = verifiedHeaders.get(segment);
  return known ? { ...known } : decodeHeader(segment);
}

function rememberVerifiedHeader(segment: string, header: JwtHeader): void {
  if (verifiedHeaders.has(segment) || !Object.values(header).every(isPlainValue)) return;
  if (verifiedHeaders.size >= MAX_VERIFIED_HEADERS) verifiedHeaders.clear();
  verifiedHeaders.set(segment, Object.freeze({ ...header }));
}

function isPlainValue(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** How many verified header segments are remembered (for the specs: the table stays bounded). */
export function verifiedHeaderCount(): number {
  return verifiedHeaders.size;
}

function splitToken(token: unknown, maxTokenLength: number): [string, string, string] {
  if (typeof token !== 'string' || token.length === 0) throw malformed('The token is empty.');
  if (token.length > maxTokenLength) {
    throw new JwtVerificationError('ERR_JWT_TOO_LARGE', `The token is longer than ${maxTokenLength} characters.`);
  }
  const parts = token.split('.');
  if (parts.length !== 3) throw malformed('A JWT has three dot-separated parts.');
  return parts as [string, string, string];
}

/** `application/at+jwt` and `AT+JWT` both name `at+jwt` (RFC 7515 §4.1.9). */
function normaliseType(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

/**
 * Throws `ERR_JWT_CLAIM` (claim `typ`) unless the header has no `typ` or one of `acceptedTypes`
 * (`['at+jwt']` by default; case-insensitive, `application/` prefix optional).
 *
 * @example
 * checkTokenType({ alg: 'RS256', typ: 'application/at+jwt' }); // passes
 */
export function checkTokenType(header: Pick<JwtHeader, 'typ'>, acceptedTypes: readonly string[] = [DEFAULT_TOKEN_TYPE]): void {
  if (header.typ === undefined) return;
  const wanted = normaliseType(header.typ);
  if (!acceptedTypes.some((accepted) => normaliseType(accepted) === wanted)) {
    throw new JwtVerificationError('ERR_JWT_CLAIM', `The token type ${header.typ} is not accepted.`, 'typ');
  }
}

/**
 * Throws unless `clockTolerance` is a number of seconds from 0 to `maxClockTolerance` (5 by default).
 * `requireToken` calls it once, at construction.
 */
export function checkClockTolerance(clockTolerance: unknown, maxClockTolerance: unknown = MAX_CLOCK_TOLERANCE): number {
  if (typeof maxClockTolerance !== 'number' || !Number.isFinite(maxClockTolerance) || maxClockTolerance < 0) {
    throw new RangeError('maxClockTolerance must be a non-negative number of seconds.');
  }
  const value = clockTolerance ?? DEFAULT_CLOCK_TOLERANCE;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > maxClockTolerance) {
    throw new RangeError(`clockTolerance must be a number of seconds from 0 to ${maxClockTolerance}.`);
  }
  return value;
}

/** The options `jsonwebtoken.sign` is called with: the same for `signJwt` and the signing workers. */
export interface JsonwebtokenSignOptions {
  algorithm: SigningAlgorithm;
  noTimestamp: boolean;
  header: { alg: SigningAlgorithm; typ: string; kid: string };
}

/**
 * How a token is signed with `key`: header `alg`, `typ` (`at+jwt`), `kid`, and no `iat` added.
 * Plain data, so the signing pool sends it with each task and its workers sign exactly as `signJwt`.
 *
 * @example
 * jsonwebtokenSignOptions({ sub: 'c', iat: 1000 }, keyring.signingKey);
 * // { algorithm: 'RS256', noTimestamp: false, header: { alg: 'RS256', typ: 'at+jwt', kid: '…' } }
 */
export function jsonwebtokenSignOptions(
  payload: Record<string, unknown>,
  key: SigningKey,
  options: SignJwtOptions = {},
): JsonwebtokenSignOptions {
  return {
    algorithm: key.alg,
    // jsonwebtoken deletes `iat` under noTimestamp and adds one without it: keep the payload's own,
    // add none when it has none.
    noTimestamp: payload.iat === undefined,
    header: { alg: key.alg, typ: options.typ ?? DEFAULT_TOKEN_TYPE, kid: key.kid },
  };
}

/**
 * Signs an access token with the keyring's active key: header `alg`, `typ` (`at+jwt`), `kid`.
 * The payload carries its own `iat` and `exp`; nothing is added to it.
 *
 * @example
 * const now = Math.floor(Date.now() / 1000);
 * const token = signJwt({ iss, sub: clientId, client_id: clientId, aud: ['api'], scope: 'read',
 *   iat: now, exp: now + 600, jti: randomUUID() }, keyring.signingKey);
 */
export function signJwt(payload: Record<string, unknown>, key: SigningKey, options: SignJwtOptions = {}): string {
  return jsonwebtoken.sign({ ...payload }, key.key, jsonwebtokenSignOptions(payload, key, options));
}

/**
 * One task for a signing worker. `keyId` names a key the main thread assigned; `key` comes with the
 * first task that needs it on this worker, `drop` names the key the worker must forget first (the
 * main thread decides what each worker holds, so both sides always agree).
 */
export interface SigningWorkerRequest {
  id: number;
  keyId: number;
  key?: KeyObject;
  drop?: number;
  payload: Record<string, unknown>;
  options: JsonwebtokenSignOptions;
}

/** A signing worker's answer: the token, or the message of the error jsonwebtoken threw. */
export type SigningWorkerReply = { id: number; token: string } | { id: number; error: string };

/**
 * The CommonJS source of a signing worker (`new Worker(source, { eval: true })`): it keeps the keys
 * it was sent and answers each `SigningWorkerRequest` with a `SigningWorkerReply`, calling
 * `jsonwebtoken.sign` as `signJwt` does (the payload arrives as a copy; the options are
 * `jsonwebtokenSignOptions`). A signing error is answered, never thrown: the worker lives on.
 * jsonwebtoken is required by the absolute path this thread resolves.
 *
 * @example
 * const worker = new Worker(signingWorkerSource(), { eval: true });
 * worker.postMessage({ id: 1, keyId: 1, key: keyring.signingKey.key, payload: claims,
 *   options: jsonwebtokenSignOptions(claims, keyring.signingKey) });
 * worker.once('message', (reply: SigningWorkerReply) => console.log(reply));
 */
export function signingWorkerSource(): string {
  return `'use strict';
const { parentPort } = require('node:worker_threads');
const jsonwebtoken = require(${JSON.stringify(require.resolve('jsonwebtoken'))});
const keys = new Map();
parentPort.on('message', (request) => {
  if (request.drop !== undefined) keys.delete(request.drop);
  if (request.key !== undefined) keys.set(request.keyId, request.key);
  let reply;
  try {
    const key = keys.get(request.keyId);
    if (key === undefined) throw new Error('The signing worker holds no key ' + request.keyId + '.');
    reply = { id: request.id, token: jsonwebtoken.sign(request.payload, key, request.options) };
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort.postMessage(reply);
});
`;
}

/**
 * Decodes a JWT WITHOUT checking its signature or claims — for introspection of a token already
 * verified elsewhere, or for logging. Never use the result to grant access.
 *
 * @example
 * const { header, payload } = decodeJwtUnverified(token);
 */
export function decodeJwtUnverified(token: string, maxTokenLength = DEFAULT_MAX_TOKEN_LENGTH): UnverifiedJwt {
  const [headerSegment, payloadSegment] = splitToken(token, maxTokenLength);
  return { header: decodeHeader(headerSegment), payload: decodeSegment(payloadSegment, 'payload') };
}

/** A key source's failure as a verification error: unreachable → ERR_JWKS_UNAVAILABLE, anything else → no key. */
function keyLookupFailure(error: unknown): undefined {
  if (error instanceof KeySourceUnavailableError) {
    throw new JwtVerificationError('ERR_JWKS_UNAVAILABLE', 'The verification keys could not be fetched.');
  }
  return undefined;
}

function matchingKey(key: VerificationKey | undefined, header: JwtHeader): VerificationKey {
  if (!key || key.alg !== header.alg) {
    throw new JwtVerificationError('ERR_JWT_KEY_NOT_FOUND', 'No verification key matches the token kid and alg.');
  }
  return key;
}

/** The token's key: at once from a source that holds its keys in memory (`findVerificationKey`), else awaited. */
function lookUpKey(keys: VerificationKeySource, header: JwtHeader): VerificationKey | Promise<VerificationKey> {
  if (keys.findVerificationKey) {
    let key: VerificationKey | undefined;
    try {
      key = keys.findVerificationKey(header.kid, header.alg);
    } catch (error) {
      key = keyLookupFailure(error);
    }
    return matchingKey(key, header);
  }
  return Promise.resolve()
    .then(() => keys.getVerificationKey(header.kid, header.alg))
    .catch(keyLookupFailure)
    .then((key) => matchingKey(key, header));
}

/** The payload jsonwebtoken decoded, once the signature is proved; the claims are checked after. */
function checkSignature(token: string, key: VerificationKey): unknown {
  try {
    return jsonwebtoken.verify(token, key.key, { algorithms: [key.alg], ignoreExpiration: true, ignoreNotBefore: true });
  } catch (error) {
    const invalidAlgorithm = error instanceof jsonwebtoken.JsonWebTokenError && error.message === 'invalid algorithm';
    throw new JwtVerificationError(
      invalidAlgorithm ? 'ERR_JWT_ALG' : 'ERR_JWT_SIGNATURE',
      invalidAlgorithm ? 'The token algorithm is not accepted.' : 'The token signature is invalid.',
    );
  }
}

/**
 * Verifies an access token: size, header, algorithm, key, signature, then claims. Every failure is
 * a `JwtVerificationError` with a stable `code`.
 *
 * @example
 * try {
 *   const { claims } = await verifyJwt(token, keyring, { issuer: 'https://as.example', audience: 'api' });
 * } catch (error) {
 *   if (error instanceof JwtVerificationError && error.code === 'ERR_JWT_EXPIRED') { … }
 * }
 */
export async function verifyJwt(
  token: string,
  keys: VerificationKeySource,
  options: VerifyJwtOptions = {},
): Promise<VerifiedJwt> {
  return verifyJwtNow(token, keys, options);
}

/**
 * `verifyJwt` without a promise when none is needed: synchronous (returns, or throws a
 * `JwtVerificationError`) when the key source holds its keys in memory (`findVerificationKey`, as a
 * `Keyring` does); otherwise a promise, as `verifyJwt`. For hot paths that would otherwise pay a
 * few promise turns per token.
 *
 * @example
 * const verified = verifyJwtNow(token, keyring, { issuer, audience: 'api' }); // a Keyring: no promise
 */
export function verifyJwtNow(
  token: string,
  keys: VerificationKeySource,
  options: VerifyJwtOptions = {},
): VerifiedJwt | Promise<VerifiedJwt> {
  const clockTolerance = checkClockTolerance(options.clockTolerance, options.maxClockTolerance);
  const [headerSegment, payloadSegment, signatureSegment] = splitToken(
    token,
    options.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH,
  );
  const header = headerOf(headerSegment);

  const accepted = keys.algorithms() as readonly string[];
  if (header.alg.toLowerCase() === 'none' || !accepted.includes(header.alg)) {
    throw new JwtVerificationError('ERR_JWT_ALG', `The algorithm ${header.alg} is not accepted.`);
  }
  checkTokenType(header, options.acceptedTypes);
  if (!isCanonicalBase64url(payloadSegment) || !isCanonicalBase64url(signatureSegment)) {
    throw malformed('The JWT is not canonical base64url.');
  }

  const verifiedWith = (key: VerificationKey): VerifiedJwt => {
    // The payload is decoded once, by jsonwebtoken, and only read once its signature is proved.
    const payload = checkSignature(token, key);
    rememberVerifiedHeader(headerSegment, header);
    const now = options.now ?? Date.now;
    const claims = checkAccessTokenClaims(payload, {
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance,
      nowSeconds: Math.floor(now() / 1000),
    });
    return { header: header as JwtHeader & { alg: SigningAlgorithm }, claims, key };
  };
  const key = lookUpKey(keys, header);
  return key instanceof Promise ? key.then(verifiedWith) : verifiedWith(key);
}
