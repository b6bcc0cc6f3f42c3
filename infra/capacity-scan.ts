import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CENTRAL_LOOKUP_ROLE_PATH } from '../lambdas/domain/accounts/member-accounts.js';
import { CAPACITY_METRICS_NAMESPACE } from '../lambdas/domain/capacity/capacity-metrics.js';
import { RESOURCE_ENV, type SettingName, settingsEnvironment } from '../lambdas/domain/settings/settings.js';
import { type ArnPattern, clusterArnOf, nagArn } from './arns.js';
import { CAPACITY_SCAN_TIMEOUT, type ClusterRef, type WatchdogSettings } from './config.js';
import { MEMBER_LOOKUP_SETTINGS } from './member-access.js';
import { TOPIC_KEY_GRANT_ACKNOWLEDGEMENT } from './nag-reasons.js';
import { handlerEntry, WatchdogFunction } from './watchdog-function.js';

export { CAPACITY_SCAN_TIMEOUT };

/** The settings the capacity-scan function reads from its environment (the watched clusters apart: as ARNs). */
export const CAPACITY_SCAN_SETTINGS = [
  'teamTagKey',
  'freeIpThreshold',
  'belowDesiredFor',
  'slowDeploymentAfter',
  'severityOverrides',
  'scanConcurrency',
  'historyRetentionDays',
  'maintenanceWindows',
  ...MEMBER_LOOKUP_SETTINGS,
  // The scan covers every member account in every member region.
  'memberAccounts',
  'memberRegions',
] as const satisfies readonly SettingName[];

export interface CapacityScanProps {
  readonly alertTopic: sns.ITopic;
  /** The watchdog's state table, where the scan keeps its open incidents between runs (one item). */
  readonly stateTable: dynamodb.ITable;
  readonly deadLetterQueue: sqs.IQueue;
  readonly logRetention: logs.RetentionDays;
  /** The watched clusters (undefined = all), the schedule and what the function reads from its environment. */
  readonly settings: Pick<
    WatchdogSettings,
    'clusters' | 'capacityScanSchedule' | (typeof CAPACITY_SCAN_SETTINGS)[number]
  >;
  /** EventBridge delivery retries of a scheduled invocation, and their age limit. */
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
}

/**
 * The scheduled capacity scan (docs/architecture.md, "The capacity model"): an EventBridge schedule invoking the `capacity-scan`
 * function, which keeps its open incidents between runs as one item of the watchdog's state table.
 * The function may call exactly the read APIs discovery uses, PutMetricData in its own namespace,
 * GetItem and PutItem on the state table, and SNS Publish.
 */
