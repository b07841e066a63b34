/**
 * The logger port: the three levels the library logs at, in pino's call shape
 * (`logger.warn({ event, ip }, 'message')`), so a pino logger (or anything with the same three
 * methods) can be passed in as it is. The library never builds a log object that holds a client
 * secret, a secret hash, an access or refresh token, an `Authorization` header or a store's error
 * message (which can carry a connection string); `LOG_REDACT_PATHS` is the host app's second line
 * of defence for its own request logging.
 */

/** What the library needs of a logger; a pino logger fits. */
export interface Logger {
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

export type LogLevel = keyof Logger;

/** Fields that carry a credential wherever they appear (RFC 6749 §2.3.1, §5.1; RFC 7009 §2.1; RFC 7662 §2.1). */
const CREDENTIAL_FIELDS = ['client_secret', 'token', 'access_token', 'refresh_token'] as const;

/**
 * pino `redact` paths that hide credentials in the host app's own logs: the `Authorization` header
 * (request loggers such as pino-http log `req.headers`), and `client_secret`, `token`,
 * `access_token`, `refresh_token` at the top level, one level down, and in `req.body` /
 * `req.query`. Redaction cannot reach inside a string: do not log raw URLs with their query
 * string, nor raw bodies.
 *
 * @example
 * const logger = pino({ redact: { paths: [...LOG_REDACT_PATHS], censor: '[redacted]' } });
 */
export const LOG_REDACT_PATHS: readonly string[] = Object.freeze([
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  ...CREDENTIAL_FIELDS.flatMap((field) => [field, `*.${field}`, `req.body.${field}`, `req.query.${field}`, `request.body.${field}`]),
]);

/** The longest claimed client id a log line repeats (a request can claim any string). */
const MAX_LOGGED_CLIENT_ID = 128;

/**
 * A claimed client id fit for a log line: as it is up to 128 characters, else cut with `…`.
 *
 * @example
 * loggableClientId('x'.repeat(500)).length; // 129
 */
export function loggableClientId(clientId: string): string {
  return clientId.length <= MAX_LOGGED_CLIENT_ID ? clientId : `${clientId.slice(0, MAX_LOGGED_CLIENT_ID)}…`;
}

/** What a log line says about an error: names and codes, never a message. */
export interface LoggedError {
  name: string;
  code?: string;
  /** The error's `cause` (a store error wraps the driver's), described the same way. */
  cause?: LoggedError;
}

const IDENTIFIER = /^[A-Za-z0-9_$.-]{1,64}$/;

/**
 * What a log line may say about an error: its class name and its `code` when it is a short
 * identifier (`ECONNREFUSED`, `ERR_STORE_UNAVAILABLE`), and the same for its `cause`; never a
 * message (a driver's message can carry a connection string with a password).
 *
 * @example
 * describeErrorForLog(new StoreUnavailableError(undefined, { cause: driverError }));
 * // { name: 'StoreUnavailableError', code: 'ERR_STORE_UNAVAILABLE', cause: { name: 'MongoServerSelectionError' } }
 */
export function describeErrorForLog(error: unknown, depth = 0): LoggedError {
  if (typeof error !== 'object' || error === null) return { name: typeof error };
  const described: LoggedError = { name: error instanceof Error && IDENTIFIER.test(error.name) ? error.name : 'Error' };
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (typeof code === 'string' && IDENTIFIER.test(code)) described.code = code;
  if (cause !== undefined && depth < 2) described.cause = describeErrorForLog(cause, depth + 1);
  return described;
}

/**
 * Writes one log line; a logger that throws never breaks the request being answered.
 *
 * @example
 * log(options.logger, 'warn', { event: 'oauth.brute_force_blocked', ip: req.ip }, 'too many failed authentications');
 */
export function log(logger: Logger | undefined, level: LogLevel, fields: object, message: string): void {
  if (!logger) return;
  try {
    logger[level](fields, message);
  } catch {
    // A broken logger must not turn an answer into an error.
  }
}

/**
 * Checks a `logger` option once, at construction; throws a `TypeError` naming `option`.
 *
 * @example
 * const logger = resolveLogger(options.logger, 'tokenRouter: options.logger'); // Logger | undefined
 */
export function resolveLogger(value: unknown, option: string): Logger | undefined {
  if (value === undefined) return undefined;
  const valid =
    typeof value === 'object' &&
    value !== null &&
    (['info', 'warn', 'error'] as const).every((level) => typeof (value as Record<string, unknown>)[level] === 'function');
  if (!valid) throw new TypeError(`${option} must be a logger with info, warn and error methods (a pino logger fits)`);
  return value as Logger;
}
