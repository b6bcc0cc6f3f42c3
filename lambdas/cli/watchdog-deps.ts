import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AlertPublisher } from '../adapters/alert-publisher';
import { Ec2Reader } from '../adapters/ec2-reader';
import { EcsReader } from '../adapters/ecs-reader';
import { EcsServiceReader } from '../adapters/ecs-service-reader';
import { ElbReader } from '../adapters/elb-reader';
import { HistoryTable } from '../adapters/history-table';
import { LogsReader } from '../adapters/logs-reader';
import { MetricsReader } from '../adapters/metrics-reader';
import { SecurityGroupReader } from '../adapters/security-group-reader';
import { ServiceHealthReader } from '../adapters/service-health-reader';
import { StateStore } from '../adapters/state-store';
import { TimerQueue } from '../adapters/timer-queue';
import type { TaskStoppedDeps } from '../app/process-task-stopped';
import type { RolloutDeps } from '../app/rollout-deps';
import type { WatchdogConfig } from '../app/shared/config';
import { makeRedactor } from '../domain/alerts/redact';

/** Any SDK v3 client configuration, e.g. the local AWS's `clientConfig` (endpoint, region, credentials). */
export type ClientConfig = ConstructorParameters<typeof ECSClient>[0] & { region: string };

/** The handlers' dependencies minus telemetry (each caller brings its own Log and Counter). */
export type WatchdogDeps = Omit<TaskStoppedDeps, 'log' | 'counter'> &
  Omit<RolloutDeps, 'log' | 'counter'> & {
    /** Closes the SDK clients' sockets. */
    destroy(): void;
  };

/**
 * The same adapters the Lambda entries build, on real SDK clients made from `clientConfig`, so the
 * CLI, the demo and the integration tests run exactly the production code path against any endpoint.
 */
export function makeWatchdogDeps(
  clientConfig: ClientConfig,
  config: WatchdogConfig,
  now: () => number = Date.now,
  /** Called with every SDK client made, e.g. to count the requests it sends. */
  instrument: (client: { middlewareStack: unknown }) => void = () => {},
): WatchdogDeps {
  const ecs = new ECSClient(clientConfig);
  const sns = new SNSClient(clientConfig);
  const cloudWatch = new CloudWatchClient(clientConfig);
  const dynamodb = new DynamoDBClient(clientConfig);
  const ec2 = new EC2Client(clientConfig);
  const sqs = new SQSClient(clientConfig);
  const elb = new ElasticLoadBalancingV2Client(clientConfig);
  const logsClients = [new CloudWatchLogsClient(clientConfig)];
  // A log group in another region (awslogs-region) is read through the same endpoint.
  const logsClientFor = (region: string): CloudWatchLogsClient => {
    const client = new CloudWatchLogsClient({ ...clientConfig, region });
    instrument(client);
    logsClients.push(client);
    return client;
  };
  for (const client of [ecs, sns, cloudWatch, dynamodb, ec2, sqs, elb, ...logsClients]) instrument(client);
  const healthCheckReaders = {
    services: new ServiceHealthReader(ecs),
    elb: new ElbReader(elb, now),
    network: new SecurityGroupReader(ec2, now),
  };
  const redactor = makeRedactor(config.redactPatterns);
  return {
    config,
    ecs: new EcsReader(ecs),
    services: new EcsServiceReader(ecs),
    ec2: new Ec2Reader(ec2),
    logs: new LogsReader(logsClients[0] as CloudWatchLogsClient, logsClientFor),
    metrics: new MetricsReader(cloudWatch),
    redactor,
    healthChecks: async () => healthCheckReaders,
    publisher: new AlertPublisher(sns, config.alertTopicArn, redactor),
    incidents: config.incidents && {
      store: new StateStore(dynamodb, config.incidents.tableName, now),
      timers: new TimerQueue(sqs, config.incidents.timerQueueUrl, now),
      now,
      history: config.incidents.historyRetentionDays
        ? new HistoryTable(dynamodb, config.incidents.tableName, config.incidents.historyRetentionDays)
        : undefined,
      maintenanceWindows: config.incidents.maintenanceWindows,
    },
    destroy() {
      for (const client of [ecs, ec2, sns, cloudWatch, dynamodb, sqs, elb, ...logsClients]) client.destroy();
    },
  };
}
