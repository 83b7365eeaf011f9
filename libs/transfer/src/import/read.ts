/**
 * Checked reads of an untrusted JSON file. The first problem stops the import
 * and names where it is (`conversations[3].mapping["abc"].parent`), so the
 * user can fix it; nothing is written before the whole file has been read.
 */
export class ImportProblem extends Error {
  constructor(
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
  }
}

export function fail(where: string, problem: string): never {
  throw new ImportProblem(where, problem);
}

/** `base.key`, or `base["key"]` for keys that are not plain names (node ids). */
export const field = (base: string, key: string) => (base ? `${base}.${key}` : key);
export const entry = (base: string, key: string) => `${base}[${JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key)}]`;
export const item = (base: string, index: number) => `${base}[${index}]`;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readObject(value: unknown, where: string): Record<string, unknown> {
  if (!isObject(value)) fail(where, 'must be an object');
  return value;
}

export function readArray(value: unknown, where: string, max: number): unknown[] {
  if (!Array.isArray(value)) fail(where, 'must be an array');
  if (value.length > max) fail(where, `too many items (${value.length}, at most ${max})`);
  return value;
}

export function readString(value: unknown, where: string, max: number): string {
  if (typeof value !== 'string') fail(where, 'must be a string');
  if (value.length > max) fail(where, `too long (${value.length} characters, at most ${max})`);
  return value;
}

export function readOptionalString(value: unknown, where: string, max: number): string | null {
  return value === undefined || value === null ? null : readString(value, where, max);
}

export function readInteger(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(where, 'must be an integer');
  if (value < min || value > max) fail(where, `must be between ${min} and ${max}`);
  return value;
}

export function readOptionalInteger(value: unknown, where: string, min: number, max: number): number | null {
  return value === undefined || value === null ? null : readInteger(value, where, min, max);
}

export function readOptionalNumber(value: unknown, where: string, min: number, max: number): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(where, 'must be a number');
  if (value < min || value > max) fail(where, `must be between ${min} and ${max}`);
  return value;
}

/** Times from year 1970 to 9999: what timestamptz and every client render. */
const LATEST = Date.UTC(9999, 11, 31);

export function readDate(value: unknown, where: string): Date {
  if (typeof value !== 'string') fail(where, 'must be a date-time string');
  const time = Date.parse(value);
  if (!Number.isFinite(time) || time < 0 || time > LATEST) fail(where, 'must be an ISO 8601 date-time');
  return new Date(time);
}

export function readOptionalDate(value: unknown, where: string): Date | null {
  return value === undefined || value === null ? null : readDate(value, where);
}

/** Seconds since the epoch (ChatGPT's times, fractional). */
export function readOptionalEpoch(value: unknown, where: string): Date | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value * 1000 > LATEST) fail(where, 'must be seconds since 1970');
  return new Date(Math.round(value * 1000));
}
