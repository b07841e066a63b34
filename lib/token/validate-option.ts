/**
 * Small assertions for validating `tokenRouter` options once, at construction. Each throws a
 * `TypeError` that names the option, e.g. `tokenRouter: options.issuer must be a non-empty string`.
 */

function fail(name: string, requirement: string): never {
  throw new TypeError(`tokenRouter: ${name} ${requirement}`);
}

export function assertNonEmptyString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) fail(name, 'must be a non-empty string');
}

export function assertBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') fail(name, 'must be a boolean');
}

export function assertFunction(value: unknown, name: string, { optional = false } = {}): void {
  if (optional && value === undefined) return;
  if (typeof value !== 'function') fail(name, 'must be a function');
}

/** A whole number of `unit` from 1 to `max`. */
export function assertPositiveInteger(value: unknown, name: string, max: number, unit: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    fail(name, `must be a whole number of ${unit} from 1 to ${max}`);
  }
}

/** A non-empty array (unless `allowEmpty`) whose items are all in `allowed`. */
export function assertSubsetList(
  value: unknown,
  allowed: readonly string[],
  name: string,
  { allowEmpty = false } = {},
): void {
  const ok =
    Array.isArray(value) &&
    (allowEmpty || value.length > 0) &&
    value.every((item) => typeof item === 'string' && allowed.includes(item));
  if (!ok) {
    const list = allowed.map((v) => `'${v}'`).join(', ');
    fail(name, `must be ${allowEmpty ? 'an' : 'a non-empty'} array of ${list}`);
  }
}

/** A non-empty array of non-empty strings. */
export function assertStringList(value: unknown, name: string): asserts value is string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v.length > 0)) {
    fail(name, 'must be a non-empty array of non-empty strings');
  }
}

/** Refuses a misspelt option instead of silently ignoring it. */
export function assertKnownKeys(value: object, known: readonly string[], name: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new TypeError(`tokenRouter: ${name} has an unknown option '${key}'`);
  }
}
