import { ArnFormat, type Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CENTRAL_LOOKUP_ROLE_PATH } from '../lambdas/domain/accounts/member-accounts.js';
import { RESOURCE_ENV, type SettingName, settingsEnvironment } from '../lambdas/domain/settings/settings.js';
import { clusterArnOf } from './arns.js';
import type { ClusterRef, WatchdogSettings } from './config.js';
import type { Incidents } from './incidents.js';
import { MEMBER_LOOKUP_SETTINGS } from './member-access.js';
import { TOPIC_KEY_GRANT_ACKNOWLEDGEMENT } from './nag-reasons.js';
import { handlerEntry, WatchdogFunction } from './watchdog-function.js';

export interface RolloutWatchProps {
  readonly settings: WatchdogSettings;
  readonly alertTopic: sns.ITopic;
  /** The incident store and timers: steady state closes incidents, failed rollouts open the ones stops fold into. */
  readonly incidents: Incidents;
  readonly deadLetterQueue: sqs.IQueue;
  readonly logRetention: logs.RetentionDays;
  /** Services of the watched clusters (ARN patterns), each with the way cdk-nag prints it. */
  readonly services: { arn: string; nagArn: string }[];
  /** Accounts whose events the rules accept (this one and EcsWatchdogProps.memberAccounts); undefined: any (an organization). */
  readonly eventAccounts: string[] | undefined;
  /** How the rules retry delivery before dead-lettering (the same policy as the task-stopped rule). */
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
}

/** The settings the rollout handler reads from its environment (besides the incident ones). */
export const ROLLOUT_SETTINGS = [
  'teamTagKey',
  'enrichmentBudget',
  'severityOverrides',
  // The redaction gate of every alert applies the operator's extra patterns too.
  'redactPatterns',
  ...MEMBER_LOOKUP_SETTINGS,
] as const satisfies readonly SettingName[];

/**
 * Deployment and service-action events → the `rollout` handler: one story per failed deployment,
 * placement diagnoses, and the other service actions worth a look.
 */
export class RolloutWatch extends Construct {
  readonly handler: WatchdogFunction;
  readonly deploymentRule: events.Rule;
  readonly serviceActionRule: events.Rule;

  constructor(scope: Construct, id: string, props: RolloutWatchProps) {
    super(scope, id);
    const { settings } = props;
    this.handler = new WatchdogFunction(this, 'Rollout', {
      entry: handlerEntry('rollout'),
      description: 'ECS Watchdog: tells the story of failed deployments and diagnoses service actions',
      rolePath: CENTRAL_LOOKUP_ROLE_PATH,
      logRetention: props.logRetention,
      deadLetterQueue: props.deadLetterQueue,
      environment: {
        [RESOURCE_ENV.alertTopicArn]: props.alertTopic.topicArn,
        ...settingsEnvironment(settings, ROLLOUT_SETTINGS),
        ...props.incidents.environment,
      },
    });
    const target = () =>
      new targets.LambdaFunction(this.handler.function, {
        retryAttempts: props.retryAttempts,
        maxEventAge: props.maxEventAge,
        deadLetterQueue: props.deadLetterQueue,
      });
    const clusters = settings.clusters;
    this.deploymentRule = new events.Rule(this, 'DeploymentRule', {
      description: 'ECS service deployments: failures, circuit-breaker rollbacks and their completion',
      eventPattern: deploymentPattern(clusters && this.serviceArnPrefixes(clusters), props.eventAccounts),
      targets: [target()],
    });
    this.serviceActionRule = new events.Rule(this, 'ServiceActionRule', {
      description: 'ECS service actions: WARN and ERROR events, and SERVICE_STEADY_STATE (closes incidents)',
      eventPattern: serviceActionPattern(
        clusters?.map((ref) => clusterArnOf(this, ref)),
        props.eventAccounts,
      ),
      targets: [target()],
    });
    this.grant(props);
  }

  /** Deployment events name only the service (in `resources`): `arn:...:service/CLUSTER/`. */
  private serviceArnPrefixes(clusters: readonly ClusterRef[]): string[] {
    return clusters.map((ref) =>
      ref.kind === 'arn'
        ? `${ref.arn.replace(/:cluster\//, ':service/')}/`
        : `${Stack.of(this).formatArn({ service: 'ecs', resource: 'service', resourceName: ref.name, arnFormat: ArnFormat.SLASH_RESOURCE_NAME })}/`,
    );
  }

