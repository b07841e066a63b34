/**
 * The registration API's own JSON body parser — RFC 7591 §3.1 (a registration request is an
 * `application/json` object).
 *
 * Strict `express.json` with a size limit, wrapped so that every way a body can be wrong ends in
 * an OAuth JSON error here (400 `invalid_request`, 413 for a body over the limit) and nothing
 * reaches the host's error handler.
 */
import express from 'express';
import type { Request, RequestHandler } from 'express';
import { OAuthError, renderOAuthError } from '../errors';

/** body-parser's error: `type` names what went wrong. */
interface BodyParserError {
  type?: unknown;
  status?: unknown;
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The OAuth error for what body-parser rejected; never its message. */
function parserError(error: unknown): OAuthError {
  const type = typeof error === 'object' && error !== null ? (error as BodyParserError).type : undefined;
  switch (type) {
    case 'entity.too.large':
      return new OAuthError('invalid_request', 'The request body is too large.', { status: 413 });
    case 'entity.parse.failed':
      return new OAuthError('invalid_request', 'The request body is not valid JSON.');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new OAuthError('invalid_request', 'The request body must be UTF-8 JSON without a content encoding.');
    default:
      return new OAuthError('invalid_request', 'The request body could not be read.');
  }
}

/**
 * Parses an `application/json` body (objects and arrays only) into `req.body`; a request with no
 * body leaves `req.body` undefined, a body of another type is refused.
 *
 * @example
 * router.post('/register', jsonBody('16kb'), handler);
 */
export function jsonBody(limit: number | string): RequestHandler {
  const parse = express.json({ strict: true, limit, type: () => true });
  return (req, res, next) => {
    if (!hasBody(req)) {
      next();
      return;
    }
    if (req.is('application/json') === false) {
      renderOAuthError(res, new OAuthError('invalid_request', 'The request body must be application/json.'));
      return;
    }
    parse(req, res, (error?: unknown) => {
      if (error !== undefined && error !== null) renderOAuthError(res, parserError(error));
      else next();
    });
  };
}
