import { Duration } from 'aws-cdk-lib';
import type { Severity } from '../lambdas/domain/taxonomy.js';
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
  'clusters',
  'teamTagKey',
  'mutedCategories',
  'severityOverrides',
  'logExcerptLines',
  'enrichmentBudgetSeconds',
  'redactPatterns',
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
  const enrichmentBudgetSeconds = optionalNumber(read, 'enrichmentBudgetSeconds');
  const props: EcsWatchdogProps = {
    alertEmail: optionalString(read, 'alertEmail'),
    clusters: optionalList(read, 'clusters'),
    teamTagKey: optionalString(read, 'teamTagKey'),
    mutedCategories: optionalList(read, 'mutedCategories'),
    severityOverrides: optionalObject(read, 'severityOverrides'),
    logExcerptLines: optionalNumber(read, 'logExcerptLines'),
    redactPatterns: optionalList(read, 'redactPatterns'),
    enrichmentBudget:
      enrichmentBudgetSeconds === undefined ? undefined : Duration.millis(Math.round(enrichmentBudgetSeconds * 1000)),
  };
  // Leave unset settings out, so the construct's defaults apply.
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined)) as EcsWatchdogProps;
}
