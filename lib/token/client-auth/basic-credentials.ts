/**
 * RFC 6749 §2.3.1 — client credentials in an `Authorization: Basic` header (RFC 7617).
 *
 * The client id and secret are each encoded with `application/x-www-form-urlencoded` (RFC 6749
 * Appendix B) before being joined by `:` and base64-encoded, so after base64 decoding each is
 * form-decoded: `+` is a space and `%XX` an octet of UTF-8. A malformed `%` sequence is not a
 * credential at all (`invalid_client`).
 */

const BASIC_SCHEME = /^basic(?: |$)/i;

/**
 * Whether an `Authorization` header uses the Basic scheme (case-insensitive, RFC 9110 §11.1).
 *
 * @example
 * isBasicAuthorization('Basic YTpi'); // true
 */
export function isBasicAuthorization(header: string | undefined): header is string {
  return header !== undefined && BASIC_SCHEME.test(header);
}

/**
 * The form-decoded client id of a Basic header (everything before the first `:`), or `undefined`
 * when the header cannot be read. Used to compare with a `client_id` parameter before
 * authenticating.
 *
 * @example
 * readBasicClientId('Basic ' + Buffer.from('my%3Aclient:secret').toString('base64')); // 'my:client'
 */
export function readBasicClientId(header: string): string | undefined {
  const credentials = readBasicCredentials(header);
  return credentials && formDecode(credentials.id);
}

/** The two halves of a Basic header's credentials, still form-encoded. */
export interface EncodedBasicCredentials {
  id: string;
  secret: string;
}

/**
 * The client id and secret of a Basic header, split at the FIRST colon (RFC 7617 §2: the user-id
 * cannot hold one, the password can), not yet form-decoded; `undefined` when either is empty or
 * the header holds no colon.
 *
 * @example
 * readBasicCredentials('Basic ' + Buffer.from('client:se:cret').toString('base64')); // { id: 'client', secret: 'se:cret' }
 */
export function readBasicCredentials(header: string): EncodedBasicCredentials | undefined {
  const encoded = header.slice('Basic'.length).trim();
  if (encoded.length === 0) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) return undefined;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * Decodes one `application/x-www-form-urlencoded` value: `+` → space, then `%XX` sequences.
 * `undefined` for a malformed sequence (a stray `%`, invalid UTF-8).
 *
 * @example
 * formDecode('a%3Ab+c%25'); // 'a:b c%'
 */
export function formDecode(value: string): string | undefined {
  if (!value.includes('%') && !value.includes('+')) return value;
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
