import { Duration } from 'aws-cdk-lib';
import type { Severity } from '../lambdas/domain/stops/taxonomy.js';
import type { EcsWatchdogProps } from './ecs-watchdog.js';

/**
 * Reads the watchdog settings from CDK context (`cdk.json` "context", or `cdk synth -c key=value`).
 * Values from cdk.json arrive as JSON values, values from `-c` as strings: both are accepted. A value of
 * the wrong shape fails with a message naming the setting; ranges and allowed values are checked by
 * the construct itself (infra/config.ts).
 */
export type ContextReader = (key: string) => unknown;

export const CONTEXT_KEYS = [
  'alertEmail',
  'opsEmail',
  'clusters',
  'teamTagKey',
  'mutedCategories',
  'severityOverrides',
  'logExcerptLines',
  'enrichmentBudgetSeconds',
  'redactPatterns',
  'loopThreshold',
  'loopWindowMinutes',
  'groupWaitSeconds',
  'quietPeriodMinutes',
  'capacityScanEnabled',
  'capacityScanMinutes',
  'freeIpThreshold',
] as const;

function fail(key: string, expected: string, value: unknown): never {
  throw new Error(`cdk context "${key}" must be ${expected}, got ${JSON.stringify(value)}`);
}

function optionalString(read: ContextReader, key: string): string | undefined {
  const value = read(key);
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') fail(key, 'a string', value);
  return value;
}

/** A list: a JSON array, or a comma-separated string ("a,b" or '["a","b"]'). */
function optionalList(read: ContextReader, key: string): string[] | undefined {
  let value = read(key);
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('[')) {
      try {
        value = JSON.parse(text);
      } catch {
        fail(key, 'a JSON array of strings or a comma-separated list', value);
      }
    } else {
      value = text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    }
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    fail(key, 'a JSON array of strings or a comma-separated list', value);
  }
  return value;
}

function optionalNumber(read: ContextReader, key: string): number | undefined {
  const value = read(key);
  if (value === undefined || value === '') return undefined;
  const number = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) fail(key, 'a number', value);
  return number;
}

/** true/false from cdk.json, "true"/"false" from `-c`. */
function optionalBoolean(read: ContextReader, key: string): boolean | undefined {
  const value = read(key);
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (text === 'true') return true;
  if (text === 'false') return false;
  return fail(key, 'true or false', value);
}

/** A number of seconds or minutes as a Duration (to the millisecond: the construct rejects what is not whole). */
function optionalDuration(read: ContextReader, key: string, unitMs: number): Duration | undefined {
  const amount = optionalNumber(read, key);
  return amount === undefined ? undefined : Duration.millis(Math.round(amount * unitMs));
}

const SECOND_MS = 1000;
const MINUTE_MS = 60_000;

/** Leaves unset settings out, so that the construct's defaults apply; undefined when none is set. */
function definedOnly<T extends object>(settings: T): T | undefined {
  const entries = Object.entries(settings).filter(([, value]) => value !== undefined);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as T);
}

function optionalObject(read: ContextReader, key: string): Record<string, Severity> | undefined {
  let value = read(key);
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      fail(key, 'a JSON object', value);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(key, 'a JSON object', value);
  return value as Record<string, Severity>;
}

export function watchdogPropsFromContext(read: ContextReader): EcsWatchdogProps {
  const props: EcsWatchdogProps = {
    alertEmail: optionalString(read, 'alertEmail'),
    opsEmail: optionalString(read, 'opsEmail'),
    clusters: optionalList(read, 'clusters'),
    teamTagKey: optionalString(read, 'teamTagKey'),
    mutedCategories: optionalList(read, 'mutedCategories'),
    severityOverrides: optionalObject(read, 'severityOverrides'),
    logExcerptLines: optionalNumber(read, 'logExcerptLines'),
    redactPatterns: optionalList(read, 'redactPatterns'),
    enrichmentBudget: optionalDuration(read, 'enrichmentBudgetSeconds', SECOND_MS),
    restartLoop: definedOnly({
      threshold: optionalNumber(read, 'loopThreshold'),
      window: optionalDuration(read, 'loopWindowMinutes', MINUTE_MS),
      groupWait: optionalDuration(read, 'groupWaitSeconds', SECOND_MS),
      quietPeriod: optionalDuration(read, 'quietPeriodMinutes', MINUTE_MS),
    }),
    capacityScan: definedOnly({
      enabled: optionalBoolean(read, 'capacityScanEnabled'),
      schedule: optionalDuration(read, 'capacityScanMinutes', MINUTE_MS),
      freeIpThreshold: optionalNumber(read, 'freeIpThreshold'),
    }),
  };
  return definedOnly(props) ?? {};
}
