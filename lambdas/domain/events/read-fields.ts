import { InvalidEventError } from './invalid-event';

/** Small typed readers over untrusted JSON. Each failure names the field path. */
export type Json = Record<string, unknown>;

/**
 * Every string read from an event is bounded (ECS's own limits: names and ARNs stay far below 2048
 * characters, a container `reason` is at most 1024) before anything matches on it, and made well-formed
 * (a lone surrogate becomes U+FFFD: URL encoding and SNS reject it).
 */
export const MAX_FIELD_CHARS = 2048;
export const MAX_REASON_CHARS = 1024;

export function boundedText(value: string, maxChars = MAX_FIELD_CHARS): string {
  const cut = value.length > maxChars ? `${value.slice(0, maxChars - 1)}…` : value;
  return cut.toWellFormed();
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(value: unknown, path: string): Json {
  if (!isObject(value)) throw new InvalidEventError(path, `expected an object, got ${describe(value)}`);
  return value;
}

export function requireString(obj: Json, key: string, path: string, maxChars?: number): string {
  const value = obj[key];
  if (typeof value !== 'string' || value === '') {
    throw new InvalidEventError(`${path}.${key}`, `expected a non-empty string, got ${describe(value)}`);
  }
  return boundedText(value, maxChars);
}

export function optionalString(obj: Json, key: string, path: string, maxChars?: number): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new InvalidEventError(`${path}.${key}`, `expected a string, got ${describe(value)}`);
  return boundedText(value, maxChars);
}

/** Earliest and latest instants accepted as event times: outside them a time is taken as malformed. */
const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(2200, 0, 1);

/** ECS's own time format, in range: what Date.parse accepts, checked at a sixth of its cost. */
const ISO_UTC_IN_RANGE =
  /^2[01]\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?Z$/;

export function isValidTimestamp(text: string): boolean {
  if (ISO_UTC_IN_RANGE.test(text)) return true;
  const ms = Date.parse(text);
  return Number.isFinite(ms) && ms >= MIN_TIME && ms < MAX_TIME;
}

/**
 * An optional time. A malformed one (not a date, or out of range) is left out and named in `missing`,
 * instead of failing the event: classification does not need it.
 */
export function optionalTimestamp(obj: Json, key: string, path: string, missing: string[]): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && isValidTimestamp(value)) return boundedText(value);
  missing.push(`${path}.${key} (malformed: ${describe(value)})`);
  return undefined;
}

/** ECS sends some numbers as strings (container cpu and memory): accept both. */
export function optionalNumber(obj: Json, key: string, path: string): number | undefined {
  const value = obj[key];
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new InvalidEventError(`${path}.${key}`, `expected a number, got ${describe(value)}`);
  }
  return n;
}

export function optionalArray(obj: Json, key: string, path: string): unknown[] {
  const value = obj[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InvalidEventError(`${path}.${key}`, `expected an array, got ${describe(value)}`);
  return value;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
