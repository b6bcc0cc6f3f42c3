import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeSubnetsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListServicesCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CapacityDiscovery } from '../../lambdas/adapters/capacity-discovery';
import { CapacityMetricsPublisher } from '../../lambdas/adapters/capacity-metrics-publisher';
import { ConcurrentScanError, DynamoDbCapacityStateStore } from '../../lambdas/adapters/capacity-state-store';
import { createLimiter } from '../../lambdas/adapters/concurrency';
import { StateStore } from '../../lambdas/adapters/state-store';
import type { MetricPoint } from '../../lambdas/domain/capacity/capacity-metrics';

const ecsMock = mockClient(ECSClient);
const ec2Mock = mockClient(EC2Client);
const cwMock = mockClient(CloudWatchClient);
const ddbMock = mockClient(DynamoDBClient);

const PREFIX = 'arn:aws:ecs:us-east-1:123456789012';
const clusterArn = (name: string) => `${PREFIX}:cluster/${name}`;

beforeEach(() => {
  ecsMock.reset();
  ec2Mock.reset();
  cwMock.reset();
  ddbMock.reset();
});

describe('CapacityDiscovery', () => {
  function seedMocks() {
    ecsMock
      .on(ListClustersCommand, { nextToken: undefined })
      .resolves({ clusterArns: [clusterArn('fargate')], nextToken: 'page-2' })
      .on(ListClustersCommand, { nextToken: 'page-2' })
      .resolves({ clusterArns: [clusterArn('ec2')] });
    ecsMock.on(DescribeClustersCommand).resolves({
      clusters: [
        { clusterArn: clusterArn('fargate'), registeredContainerInstancesCount: 0 },
        { clusterArn: clusterArn('ec2'), registeredContainerInstancesCount: 2 },
      ],
    });
    const serviceArns = Array.from({ length: 23 }, (_, i) => `${PREFIX}:service/fargate/svc-${i}`);
    ecsMock
      .on(ListServicesCommand, { cluster: clusterArn('fargate') })
      .resolves({ serviceArns })
      .on(ListServicesCommand, { cluster: clusterArn('ec2') })
      .resolves({ serviceArns: [] });
    ecsMock.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
      services: input.services.map((arn, i) => ({
        serviceArn: arn,
        serviceName: arn.split('/').pop(),
        status: i === 0 && arn.endsWith('svc-20') ? 'INACTIVE' : 'ACTIVE',
        desiredCount: 2,
        runningCount: 2,
        pendingCount: 0,
        deploymentConfiguration: { maximumPercent: 150 },
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b'] } },
        launchType: 'FARGATE',
        tags: [{ key: 'team', value: 'payments' }],
      })),
    }));
    ecsMock.on(ListContainerInstancesCommand).resolves({
      containerInstanceArns: [`${PREFIX}:container-instance/ec2/one`, `${PREFIX}:container-instance/ec2/two`],
    });
    ecsMock.on(DescribeContainerInstancesCommand).resolves({
      containerInstances: [
        {
          containerInstanceArn: `${PREFIX}:container-instance/ec2/one`,
          ec2InstanceId: 'i-1',
          attributes: [{ name: 'ecs.instance-type', value: 'c5.large' }],
          remainingResources: [{ name: 'CPU', integerValue: 1024 }],
          runningTasksCount: 1,
        },
        {
          containerInstanceArn: `${PREFIX}:container-instance/ec2/two`,
          ec2InstanceId: 'i-2',
          attributes: [
            { name: 'ecs.instance-type', value: 'c5.large' },
            { name: 'ecs.awsvpc-trunk-id', value: 'trunk-2' },
          ],
          runningTasksCount: 4,
        },
      ],
    });
    ec2Mock.on(DescribeSubnetsCommand).resolves({
      Subnets: [
        {
          SubnetId: 'subnet-a',
          CidrBlock: '10.0.0.0/24',
          AvailabilityZone: 'us-east-1a',
          AvailableIpAddressCount: 200,
        },
        {
          SubnetId: 'subnet-b',
          CidrBlock: '10.0.1.0/24',
          AvailabilityZone: 'us-east-1b',
          AvailableIpAddressCount: 201,
          Tags: [{ Key: 'Name', Value: 'b' }],
        },
      ],
    });
    ec2Mock.on(DescribeInstanceTypesCommand).resolves({
      InstanceTypes: [{ InstanceType: 'c5.large', NetworkInfo: { MaximumNetworkInterfaces: 3 } }],
    });
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [{ InstanceId: 'i-1', NetworkInterfaces: [{}, {}] }] }],
    });
  }

  it('follows pages, batches DescribeServices by 10, and skips container instances of Fargate-only clusters', async () => {
    seedMocks();
    const discovery = CapacityDiscovery.onClients(
      new ECSClient({ region: 'us-east-1' }),
      new EC2Client({ region: 'us-east-1' }),
    );
    const found = await discovery.discover();

    expect(found.clusters).toEqual(['fargate', 'ec2']);
    expect(ecsMock.commandCalls(ListClustersCommand)).toHaveLength(2);
    const describeBatches = ecsMock.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input.services?.length);
    expect(describeBatches).toEqual([10, 10, 3]);
    expect(ecsMock.commandCalls(DescribeServicesCommand)[0]?.args[0].input.include).toEqual(['TAGS']);
    expect(ecsMock.commandCalls(ListContainerInstancesCommand).map((c) => c.args[0].input.cluster)).toEqual([
      clusterArn('ec2'),
    ]);
    expect(found.services).toHaveLength(22); // one INACTIVE service left out
    expect(found.services[0]).toMatchObject({
      cluster: 'fargate',
      service: 'svc-0',
      maximumPercent: 150,
      subnetIds: ['subnet-a', 'subnet-b'],
      tags: { team: 'payments' },
      launchType: 'FARGATE',
    });
  });

  it('reads lifecycle hooks only of services that configure hooks and are deploying, 20 deployments a request', async () => {
    seedMocks();
    const sdArn = (i: number) => `${PREFIX}:service-deployment/fargate/svc-${i}/d${i}`;
    // 21 of the 23 services deploy with a hook (svc-0 .. svc-20); svc-21 deploys without one; svc-22 is idle.
    ecsMock.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
      services: input.services.map((arn) => {
        const i = Number(arn.split('-').pop());
        return {
          serviceArn: arn,
          serviceName: arn.split('/').pop(),
          status: 'ACTIVE',
          desiredCount: 1,
          runningCount: 1,
          currentServiceDeployment: sdArn(i),
          deployments: [{ id: `d${i}`, status: 'PRIMARY', rolloutState: i === 22 ? 'COMPLETED' : 'IN_PROGRESS' }],
          deploymentConfiguration: {
            strategy: 'BLUE_GREEN',
            lifecycleHooks:
              i <= 20 || i === 22 ? [{ hookTargetArn: 'arn:aws:lambda:us-east-1:123456789012:function:check' }] : [],
          },
        };
      }),
    }));
    ecsMock.on(DescribeServiceDeploymentsCommand).callsFake((input: { serviceDeploymentArns: string[] }) => ({
      serviceDeployments: input.serviceDeploymentArns.map((arn) => ({
        serviceDeploymentArn: arn,
        serviceArn: arn.replace(':service-deployment/', ':service/').replace(/\/d\d+$/, ''),
        status: 'IN_PROGRESS',
        lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
        lifecycleHookDetails: [
          {
            hookId: 'h',
            targetArn: 'arn:aws:lambda:us-east-1:123456789012:function:check',
            status: 'AWAITING_ACTION',
            expiresAt: new Date(0),
          },
        ],
      })),
    }));
    const found = await CapacityDiscovery.onClients(
      new ECSClient({ region: 'us-east-1' }),
      new EC2Client({ region: 'us-east-1' }),
    ).discover();
    const asked = ecsMock
      .commandCalls(DescribeServiceDeploymentsCommand)
      .map((c) => c.args[0].input.serviceDeploymentArns);
    expect(asked.map((a) => a?.length)).toEqual([20, 1]);
    expect(asked.flat().sort()).toEqual(Array.from({ length: 21 }, (_, i) => sdArn(i)).sort());
    expect(found.serviceDeployments).toHaveLength(21);
    expect(found.serviceDeployments?.[0]).toMatchObject({
      serviceArn: `${PREFIX}:service/fargate/svc-0`,
      lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
      hooks: [{ hookId: 'h', status: 'AWAITING_ACTION', expiresAt: '1970-01-01T00:00:00.000Z' }],
    });
  });

  it('asks nothing about service deployments when no service has hooks', async () => {
    seedMocks();
    const found = await CapacityDiscovery.onClients(
      new ECSClient({ region: 'us-east-1' }),
      new EC2Client({ region: 'us-east-1' }),
    ).discover();
    expect(ecsMock.commandCalls(DescribeServiceDeploymentsCommand)).toHaveLength(0);
    expect(found.serviceDeployments).toEqual([]);
  });

  it('asks EC2 by filter (a deleted id is left out, not an error) and only about untrunked instances', async () => {
    seedMocks();
    const discovery = CapacityDiscovery.onClients(
      new ECSClient({ region: 'us-east-1' }),
      new EC2Client({ region: 'us-east-1' }),
    );
    const found = await discovery.discover();

    const subnetCall = ec2Mock.commandCalls(DescribeSubnetsCommand)[0]?.args[0].input;
    expect(subnetCall?.Filters).toEqual([{ Name: 'subnet-id', Values: ['subnet-a', 'subnet-b'] }]);
    expect(found.subnets.map((s) => [s.subnetId, s.availableAddresses, s.name])).toEqual([
      ['subnet-a', 200, undefined],
      ['subnet-b', 201, 'b'],
    ]);
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)[0]?.args[0].input.Filters).toEqual([
      { Name: 'instance-id', Values: ['i-1'] },
    ]);
    expect(
      found.instances.map((i) => [i.ec2InstanceId, i.maximumNetworkInterfaces, i.attachedNetworkInterfaces]),
    ).toEqual([
      ['i-1', 3, 2],
      ['i-2', 3, undefined],
    ]);
    expect(found.instances[0]?.remainingCpu).toBe(1024);
  });

  it('scans only the configured clusters, and drops those DescribeClusters does not know', async () => {
    seedMocks();
    ecsMock.on(DescribeClustersCommand).resolves({
      clusters: [{ clusterArn: clusterArn('fargate'), registeredContainerInstancesCount: 0 }],
      failures: [{ arn: clusterArn('gone'), reason: 'MISSING' }],
    });
    const discovery = CapacityDiscovery.onClients(
      new ECSClient({ region: 'us-east-1' }),
      new EC2Client({ region: 'us-east-1' }),
      {
        clusterArns: [clusterArn('fargate'), clusterArn('gone')],
      },
    );
    const found = await discovery.discover();
    expect(ecsMock.commandCalls(ListClustersCommand)).toHaveLength(0);
    expect(found.clusters).toEqual(['fargate']);
  });

  it('lets errors through: a partial view must not close incidents', async () => {
    seedMocks();
    ecsMock.on(DescribeServicesCommand).rejects(new Error('AccessDeniedException'));
    const discovery = CapacityDiscovery.onClients(
      new ECSClient({ region: 'us-east-1' }),
      new EC2Client({ region: 'us-east-1' }),
    );
    await expect(discovery.discover()).rejects.toThrow('AccessDeniedException');
  });
});