  private grant(props: RolloutWatchProps): void {
    const stack = Stack.of(this);
    const role = this.handler.role;
    const arn = (resource: string, resourceName: string) =>
      stack.formatArn({ service: 'ecs', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    props.alertTopic.grantPublish(role);
    props.incidents.grantIncidentTracking(role);
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadServices',
        actions: ['ecs:DescribeServices'],
        resources: props.services.map((s) => s.arn),
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTasksAndInstances',
        actions: ['ecs:DescribeTasks', 'ecs:DescribeContainerInstances'],
        resources: [arn('task', '*'), arn('container-instance', '*')],
      }),
    );
    // The watched clusters, or every cluster of this account and region.
    const clusters = props.settings.clusters?.map((ref) => clusterArnOf(this, ref)) ?? [arn('cluster', '*')];
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListContainerInstances',
        actions: ['ecs:ListContainerInstances'],
        resources: clusters,
      }),
    );
    // ListTasks has no resource type to scope; its ecs:cluster condition key narrows it to those clusters.
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListTasks',
        actions: ['ecs:ListTasks'],
        resources: ['*'],
        conditions: { ArnLike: { 'ecs:cluster': clusters } },
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTaskDefinitionsAndNetworkCapacity',
        // The placement diagnosis reads instances' network interfaces as the capacity scan does.
        actions: [
          'ecs:DescribeTaskDefinition',
          'ec2:DescribeSubnets',
          'ec2:DescribeInstanceTypes',
          'ec2:DescribeInstances',
        ],
        resources: ['*'],
      }),
    );
    const nag = (resource: string) => `arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:${resource}`;
    Validations.of(role.node.findChild('DefaultPolicy')).acknowledge(
      TOPIC_KEY_GRANT_ACKNOWLEDGEMENT,
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'ecs:DescribeTaskDefinition, ec2:DescribeSubnets, ec2:DescribeInstanceTypes and ec2:DescribeInstances support ' +
          'no resource-level permissions; ecs:ListTasks is listed on "*" but limited to the watched clusters by its ' +
          'ecs:cluster condition. All read-only.',
      },
      ...(props.settings.clusters === undefined
        ? [
            {
              id: `AwsSolutions-IAM5[Resource::${nag('cluster/*')}]`,
              reason:
                'ecs:ListContainerInstances lists the instances of the cluster a placement failure happened in, which can be ' +
                'any cluster of this account and region when none is configured. Read-only.',
            },
          ]
        : []),
      {
        id: `AwsSolutions-IAM5[Resource::${nag('task/*')}]`,
        reason:
          'ecs:DescribeTasks reads the stopped tasks of a failed deployment, which can be in any watched cluster. Read-only.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nag('container-instance/*')}]`,
        reason:
          'ecs:DescribeContainerInstances reads remaining CPU, memory and ports for a placement diagnosis in any watched cluster. Read-only.',
      },
      ...props.services.map((service) => ({
        id: `AwsSolutions-IAM5[Resource::${service.nagArn}]`,
        reason:
          'ecs:DescribeServices reads the deployment, events and tags of the service an event is about, which can be any ' +
          'service of a watched cluster. Read-only, limited to ECS services.',
      })),
    );
  }
}

/** Every deployment event: ERROR (failed) and INFO (rollback started and completed; routine ones are dropped by the handler). */
export function deploymentPattern(serviceArnPrefixes?: string[], accounts?: string[]): events.EventPattern {
  return {
    source: ['aws.ecs'],
    ...(accounts ? { account: accounts } : {}),
    detailType: ['ECS Deployment State Change'],
    ...(serviceArnPrefixes ? { resources: serviceArnPrefixes.map((prefix) => ({ prefix })) } : {}),
  } as events.EventPattern;
}

/** WARN and ERROR service actions, plus SERVICE_STEADY_STATE (INFO) that later closes incidents. */
export function serviceActionPattern(clusterArns?: string[], accounts?: string[]): events.EventPattern {
  return {
    source: ['aws.ecs'],
    ...(accounts ? { account: accounts } : {}),
    detailType: ['ECS Service Action'],
    detail: {
      ...(clusterArns ? { clusterArn: clusterArns } : {}),
      $or: [{ eventType: ['WARN', 'ERROR'] }, { eventName: ['SERVICE_STEADY_STATE'] }],
    },
  };
}
