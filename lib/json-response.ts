/**
 * Writes a JSON answer straight to Node's response: status, `Content-Type`, `Content-Length`, the
 * given headers, the body. Every answer of the token router and every refusal of the bearer
 * middleware goes out here. Express's `res.json` would also compute an `ETag` (a SHA-1 of the body)
 * and check request freshness — work with no meaning for `no-store` answers to POSTs and bearer
 * refusals, and the largest avoidable cost of a token response. Node itself drops the body of an
 * answer to HEAD.
 */
import type { Response } from 'express';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * @example
 * sendJson(res, 200, { access_token, token_type: 'Bearer' }, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
 */
export function sendJson(res: Response, status: number, body: unknown, headers?: Readonly<Record<string, string>>): void {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

/**
 * `sendJson` for a body already serialised (by a caller that must handle a body JSON cannot hold).
 *
 * @example
 * sendJsonText(res, 401, '{"error":"invalid_token"}', { 'Cache-Control': 'no-store' });
 */
export function sendJsonText(res: Response, status: number, json: string, headers?: Readonly<Record<string, string>>): void {
  res.statusCode = status;
  if (headers) for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', JSON_CONTENT_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}
