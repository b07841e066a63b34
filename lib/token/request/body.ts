/**
 * Reads the token request body (RFC 6749 §4.4.2: `application/x-www-form-urlencoded`; JSON where
 * a profile allows it) with parsers private to the router, so the host app's parsers are never
 * touched. A body the host app already parsed is used as it is. Every parser failure becomes an
 * `invalid_request` here: nothing reaches the host app's error handler.
 */
import express from 'express';
import type { Request, RequestHandler, Response } from 'express';
import { OAuthError } from '../../errors';
import type { BodyFormat } from '../wire';

const MEDIA_TYPES: Readonly<Record<BodyFormat, string>> = {
  form: 'application/x-www-form-urlencoded',
  json: 'application/json',
};

interface FormatParser {
  format: BodyFormat;
  parse: RequestHandler;
}

export interface BodyReaderOptions {
  formats: readonly BodyFormat[];
  /** Largest accepted body: bytes, or a string such as `'16kb'`. */
  limit: string | number;
}

/** Reads a request's body: the parsed parameters object, or `undefined` when there is no body. */
export type BodyReader = (req: Request, res: Response) => Promise<unknown>;

/**
 * A body reader for the enabled formats; the parsers are built once, here.
 *
 * @example
 * const readBody = createBodyReader({ formats: ['form', 'json'], limit: '16kb' });
 * const body = await readBody(req, res); // { grant_type: 'client_credentials', … } or undefined
 */
export function createBodyReader({ formats, limit }: BodyReaderOptions): BodyReader {
  // The media type is matched here, once; body-parser is told not to match it again (`type`).
  const parsers = new Map<string, FormatParser>(
    formats.map((format) => [
      MEDIA_TYPES[format],
      {
        format,
        parse:
          format === 'form'
            ? express.urlencoded({ extended: false, limit, type: anyType })
            : express.json({ limit, strict: true, type: anyType }),
      },
    ]),
  );
  const mediaTypes = [...parsers.keys()];
  const unsupportedType = new OAuthError(
    'invalid_request',
    `The request body must be ${mediaTypes.join(' or ')}.`,
  );

  return async (req, res) => {
    if (!hasBody(req)) return undefined;
    const parser = parsers.get(mediaTypeOf(req.headers['content-type']));
    if (!parser) throw unsupportedType;
    try {
      await runParser(parser.parse, req, res);
    } catch (error) {
      throw bodyError(error, parser.format);
    }
    return req.body as unknown;
  };
}

const anyType = (): boolean => true;

/** The media type of a `Content-Type` value, lower case, without parameters (RFC 9110 §8.3.1). */
function mediaTypeOf(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/** A body is announced by `Transfer-Encoding` or a non-zero `Content-Length` (RFC 9112 §6.3). */
function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

function runParser(parse: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    void parse(req, res, (error?: unknown) => (error ? reject(error instanceof Error ? error : new Error('body parser failed')) : resolve()));
  });
}

const TOO_LARGE = new OAuthError('invalid_request', 'The request body is too large.', { status: 413 });
const BAD_JSON = new OAuthError('invalid_request', 'The request body is not valid JSON.');
const BAD_FORM = new OAuthError('invalid_request', 'The request body is not a valid form.');
const BAD_ENCODING = new OAuthError('invalid_request', 'The request body uses an unsupported charset or encoding.', {
  status: 415,
});
const UNREADABLE = new OAuthError('invalid_request', 'The request body could not be read.');

/** body-parser errors carry a stable `type`; map it, never its message. */
function bodyError(error: unknown, format: BodyFormat): OAuthError {
  const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  switch (type) {
    case 'entity.too.large':
    case 'parameters.too.many':
      return TOO_LARGE;
    case 'entity.parse.failed':
    case 'querystring.parse.rangeError':
      return format === 'json' ? BAD_JSON : BAD_FORM;
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return BAD_ENCODING;
    default:
      return UNREADABLE;
  }
}
