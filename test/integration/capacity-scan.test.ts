/**
 * The capacity scan against the local AWS: the seeded account (local/seed.ts) plus one service whose
 * surge would exhaust the /24 it runs in. Real SDK clients, real adapters, the real processing function.
 */
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateNetworkInterfaceCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateServiceCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { SNSClient } from '@aws-sdk/client-sns';
import { PurgeQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AlertPublisher } from '../../lambdas/adapters/alert-publisher';
import { CapacityDiscovery, readContainerInstances } from '../../lambdas/adapters/capacity-discovery';
import {
  CAPACITY_METRICS_NAMESPACE,
  CapacityMetricsPublisher,
} from '../../lambdas/adapters/capacity-metrics-publisher';
import { DynamoDbCapacityStateStore } from '../../lambdas/adapters/capacity-state-store';
import { mapWithConcurrency } from '../../lambdas/adapters/concurrency';
import { Ec2Reader } from '../../lambdas/adapters/ec2-reader';
import { EcsServiceReader } from '../../lambdas/adapters/ecs-service-reader';
import { StateStore } from '../../lambdas/adapters/state-store';
import { type CapacityScanOutcome, processCapacityScan } from '../../lambdas/app/process-capacity-scan';
import { MemoryCounter, silentLog } from '../../lambdas/app/shared/telemetry';
import type { Alert } from '../../lambdas/domain/alerts/alert';
import { assessInstance } from '../../lambdas/domain/capacity/capacity-assessment';
import { type SeededAccount, seedAccount } from '../../local/seed';
import { awsClientConfig, resetAws } from './aws';

const TABLE = 'capacity-scan-state';
const BULK = 'bulk-service';
const WEEK = 7 * 24 * 3_600_000;

