/**
 * The CLI's two kinds of failure: a wrong argument (exit 2, with a pointer to `--help`) and a
 * command that could not be carried out (exit 1). Both print one line, never a stack trace.
 */

/** A wrong or missing argument; `command` names the command whose `--help` explains it. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The command ran but could not finish: the database is unreachable, the client does not exist, … */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

/** The first line of an error's message, shortened: enough to act on, never a stack. */
export function shortReason(error: unknown, maxLength = 200): string {
  // Duck-typed, not `instanceof Error`: errors from another realm (a vm context, a worker) count too.
  const fields = typeof error === 'object' && error !== null ? (error as { message?: unknown; name?: unknown }) : {};
  const message = typeof fields.message === 'string' ? fields.message : String(error);
  const firstLine = message.split('\n', 1)[0]?.trim() ?? '';
  const reason = firstLine.length > 0 ? firstLine : typeof fields.name === 'string' ? fields.name : 'unknown error';
  return reason.length > maxLength ? `${reason.slice(0, maxLength - 1)}…` : reason;
}
