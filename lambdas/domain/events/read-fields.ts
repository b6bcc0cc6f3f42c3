import { InvalidEventError } from './invalid-event';

/** Small typed readers over untrusted JSON. Each failure names the field path. */
export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(value: unknown, path: string): Json {
  if (!isObject(value)) throw new InvalidEventError(path, `expected an object, got ${describe(value)}`);
  return value;
}

export function requireString(obj: Json, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value === '') {
    throw new InvalidEventError(`${path}.${key}`, `expected a non-empty string, got ${describe(value)}`);
  }
  return value;
}

export function optionalString(obj: Json, key: string, path: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new InvalidEventError(`${path}.${key}`, `expected a string, got ${describe(value)}`);
  return value;
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

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
