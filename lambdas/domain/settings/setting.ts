/**
 * What a setting is, in one place for the three layers that handle it (pure: no CDK, no SDK):
 * the construct prop (`EcsWatchdogProps`), the CDK context key (`cdk.json`, `cdk synth -c KEY=value`)
 * and the environment variable the functions read it from. Each setting checks its own values and
 * converts them from context and to and from the environment, so the construct (at synth) and the
 * handlers (at cold start) accept exactly the same values, with the same default and the same message.
 * The catalogue is `settings.ts`; how to add a setting: docs/architecture.md.
 */

/** A bad setting: the message names it (the prop and `-c` key at synth, the variable at runtime). */
export class SettingError extends Error {
  override readonly name = 'SettingError';
}

export type SettingKind = 'integer' | 'duration' | 'flag' | 'text' | 'list' | 'object';

export interface Setting<T> {
  /** How the construct takes it: a `duration` as a CDK Duration (held here in milliseconds). */
  readonly kind: SettingKind;
  /** Path in `EcsWatchdogProps`, e.g. `restartLoop.window`. */
  readonly prop: string;
  /** The CDK context key (`cdk synth -c KEY=value`); its unit is in its name (`…Seconds`, `…Minutes`). */
  readonly context: string;
  /** The environment variable the functions read; undefined for settings only the construct uses. */
  readonly env?: string;
  readonly default: T;
  /** What a valid value is, in words ("an integer from 2 to 100"): every message and the docs use it. */
  readonly expected: string;
  /**
   * Checks a value as the construct takes it (a duration as milliseconds) and returns it normalised;
   * throws a {@link SettingError} starting with `name`. Strings for which `opaque` holds (CDK tokens)
   * pass unchecked.
   */
  check(value: unknown, name: string, opaque?: (text: string) => boolean): T;
  /** A context value (JSON from cdk.json, a string from `-c`) → the value as the construct takes it. */
  fromContext(value: unknown, name: string): unknown;
  /** The value as its environment variable holds it. */
  toEnv(value: T): string;
  /** The text of its environment variable → the value, to be checked. */
  fromEnv(text: string, name: string): unknown;
}

export type SettingValue<S> = S extends Setting<infer T> ? T : never;

const quote = (value: unknown): string => JSON.stringify(value) ?? String(value);

export function fail(name: string, expected: string, value: unknown, shown = quote(value)): never {
  throw new SettingError(`${name} must be ${expected}, got ${shown}`);
}

interface Names {
  readonly prop: string;
  readonly context: string;
  readonly env?: string;
}

const namesOf = ({ prop, context, env }: Names): Names => ({ prop, context, env });

/** The trimmed text of a value given as a string (from `-c` or the environment); undefined for a JSON value. */
function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value.trim() : undefined;
}

function numberFromContext(value: unknown, name: string): number {
  const text = textOf(value);
  const number = text === undefined ? value : text === '' ? Number.NaN : Number(text);
  if (typeof number !== 'number' || !Number.isFinite(number)) fail(name, 'a number', value);
  return number;
}

function integerFromEnv(text: string, name: string, unit = ''): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value)) fail(name, `an integer${unit}`, text);
  return value;
}

export function integer(names: Names & { default: number; min: number; max: number }): Setting<number> {
  const expected = `an integer from ${names.min} to ${names.max}`;
  return {
    kind: 'integer',
    ...namesOf(names),
    default: names.default,
    expected,
    check(value, name) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < names.min || value > names.max) {
        fail(name, expected, value);
      }
      return value;
    },
    fromContext: numberFromContext,
    toEnv: String,
    fromEnv: (text, name) => integerFromEnv(text, name),
  };
}

const UNIT_MS = { ms: 1, s: 1000, min: 60_000 } as const;
type Unit = keyof typeof UNIT_MS;

