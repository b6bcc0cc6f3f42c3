import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ClusterRef } from './config.js';

/** An ARN for a policy, and how cdk-nag prints it (an environment-agnostic stack's tokens as `<AWS::…>`). */
export interface ArnPattern {
  arn: string;
  nagArn: string;
}

/** A watched cluster's ARN: given, or built from its name in the stack's account and region. */
export function clusterArnOf(scope: Construct, ref: ClusterRef): string {
  if (ref.kind === 'arn') return ref.arn;
  return Stack.of(scope).formatArn({
    service: 'ecs',
    resource: 'cluster',
    resourceName: ref.name,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/** How cdk-nag renders an ARN built with Stack.formatArn in an environment-agnostic stack. */
export function nagArn(service: string, resource: string): string {
  return `arn:<AWS::Partition>:${service}:<AWS::Region>:<AWS::AccountId>:${resource}`;
}
