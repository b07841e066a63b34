/**
 * The optional logger the host app passes to `tokenRouter`, `registrationRouter` and
 * `requireToken` (a pino logger fits), and the redaction paths to give pino.
 */
export type { LoggedError, Logger, LogLevel } from './logger';
export { LOG_REDACT_PATHS, describeErrorForLog, log, loggableClientId, resolveLogger } from './logger';