/** "100 ms", "20 s", "15 min", "24 h": how a duration reads in a message. */
export function describeMs(ms: number): string {
  if (ms === 0) return '0 s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/**
 * A duration, held as milliseconds: a whole number of `step` units within [min, max]. `contextUnit` is the
 * unit of its context key (decimals allowed: `-c loopWindowMinutes=1.5` is 90 s), `envUnit` the unit of
 * its environment variable (an integer).
 */
export function duration(
  names: Names & {
    defaultMs: number;
    minMs: number;
    maxMs: number;
    step: Unit;
    contextUnit: Exclude<Unit, 'ms'>;
    envUnit?: Exclude<Unit, 'min'>;
    /** Why the range is what it is, added to the message. */
    why?: string;
  },
): Setting<number> {
  const step = UNIT_MS[names.step];
  const whole = { ms: '', s: 'whole seconds ', min: 'whole minutes ' }[names.step];
  const expected = `${whole}from ${describeMs(names.minMs)} to ${describeMs(names.maxMs)}${names.why ? ` (${names.why})` : ''}`;
  const show = (ms: number) => (names.step === 'ms' ? describeMs(ms) : `${ms / 1000} s`);
  const envUnit = UNIT_MS[names.envUnit ?? 's'];
  const envUnitName = names.envUnit === 'ms' ? ' (milliseconds)' : ' (seconds)';
  return {
    kind: 'duration',
    ...namesOf(names),
    default: names.defaultMs,
    expected,
    check(value, name) {
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(name, `a duration ${expected}`, value);
      if (value % step !== 0 || value < names.minMs || value > names.maxMs) fail(name, expected, value, show(value));
      return value;
    },
    fromContext: (value, name) => Math.round(numberFromContext(value, name) * UNIT_MS[names.contextUnit]),
    toEnv: (ms) => String(ms / envUnit),
    fromEnv: (text, name) => integerFromEnv(text, name, envUnitName) * envUnit,
  };
}

export function flag(names: Names & { default: boolean }): Setting<boolean> {
  return {
    kind: 'flag',
    ...namesOf(names),
    default: names.default,
    expected: 'true or false',
    check(value, name) {
      if (typeof value !== 'boolean') fail(name, 'true or false', value);
      return value;
    },
    fromContext(value, name) {
      if (typeof value === 'boolean') return value;
      const text = textOf(value)?.toLowerCase();
      if (text === 'true' || text === 'false') return text === 'true';
      return fail(name, 'true or false', value);
    },
    toEnv: String,
    fromEnv(text, name) {
      return this.fromContext(text, name);
    },
  };
}

/** A string, checked by `invalid`, which says why a value is not valid (undefined when it is). */
export function text<T extends string | undefined>(
  names: Names & { default: T; expected: string; invalid: (value: string) => string | undefined },
): Setting<T | string> {
  return {
    kind: 'text',
    ...namesOf(names),
    default: names.default,
    expected: names.expected,
    check(value, name, opaque) {
      if (typeof value !== 'string') fail(name, names.expected, value);
      if (opaque?.(value)) return value;
      const why = names.invalid(value);
      if (why !== undefined) throw new SettingError(`${name} ${quote(value)} ${why}`);
      return value;
    },
    fromContext(value, name) {
      if (typeof value !== 'string') fail(name, 'a string', value);
      return value;
    },
    toEnv: (value) => value ?? '',
    fromEnv: (value) => value,
  };
}

/** A list given as a JSON array, or (from `-c` and the environment) as "a,b" or '["a","b"]'. */
export function parseList(value: unknown, name: string): unknown[] {
  let list = value;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.startsWith('[')) {
      try {
        list = JSON.parse(trimmed);
      } catch {
        fail(name, 'a JSON array of strings or a comma-separated list', value);
      }
    } else {
      list = trimmed
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    }
  }
  if (!Array.isArray(list)) fail(name, 'a JSON array of strings or a comma-separated list', value);
  return list;
}

function parseJsonArray(text: string, name: string): unknown[] {
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value)) return value;
  } catch {
    // named below
  }
  return fail(name, 'a JSON array of strings', text);
}

/** A JSON object, or its JSON text. */
export function parseObject(value: unknown, name: string): Record<string, unknown> {
  let object = value;
  if (typeof value === 'string') {
    try {
      object = JSON.parse(value);
    } catch {
      fail(name, 'a JSON object', value);
    }
  }
  if (typeof object !== 'object' || object === null || Array.isArray(object)) fail(name, 'a JSON object', value);
  return object as Record<string, unknown>;
}

/**
 * A list of strings, each checked by `item` (returns why one is not valid); duplicates are dropped.
 * In the environment: comma-separated (`json: false`) or a JSON array (`json: true`, for items that may
 * hold commas, such as regular expressions).
 */
export function list<T extends string>(
  names: Names & {
    default: readonly T[] | undefined;
    expected: string;
    json: boolean;
    /** Why an item is not valid, or undefined. */
    invalid: (item: string) => string | undefined;
    /** An empty list is refused with this reason (it would mean something else than "not set"). */
    nonEmpty?: string;
    /** Why an item of the environment variable is not valid there (e.g. it must be an ARN). */
    invalidInEnv?: (item: string) => string | undefined;
  },
): Setting<readonly T[] | undefined> {
  return {
    kind: 'list',
    ...namesOf(names),
    default: names.default,
    expected: names.expected,
    check(value, name, opaque) {
      if (!Array.isArray(value)) fail(name, names.expected, value);
      if (value.length === 0 && names.nonEmpty) throw new SettingError(`${name} must not be empty: ${names.nonEmpty}`);
      const items: T[] = [];
      for (const item of value) {
        if (typeof item !== 'string') throw new SettingError(`${name}: ${quote(item)} is not ${names.expected}`);
        const why = opaque?.(item) ? undefined : names.invalid(item);
        if (why !== undefined) throw new SettingError(`${name}: ${quote(item)} ${why}`);
        if (!items.includes(item as T)) items.push(item as T);
      }
      return items;
    },
    fromContext(value, name) {
      const items = parseList(value, name);
      if (!items.every((item) => typeof item === 'string')) {
        fail(name, 'a JSON array of strings or a comma-separated list', value);
      }
      return items;
    },
    toEnv: (value) => (names.json ? JSON.stringify(value ?? []) : (value ?? []).join(',')),
    fromEnv(value, name) {
      const items = names.json ? parseJsonArray(value, name) : parseList(value, name);
      for (const item of items) {
        const why = typeof item === 'string' ? names.invalidInEnv?.(item) : undefined;
        if (why !== undefined) throw new SettingError(`${name}: ${quote(item)} ${why}`);
      }
      return items;
    },
  };
}
