/**
 * What the CLI prints: JSON for scripts (`--json`) or aligned plain-text tables for people.
 */

/** Where output goes: `process.stdout`/`process.stderr` or anything with a `write(text)`. */
export interface TextSink {
  write(text: string): unknown;
}

/**
 * Pretty JSON and a newline.
 *
 * @example
 * writeJson(io.stdout, { client_id: 'c1' });
 */
export function writeJson(sink: TextSink, value: unknown): void {
  sink.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Label/value lines with the values aligned; `undefined` values are left out.
 *
 * @example
 * writeFields(io.stdout, [['client_id', 'c1'], ['scope', 'records:read']]);
 * // client_id  c1
 * // scope      records:read
 */
export function writeFields(sink: TextSink, fields: ReadonlyArray<readonly [string, string | undefined]>): void {
  const shown = fields.filter((field): field is readonly [string, string] => field[1] !== undefined);
  const width = Math.max(0, ...shown.map(([label]) => label.length));
  for (const [label, value] of shown) sink.write(`${label.padEnd(width)}  ${value}\n`);
}

/**
 * A table: a header row and one row per item, columns padded to their widest cell.
 *
 * @example
 * writeTable(io.stdout, ['CLIENT ID', 'NAME'], [['c1', 'billing']]);
 */
export function writeTable(sink: TextSink, headers: readonly string[], rows: ReadonlyArray<readonly string[]>): void {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  sink.write(`${line(headers)}\n`);
  for (const row of rows) sink.write(`${line(row)}\n`);
}