describe('bounded concurrency', () => {
  it('never runs more than the limit at once', async () => {
    const limit = createLimiter(3);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        limit(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 2));
          active--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });
});

describe('CapacityMetricsPublisher', () => {
  it('sends up to 1000 metrics per PutMetricData request', async () => {
    cwMock.on(PutMetricDataCommand).resolves({});
    const points: MetricPoint[] = Array.from({ length: 2001 }, (_, i) => ({
      name: 'FreeIpAddresses',
      dimensions: { SubnetId: `subnet-${i}` },
      value: i,
      unit: 'Count',
    }));
    const at = new Date('2026-11-26T10:00:00Z');
    const requests = await new CapacityMetricsPublisher(new CloudWatchClient({ region: 'us-east-1' })).publish(
      points,
      at,
    );
    expect(requests).toBe(3);
    const calls = cwMock.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.MetricData?.length)).toEqual([1000, 1000, 1]);
    expect(calls[0]?.Namespace).toBe('EcsWatchdog/Capacity');
    expect(calls[0]?.MetricData?.[0]).toEqual({
      MetricName: 'FreeIpAddresses',
      Dimensions: [{ Name: 'SubnetId', Value: 'subnet-0' }],
      Value: 0,
      Unit: 'Count',
      Timestamp: at,
    });
  });
});

