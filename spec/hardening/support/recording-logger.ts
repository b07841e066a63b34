/**
 * A logger for assertions: it keeps every line (level, fields, message) the library writes, in the
 * call shape of pino (`logger.warn({ event, … }, 'message')`). The secrets test uses real pino.
 */
/** A logger that keeps every line (level, fields, message) for assertions; the shape of pino's calls. */
export class RecordingLogger {
  readonly lines: { level: 'info' | 'warn' | 'error'; fields: Record<string, unknown>; message: string | undefined }[] = [];

  info(fields: object, message?: string): void {
    this.lines.push({ level: 'info', fields: { ...fields }, message });
  }

  warn(fields: object, message?: string): void {
    this.lines.push({ level: 'warn', fields: { ...fields }, message });
  }

  error(fields: object, message?: string): void {
    this.lines.push({ level: 'error', fields: { ...fields }, message });
  }

  events(): unknown[] {
    return this.lines.map((line) => line.fields.event);
  }
}
