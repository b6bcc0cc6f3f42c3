import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
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

/** The logical id of a construct's CloudFormation resource (its default child, or the construct itself). */
export function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

/** The template entry of a construct's CloudFormation resource: select by construct, never by type. */
export function resourceOf(template: Template, construct: IConstruct): Json {
  const id = logicalIdOf(construct);
  const resource = template.toJSON().Resources?.[id];
  if (resource === undefined) throw new Error(`no resource ${id} in the template`);
  return resource;
}

/** The statements of the default policy of a role (what the function may call). */
export function roleStatements(template: Template, role: IConstruct): Json[] {
  return resourceOf(template, role.node.findChild('DefaultPolicy')).Properties.PolicyDocument.Statement;
}

/** A value the test expects to be there (an optional construct such as the topic key or the capacity scan). */
export function defined<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value, got undefined');
  return value;
}

export function actionsOf(statement: Json): string[] {
  return [statement.Action].flat();
}

export function resourcesOfType(template: Template, type: string): Record<string, Json> {
  return template.findResources(type);
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
