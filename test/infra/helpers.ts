import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EcsWatchdog, type EcsWatchdogProps } from '../../infra/ecs-watchdog.js';

/** An app that skips asset bundling: template tests need no esbuild run. */
export function testApp(): App {
  return new App({ context: { 'aws:cdk:bundling-stacks': [] } });
}

export function synthWatchdog(props?: EcsWatchdogProps): { stack: Stack; watchdog: EcsWatchdog; template: Template } {
  const app = testApp();
  const stack = new Stack(app, 'TestStack');
  const watchdog = new EcsWatchdog(stack, 'Watchdog', props);
  return { stack, watchdog, template: Template.fromStack(stack) };
}

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
export type Json = any;

export function resourcesOfType(template: Template, type: string): Record<string, Json> {
  return template.findResources(type);
}

export function onlyResource(template: Template, type: string): Json {
  const found = Object.values(template.findResources(type));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

/**
 * A small EventBridge pattern matcher implementing the documented semantics this project relies on:
 * exact values, prefix, anything-but (values or prefix), exists, and $or. A field named in the pattern
 * must be present in the event unless its matcher is `exists: false`; arrays in a pattern are OR.
 * See https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html
 */
export function matchesPattern(pattern: Json, event: Json): boolean {
  return matchObject(pattern, event);
}

function matchObject(pattern: Json, value: Json): boolean {
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(sub as Json[]).some((alternative) => matchObject(alternative, value))) return false;
      continue;
    }
    const present = value !== null && typeof value === 'object' && key in value;
    const field = present ? value[key] : undefined;
    if (Array.isArray(sub)) {
      if (!sub.some((matcher) => matchLeaf(matcher, present, field))) return false;
    } else {
      if (!present || !matchObject(sub, field)) return false;
    }
  }
  return true;
}

function matchLeaf(matcher: Json, present: boolean, field: Json): boolean {
  if (matcher !== null && typeof matcher === 'object') {
    if ('exists' in matcher) return matcher.exists === present;
    if (!present) return false;
    if ('prefix' in matcher) return typeof field === 'string' && field.startsWith(matcher.prefix);
    if ('anything-but' in matcher) {
      const excluded = matcher['anything-but'];
      if (excluded !== null && typeof excluded === 'object' && !Array.isArray(excluded) && 'prefix' in excluded) {
        return typeof field === 'string' && !field.startsWith(excluded.prefix);
      }
      const values = Array.isArray(excluded) ? excluded : [excluded];
      return !values.includes(field);
    }
    throw new Error(`matcher not supported by the test matcher: ${JSON.stringify(matcher)}`);
  }
  return present && field === matcher;
}