describe('DynamoDbCapacityStateStore (one item of the shared StateStore)', () => {
  const store = () =>
    new DynamoDbCapacityStateStore(
      new StateStore(new DynamoDBClient({ region: 'us-east-1' }), 'state', () => 1_000_000),
    );

  it('loads an empty state when nothing was saved yet, and saves the first version only if still absent', async () => {
    ddbMock.on(GetItemCommand).resolves({});
    ddbMock.on(PutItemCommand).resolves({});
    const previous = await store().load();
    expect(previous).toEqual({ version: 0, incidents: {}, stalls: {} });
    expect(ddbMock.commandCalls(GetItemCommand)[0]?.args[0].input).toEqual({
      TableName: 'state',
      Key: { pk: { S: 'capacity-scan#open-incidents' } },
      ConsistentRead: true,
    });
    await store().save({ version: 0, incidents: {}, stalls: {} }, previous);
    const put = ddbMock.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(put?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(put?.Item?.pk).toEqual({ S: 'capacity-scan#open-incidents' });
    expect(put?.Item?.version).toEqual({ N: '1' });
    expect(put?.Item?.expiresAt).toEqual({ N: String(1000 + 14 * 24 * 3600) });
  });

  it('round-trips the open incidents through the versioned item', async () => {
    const incident = {
      subnetId: 'subnet-a',
      incidentId: 'capacity:subnet-a:1',
      openedAt: '2025-01-01T00:00:00.000Z',
      lastSeenAt: '2025-01-01T00:15:00.000Z',
      findings: [],
      freeAddresses: 10,
      surgeHeadroom: -20,
      servicesAtRisk: ['prod/api'],
      cidr: '10.0.1.0/24',
      availabilityZone: 'us-east-1a',
    };
    ddbMock.on(PutItemCommand).resolves({});
    const stall = {
      key: 'shortfall:arn:aws:ecs:us-east-1:123456789012:service/prod/api',
      check: 'SHORTFALL' as const,
      category: 'SERVICE_NOT_RUNNING' as const,
      cluster: 'prod',
      service: 'api',
      serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/api',
      since: '2025-01-01T00:00:00.000Z',
    };
    const stalls = { [stall.key]: stall };
    await store().save(
      { version: 3, incidents: { 'subnet-a': incident }, stalls },
      { version: 2, incidents: {}, stalls: {} },
    );
    const item = ddbMock.commandCalls(PutItemCommand)[0]?.args[0].input.Item;
    expect(item?.version).toEqual({ N: '3' });
    ddbMock.on(GetItemCommand).resolves({ Item: item });
    expect(await store().load()).toEqual({ version: 3, incidents: { 'subnet-a': incident }, stalls });
  });

  it('reads an item written before the stalls were kept (the subnets alone, by subnet id)', async () => {
    const incident = { subnetId: 'subnet-a', incidentId: 'capacity:subnet-a:1' };
    const legacy = JSON.stringify({ 'subnet-a': incident });
    ddbMock.on(GetItemCommand).resolves({ Item: { pk: { S: 'x' }, version: { N: '2' }, state: { S: legacy } } });
    expect(await store().load()).toEqual({ version: 2, incidents: { 'subnet-a': incident }, stalls: {} });
  });

  it('refuses to overwrite a newer state (overlapping scans)', async () => {
    ddbMock.on(GetItemCommand).resolves({ Item: { pk: { S: 'x' }, version: { N: '4' }, state: { S: '{}' } } });
    ddbMock
      .on(PutItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    const previous = await store().load();
    expect(previous.version).toBe(4);
    await expect(store().save(previous, previous)).rejects.toBeInstanceOf(ConcurrentScanError);
    expect(ddbMock.commandCalls(PutItemCommand)[0]?.args[0].input.ExpressionAttributeValues).toEqual({
      ':expected': { N: '4' },
    });
  });
});
