/**
 * Failures that send no event, found by the real capacity scan against the local AWS: real SDK clients,
 * the real adapters and processing, the state item and outbox in DynamoDB, alerts through SNS to SQS.
 * moto reports runningCount = desiredCount without starting a task (local/API-SUPPORT.md): the scan's
 * ECS client counts the service's tasks moto holds instead (local/demo-emulation.ts, as the demo does).
 * moto keeps a service's one deployment IN_PROGRESS forever: that is the deployment that never finishes.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AlertPublisher } from '../../lambdas/adapters/alert-publisher';
import { CapacityDiscovery } from '../../lambdas/adapters/capacity-discovery';
import { CapacityMetricsPublisher } from '../../lambdas/adapters/capacity-metrics-publisher';
import { DynamoDbCapacityStateStore } from '../../lambdas/adapters/capacity-state-store';
import { StateStore } from '../../lambdas/adapters/state-store';
import { processCapacityScan } from '../../lambdas/app/process-capacity-scan';
import { MemoryCounter, silentLog } from '../../lambdas/app/shared/telemetry';
import type { Alert } from '../../lambdas/domain/alerts/alert';
import { DemoEmulation } from '../../local/demo-emulation';
import { createStateResources } from '../../local/state-resources';
import { awsClientConfig, resetAws } from './aws';

const CLUSTER = 'no-event';
const MINUTE = 60_000;

interface World {
  taskDefinitionArn: string;
  subnetId: string;
  securityGroupId: string;
  topicArn: string;
  queueUrl: string;
  tableName: string;
}

async function createWorld(): Promise<World> {
  const config = awsClientConfig();
  const ec2 = new EC2Client(config);
  const ecs = new ECSClient(config);
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
  const vpcId = vpc.Vpc?.VpcId as string;
  // moto names a task's network interface from the VPC's DNS hostnames.
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
  const subnet = await ec2.send(
    new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.9.0.0/20', AvailabilityZone: 'us-east-1a' }),
  );
  const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'tasks', Description: 'tasks', VpcId: vpcId }));
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  const td = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'worker',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:1.27', essential: true, memory: 512 }],
    }),
  );
  const sns = new SNSClient(config);
  const sqs = new SQSClient(config);
  const topic = await sns.send(new CreateTopicCommand({ Name: 'no-event-alerts' }));
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: 'no-event-alerts' }));
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await sns.send(
    new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'sqs', Endpoint: attributes.Attributes?.QueueArn }),
  );
  const { tableName } = await createStateResources(config, { table: 'no-event-state' });
  return {
    taskDefinitionArn: td.taskDefinition?.taskDefinitionArn as string,
    subnetId: subnet.Subnet?.SubnetId as string,
    securityGroupId: sg.GroupId as string,
    topicArn: topic.TopicArn as string,
    queueUrl: queue.QueueUrl as string,
    tableName,
  };
}

describe('failures that send no event, through the real capacity scan', () => {
  let world: World;
  const ecs = () => new ECSClient(awsClientConfig());
  const network = () => ({
    awsvpcConfiguration: { subnets: [world.subnetId], securityGroups: [world.securityGroupId] },
  });

  /** Starts one task of `service` (moto's services start none themselves). */
  const runTask = (service: string) =>
    ecs().send(
      new RunTaskCommand({
        cluster: CLUSTER,
        taskDefinition: world.taskDefinitionArn,
        count: 1,
        startedBy: 'ecs-svc/1',
        group: `service:${service}`,
        launchType: 'FARGATE',
        networkConfiguration: network(),
      }),
    );

  const scanAt = (at: Date, thresholds: { belowDesiredMs: number; slowDeploymentMs: number }) => {
    const config = awsClientConfig();
    const scanEcs = new ECSClient(config);
    new DemoEmulation(ecs(), CLUSTER).install(scanEcs);
    const store = new StateStore(new DynamoDBClient(config), world.tableName);
    return processCapacityScan({
      config: { freeIpThreshold: 25, teamTagKey: 'team', ...thresholds },
      discovery: CapacityDiscovery.onClients(scanEcs, new EC2Client(config), {
        clusterArns: [`arn:aws:ecs:us-east-1:123456789012:cluster/${CLUSTER}`],
      }),
      metrics: new CapacityMetricsPublisher(new CloudWatchClient(config)),
      state: new DynamoDbCapacityStateStore(store),
      outbox: store,
      publisher: new AlertPublisher(new SNSClient(config), world.topicArn),
      log: silentLog,
      counter: new MemoryCounter(),
      now: () => at,
    });
  };

  const received = async (): Promise<Alert[]> => {
    const alerts: Alert[] = [];
    for (;;) {
      const out = await new SQSClient(awsClientConfig()).send(
        new ReceiveMessageCommand({ QueueUrl: world.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (!out.Messages?.length) return alerts;
      alerts.push(...out.Messages.map((m) => JSON.parse(JSON.parse(m.Body ?? '{}').Message) as Alert));
    }
  };

  beforeAll(async () => {
    await resetAws();
    world = await createWorld();
  });

  it('a service at desired 1 / running 0 pages once (CRITICAL) and recovers once', async () => {
    await ecs().send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'worker',
        taskDefinition: world.taskDefinitionArn,
        desiredCount: 1,
        launchType: 'FARGATE',
        tags: [{ key: 'team', value: 'data' }],
        networkConfiguration: network(),
      }),
    );
    // This test is about the service at zero: its eternal deployment must not page as slow here.
    const thresholds = { belowDesiredMs: 15 * MINUTE, slowDeploymentMs: 7 * 24 * 60 * MINUTE };
    const t0 = Date.now();
    const at = (minutes: number) => new Date(t0 + minutes * MINUTE);

    const first = await scanAt(at(0), thresholds);
    expect(first.published).toEqual([]);
    // Its deployment (IN_PROGRESS forever on moto) is remembered too, under the week-long threshold.
    expect(first.stalls.pending).toEqual([
      expect.stringMatching(/^shortfall:.*service\/no-event\/worker$/),
      expect.stringMatching(/^deployment:.*service\/no-event\/worker:ecs-svc\/\d+$/),
    ]);

    expect((await scanAt(at(15), thresholds)).published.map((a) => a.category)).toEqual(['SERVICE_NOT_RUNNING']);
    expect((await scanAt(at(30), thresholds)).published).toEqual([]);
    const paged = await received();
    expect(paged).toHaveLength(1);
    expect(paged[0]).toMatchObject({
      kind: 'SERVICE_HEALTH',
      category: 'SERVICE_NOT_RUNNING',
      severity: 'CRITICAL',
      cluster: CLUSTER,
      service: 'worker',
      team: 'data',
      account: '123456789012',
      region: 'us-east-1',
    });
    expect(paged[0]?.title).toBe('CRITICAL SERVICE_NOT_RUNNING: worker in no-event - 0 of 1 tasks running for 15 min');

    // A task of the service runs now.
    await runTask('worker');
    expect((await scanAt(at(45), thresholds)).published.map((a) => a.kind)).toEqual(['RECOVERED']);
    expect((await scanAt(at(60), thresholds)).published).toEqual([]);
    const recovered = await received();
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toMatchObject({
      kind: 'RECOVERED',
      category: 'SERVICE_HEALTH_RESTORED',
      service: 'worker',
      incidentId: paged[0]?.incidentId,
    });
    expect(recovered[0]?.title).toBe('RECOVERED: worker in no-event - 1 of 1 tasks running');
  });

  it('a deployment that never finishes pages once as DEPLOYMENT_TOO_SLOW, from its createdAt', async () => {
    await ecs().send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'api',
        taskDefinition: world.taskDefinitionArn,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: network(),
      }),
    );
    // Its task runs: only the deployment is stuck.
    await runTask('api');
    const described = await ecs().send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['api'] }));
    const deployment = described.services?.[0]?.deployments?.[0];
    expect(deployment?.rolloutState).toBe('IN_PROGRESS');
    const createdAt = deployment?.createdAt?.getTime() ?? Number.NaN;
    const thresholds = { belowDesiredMs: 15 * MINUTE, slowDeploymentMs: 30 * MINUTE };
    const apiSlow = (alerts: Alert[]) => alerts.filter((a) => a.service === 'api');

    expect(apiSlow((await scanAt(new Date(createdAt + 29 * MINUTE), thresholds)).published)).toEqual([]);
    const slow = apiSlow((await scanAt(new Date(createdAt + 31 * MINUTE), thresholds)).published);
    expect(slow.map((a) => [a.kind, a.category, a.severity])).toEqual([
      ['SERVICE_HEALTH', 'DEPLOYMENT_TOO_SLOW', 'HIGH'],
    ]);
    expect(slow[0]?.title).toBe('HIGH DEPLOYMENT_TOO_SLOW: api in no-event - deployment in progress for 31 min');
    expect(slow[0]?.summary).toContain(`Deployment ${deployment?.id} of api (no-event)`);
    expect(apiSlow((await scanAt(new Date(createdAt + 60 * MINUTE), thresholds)).published)).toEqual([]);
    expect(apiSlow(await received()).map((a) => a.category)).toEqual(['DEPLOYMENT_TOO_SLOW']);
  });
});
