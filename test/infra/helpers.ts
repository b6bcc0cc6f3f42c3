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
