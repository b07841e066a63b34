/**
 * G2P Connect Authz API 1.0.0 — seed `002_8d4c40ce15deed33.txt`.
 *
 * > AUTHZ-TOKN : /oauth2/client/token
 * > 1. … in compliance with OAuth2 RFC 6749 to authenticate registered confidential clients with grant_type=client_credentials
 * > 3. RFC 6749 section 4.4.3 recommends NO support for refresh access_token.
 * > 4. Successfully authenticated clients SHALL receive bearer type access_token.
 * > 6. Rest end points SHALL return http status 401 when access_token is invalid or expired.
 * > header Parameters: accept-language (default en); timestamp (required) "request timestamp in HTTP
 * > Date format - Tue, 06 Mar 2020 21:00:00 GMT"; message_id "Unique message id to communicate
 * > between sender and receiver systems".
 * > Request Body schema: application/x-www-form-urlencoded — grant_type, client_id, client_secret, scope.
 * > Response: { "access_token": "2YotnFZFEjr1zCsicMWpAA", "token_type": "bearer", "expires_in": "36000" }
 *
 * So: form bodies only; `timestamp` required and parsed as an HTTP-date (RFC 9110 §5.6.7, all three
 * formats), else 400 `invalid_request`; `message_id` echoed on every answer; `accept-language`
 * tolerated; the client credentials grant only (no refresh tokens); the response carries exactly
 * `access_token`, `token_type: "bearer"` and `expires_in` (a JSON number, as RFC 6749 §5.1 has it,
 * not the sample's string). Rule 6 is `requireToken`'s own behaviour: 401 `invalid_token`.
 * Basic credentials stay accepted (RFC 6749 §2.3.1: the server MUST support them).
 */
import type { Request } from 'express';
import { OAuthError } from '../errors';
import { parseHttpDate } from './http-date';
import { defineProfile } from './profile';

const BAD_TIMESTAMP = new OAuthError(
  'invalid_request',
  'The timestamp header must be an HTTP-date, e.g. Tue, 06 Mar 2020 21:00:00 GMT.',
);

/** A `message_id` worth echoing: visible ASCII and spaces, bounded. Anything else is not echoed. */
const ECHOABLE_MESSAGE_ID = /^[\x20-\x7e]{1,256}$/;

/**
 * Refuses a request whose `timestamp` header is not one HTTP-date (its presence is checked by
 * `requiredHeaders` first).
 *
 * @example
 * checkTimestamp(req); // undefined for 'Tue, 06 Mar 2020 21:00:00 GMT', an OAuthError for 'yesterday'
 */
export function checkTimestamp(req: Request): OAuthError | undefined {
  const timestamp = req.headers.timestamp;
  return typeof timestamp === 'string' && parseHttpDate(timestamp) !== undefined ? undefined : BAD_TIMESTAMP;
}

/**
 * The `message_id` header to echo, if the request carried a usable one.
 *
 * @example
 * echoMessageId(req); // { message_id: '123456789020211216223812' }
 */
export function echoMessageId(req: Request): Record<string, string> | undefined {
  const messageId = req.headers.message_id;
  return typeof messageId === 'string' && ECHOABLE_MESSAGE_ID.test(messageId) ? { message_id: messageId } : undefined;
}

export const g2pConnectProfile = defineProfile({
  name: 'g2p-connect',
  tokenPath: '/oauth2/client/token',
  wire: {
    bodyFormats: ['form'],
    requiredHeaders: ['timestamp'],
    validateRequest: checkTimestamp,
    responseHeaders: echoMessageId,
    responseTokenType: 'bearer',
    responseFields: ['access_token', 'token_type', 'expires_in'],
  },
  bearer: {},
  grantTypes: ['client_credentials'],
});