export class CapacityScan extends Construct {
  readonly handler: WatchdogFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: CapacityScanProps) {
    super(scope, id);
    const { settings } = props;
    const schedule = Duration.millis(settings.capacityScanSchedule);
    const clusterArns = (settings.clusters ?? []).map((ref) => clusterArnOf(this, ref));

    this.handler = new WatchdogFunction(this, 'Function', {
      entry: handlerEntry('capacity-scan'),
      description: 'ECS Watchdog: scans subnets and container instances for capacity before deployments run out',
      logRetention: props.logRetention,
      deadLetterQueue: props.deadLetterQueue,
      timeout: CAPACITY_SCAN_TIMEOUT,
      rolePath: CENTRAL_LOOKUP_ROLE_PATH,
      environment: {
        [RESOURCE_ENV.alertTopicArn]: props.alertTopic.topicArn,
        [RESOURCE_ENV.stateTableName]: props.stateTable.tableName,
        [RESOURCE_ENV.capacityMetricsNamespace]: CAPACITY_METRICS_NAMESPACE,
        ...settingsEnvironment(settings, CAPACITY_SCAN_SETTINGS),
        // The watched clusters as ARNs: names are resolved in the stack's account and region here.
        ...settingsEnvironment({ clusters: clusterArns }, ['clusters']),
      },
    });

    this.rule = new events.Rule(this, 'Schedule', {
      description: `ECS Watchdog capacity scan, every ${schedule.toMinutes()} minutes`,
      schedule: events.Schedule.rate(schedule),
      targets: [
        new targets.LambdaFunction(this.handler.function, {
          retryAttempts: props.retryAttempts,
          maxEventAge: props.maxEventAge,
          deadLetterQueue: props.deadLetterQueue,
        }),
      ],
    });

    this.grant(props);
  }

  private grant(props: CapacityScanProps): void {
    const role = this.handler.role;
    const patterns = resourcePatterns(this, props.settings.clusters);
    props.alertTopic.grantPublish(role);
    const statements: iam.PolicyStatementProps[] = [
      // No resource types: "*" only. ListServices is narrowed to the watched clusters by its ecs:cluster key.
      ...(props.settings.clusters === undefined
        ? [{ sid: 'ListClusters', actions: ['ecs:ListClusters'], resources: ['*'] }]
        : []),
      {
        sid: 'ListServices',
        actions: ['ecs:ListServices'],
        resources: ['*'],
        ...(props.settings.clusters === undefined
          ? {}
          : { conditions: { ArnEquals: { 'ecs:cluster': patterns.map((p) => p.cluster.arn) } } }),
      },
      {
        sid: 'ReadClusters',
        actions: ['ecs:DescribeClusters', 'ecs:ListContainerInstances'],
        resources: patterns.map((p) => p.cluster.arn),
      },
      { sid: 'ReadServices', actions: ['ecs:DescribeServices'], resources: patterns.map((p) => p.service.arn) },
      {
        // Lifecycle hooks: only for services that configure them and are deploying (docs/architecture.md).
        sid: 'ReadServiceDeployments',
        actions: ['ecs:DescribeServiceDeployments'],
        resources: patterns.map((p) => p.serviceDeployment.arn),
      },
      {
        sid: 'ReadContainerInstances',
        actions: ['ecs:DescribeContainerInstances'],
        resources: patterns.map((p) => p.containerInstance.arn),
      },
      {
        sid: 'ReadNetworkCapacity',
        actions: ['ec2:DescribeSubnets', 'ec2:DescribeInstanceTypes', 'ec2:DescribeInstances'],
        resources: ['*'],
      },
      {
        sid: 'PublishCapacityMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': CAPACITY_METRICS_NAMESPACE } },
      },
      {
        sid: 'KeepOpenIncidents',
        // PutItem alone or in a transaction with its alerts; UpdateItem records their delivery.
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [props.stateTable.tableArn],
      },
    ];
    for (const statement of statements) role.addToPolicy(new iam.PolicyStatement(statement));

    const wildcards = patterns
      .flatMap((p) => [p.cluster, p.service, p.serviceDeployment, p.containerInstance])
      .filter((p) => p.nagArn.includes('*'));
    Validations.of(role.node.findChild('DefaultPolicy')).acknowledge(
      TOPIC_KEY_GRANT_ACKNOWLEDGEMENT,
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'ecs:ListClusters, ecs:ListServices, ec2:DescribeSubnets/DescribeInstanceTypes/DescribeInstances and ' +
          'cloudwatch:PutMetricData support no resource-level permissions (Service Authorization Reference), so they ' +
          'need "*"; all but PutMetricData are read-only, and PutMetricData is limited to the capacity namespace by the ' +
          'cloudwatch:namespace condition (ListServices to the watched clusters by ecs:cluster when they are configured).',
      },
      ...[...new Set(wildcards.map((p) => p.nagArn))].map((nagArn) => ({
        id: `AwsSolutions-IAM5[Resource::${nagArn}]`,
        reason:
          'The capacity scan reads every service (and its deployments) and container instance of the watched clusters (every cluster when ' +
          'none is configured), which are not known at deploy time. Read-only, limited to ECS resources of those clusters.',
      })),
    );
  }
}

/** Cluster, service and container-instance ARN patterns of the watched clusters (or of all clusters). */
function resourcePatterns(
  scope: Construct,
  clusters: readonly ClusterRef[] | undefined,
): { cluster: ArnPattern; service: ArnPattern; serviceDeployment: ArnPattern; containerInstance: ArnPattern }[] {
  const stack = Stack.of(scope);
  const local = (resource: string, name: string): ArnPattern => ({
    arn: stack.formatArn({ service: 'ecs', resource, resourceName: name }),
    nagArn: nagArn('ecs', `${resource}/${name}`),
  });
  if (clusters === undefined) {
    return [
      {
        cluster: local('cluster', '*'),
        service: local('service', '*'),
        serviceDeployment: local('service-deployment', '*'),
        containerInstance: local('container-instance', '*'),
      },
    ];
  }
  return clusters.map((ref) => {
    if (ref.kind === 'name') {
      return {
        cluster: local('cluster', ref.name),
        service: local('service', `${ref.name}/*`),
        serviceDeployment: local('service-deployment', `${ref.name}/*`),
        containerInstance: local('container-instance', `${ref.name}/*`),
      };
    }
    const of = (resource: string): ArnPattern => {
      const arn = `${ref.arn.replace(':cluster/', `:${resource}/`)}/*`;
      return { arn, nagArn: arn };
    };
    return {
      cluster: { arn: ref.arn, nagArn: ref.arn },
      service: of('service'),
      serviceDeployment: of('service-deployment'),
      containerInstance: of('container-instance'),
    };
  });
}