describe('capacity scan against the local AWS', () => {
  let seeded: SeededAccount;
  let first: CapacityScanOutcome;
  const sqs = () => new SQSClient(awsClientConfig());
  const scanAt = (iso: string) => {
    const config = awsClientConfig();
    const adaptive = { ...config, retryMode: 'adaptive', maxAttempts: 5 };
    return processCapacityScan({
      // The seeded services run fewer tasks than desired on moto: this file is about subnets, so they never
      // page as failures that send no event (test/integration/service-stalls.test.ts covers those).
      config: { freeIpThreshold: 25, teamTagKey: 'team', belowDesiredMs: WEEK, slowDeploymentMs: WEEK },
      discovery: CapacityDiscovery.onClients(new ECSClient(adaptive), new EC2Client(adaptive)),
      metrics: new CapacityMetricsPublisher(new CloudWatchClient(config)),
      state: new DynamoDbCapacityStateStore(new StateStore(new DynamoDBClient(config), TABLE)),
      outbox: new StateStore(new DynamoDBClient(config), TABLE),
      publisher: new AlertPublisher(new SNSClient(config), seeded.alerts.topicArn),
      log: silentLog,
      counter: new MemoryCounter(),
      now: () => new Date(iso),
    });
  };
  const receiveAll = async (queueUrl: string): Promise<Alert[]> => {
    const alerts: Alert[] = [];
    for (;;) {
      const out = await sqs().send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (!out.Messages?.length) return alerts;
      alerts.push(...out.Messages.map((m) => JSON.parse(JSON.parse(m.Body ?? '{}').Message) as Alert));
    }
  };

  beforeAll(async () => {
    await resetAws();
    seeded = await seedAccount(awsClientConfig());
    const ecs = new ECSClient(awsClientConfig());
    // 130 running tasks hold 130 of the /24's 251 usable addresses; at maximumPercent 200 a deployment
    // starts 130 more, which the ~114 left cannot hold.
    await ecs.send(
      new CreateServiceCommand({
        cluster: seeded.cluster.name,
        serviceName: BULK,
        taskDefinition: seeded.latestTaskDefinition['checkout-service'],
        desiredCount: 130,
        launchType: 'FARGATE',
        tags: [{ key: 'team', value: 'data' }],
        networkConfiguration: {
          awsvpcConfiguration: { subnets: [seeded.subnets.a.subnetId], securityGroups: [seeded.securityGroupId] },
        },
      }),
    );
    // moto's CreateService ignores deploymentConfiguration; UpdateService stores it.
    await ecs.send(
      new UpdateServiceCommand({
        cluster: seeded.cluster.name,
        service: BULK,
        deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
      }),
    );
    // moto reports runningCount = desiredCount but starts no tasks: give the running tasks their interfaces.
    const ec2 = new EC2Client(awsClientConfig());
    await mapWithConcurrency(Array.from({ length: 130 }), 8, () =>
      ec2.send(
        new CreateNetworkInterfaceCommand({
          SubnetId: seeded.subnets.a.subnetId,
          Groups: [seeded.securityGroupId],
          Description: `${BULK} task`,
        }),
      ),
    );
    await new DynamoDBClient(awsClientConfig()).send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await sqs().send(new PurgeQueueCommand({ QueueUrl: seeded.alerts.allAlerts.queueUrl }));
    first = await scanAt('2026-11-26T10:00:00.000Z');
  });

  it('publishes exactly one CAPACITY alert, naming the /24 and the service whose surge exhausts it', async () => {
    const alerts = await receiveAll(seeded.alerts.allAlerts.queueUrl);
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert).toMatchObject({
      kind: 'CAPACITY',
      category: 'SUBNET_SURGE_EXHAUSTION',
      service: BULK,
      cluster: 'production',
      team: 'data',
      account: seeded.account,
      region: seeded.region,
    });
    expect(alert?.title).toContain(`subnet ${seeded.subnets.a.subnetId}`);
    expect(alert?.summary).toContain(`${BULK} (production)`);
    const a = first.assessment.subnets.find((s) => s.subnetId === seeded.subnets.a.subnetId);
    expect(a?.usableAddresses).toBe(251);
    expect(a?.surgeHeadroom).toBeLessThan(0);
    expect(a?.servicesAtRisk.map((s) => s.service)).toEqual([BULK]);
  });

  it('publishes the figures of every subnet used by an awsvpc service, and of the container instance', async () => {
    const cloudWatch = new CloudWatchClient(awsClientConfig());
    const listed = await cloudWatch.send(new ListMetricsCommand({ Namespace: CAPACITY_METRICS_NAMESPACE }));
    const names = (listed.Metrics ?? []).map((m) => `${m.MetricName} ${m.Dimensions?.map((d) => d.Value).join('/')}`);
    const used = [seeded.subnets.a.subnetId, seeded.subnets.b.subnetId];
    expect(first.assessment.subnets.map((s) => s.subnetId).sort()).toEqual([...used].sort());
    for (const subnetId of used) {
      expect(names).toContain(`FreeIpAddresses ${subnetId}`);
      expect(names).toContain(`SurgeHeadroom ${subnetId}`);
    }
    const instanceId = seeded.containerInstance.arn.split('/').pop();
    expect(names).toContain(`FreeNetworkInterfaces production/${instanceId}`);

    const a = first.assessment.subnets.find((s) => s.subnetId === seeded.subnets.a.subnetId);
    const data = await cloudWatch.send(
      new GetMetricDataCommand({
        StartTime: new Date('2026-11-26T09:50:00Z'),
        EndTime: new Date('2026-11-26T10:10:00Z'),
        MetricDataQueries: [
          {
            Id: 'headroom',
            MetricStat: {
              Metric: {
                Namespace: CAPACITY_METRICS_NAMESPACE,
                MetricName: 'SurgeHeadroom',
                Dimensions: [{ Name: 'SubnetId', Value: seeded.subnets.a.subnetId }],
              },
              Period: 60,
              Stat: 'Minimum',
            },
          },
        ],
      }),
    );
    expect(data.MetricDataResults?.[0]?.Values).toEqual([a?.surgeHeadroom]);
  });

  it('assesses the EC2 container instance from its type limit and attached interfaces', () => {
    expect(first.assessment.instances).toEqual([
      expect.objectContaining({
        instanceType: 'm5.large',
        trunked: false,
        awsvpcTaskLimit: 2,
        freeNetworkInterfaces: 2,
      }),
    ]);
  });

  it('gives the placement diagnosis the same instance facts as the scan (one reader)', async () => {
    const config = awsClientConfig();
    const readers = {
      services: new EcsServiceReader(new ECSClient(config)),
      ec2: new Ec2Reader(new EC2Client(config)),
    };
    const forPlacement = await readContainerInstances(readers, seeded.cluster.arn);
    expect(forPlacement.map((i) => i.ec2InstanceId)).toEqual([seeded.containerInstance.ec2InstanceId]);
    expect(forPlacement.map(assessInstance)).toEqual(first.assessment.instances);
  });

  it('does not alert again while the subnet stays short', async () => {
    const again = await scanAt('2026-11-26T10:15:00.000Z');
    expect(again.published).toEqual([]);
    expect(again.ongoing).toEqual([seeded.subnets.a.subnetId]);
    expect(await receiveAll(seeded.alerts.allAlerts.queueUrl)).toEqual([]);
  });
});
