import {
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeSubnetsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListServicesCommand,
} from '@aws-sdk/client-ecs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlertPublisher } from '../../lambdas/adapters/alert-publisher';
import { CapacityDiscovery } from '../../lambdas/adapters/capacity-discovery';
import { Ec2Reader } from '../../lambdas/adapters/ec2-reader';
import { EcsReader } from '../../lambdas/adapters/ecs-reader';
import { EcsServiceReader } from '../../lambdas/adapters/ecs-service-reader';
import { processRollout } from '../../lambdas/app/process-rollout';
import { readConfig } from '../../lambdas/app/shared/config';
import { MemoryCounter, silentLog } from '../../lambdas/app/shared/telemetry';
import { assessCapacity } from '../../lambdas/domain/capacity/capacity-assessment';
import { loadEvent } from '../support/events';

/**
 * The placement diagnosis of a SERVICE_TASK_PLACEMENT_FAILURE and the capacity scan read a cluster's
 * container instances with the same reader and count free task interfaces alike: on a trunked instance
 * with 3 network interfaces and 5 tasks, both see 5 free.
 */

const ecsMock = mockClient(ECSClient);
const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';
const CLUSTER = 'arn:aws:ecs:us-east-1:123456789012:cluster/production';
const INSTANCE = 'arn:aws:ecs:us-east-1:123456789012:container-instance/production/abc';

beforeEach(() => {
  ecsMock.reset();
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  ecsMock.on(DescribeServicesCommand).resolves({
    services: [
      {
        serviceName: 'worker-service',
        serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/production/worker-service',
        clusterArn: CLUSTER,
        status: 'ACTIVE',
        taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/worker:3',
        launchType: 'EC2',
        desiredCount: 6,
        runningCount: 5,
        pendingCount: 0,
        networkConfiguration: { awsvpcConfiguration: { subnets: [] } },
      },
    ],
  });
  ecsMock.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/worker:3',
      family: 'worker',
      revision: 3,
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'worker', image: 'worker:3', essential: true }],
    },
  });
  ecsMock.on(DescribeClustersCommand).resolves({
    clusters: [{ clusterArn: CLUSTER, registeredContainerInstancesCount: 1 }],
  });
  ecsMock.on(ListServicesCommand).resolves({
    serviceArns: ['arn:aws:ecs:us-east-1:123456789012:service/production/worker-service'],
  });
  ecsMock.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: [INSTANCE] });
  ecsMock.on(DescribeContainerInstancesCommand).resolves({
    containerInstances: [
      {
        containerInstanceArn: INSTANCE,
        ec2InstanceId: 'i-0trunked',
        status: 'ACTIVE',
        agentConnected: true,
        attributes: [
          { name: 'ecs.instance-type', value: 'm5.large' },
          { name: 'ecs.awsvpc-trunk-id', value: 'eni-trunk-1' },
        ],
        remainingResources: [
          { name: 'CPU', integerValue: 768 },
          { name: 'MEMORY', integerValue: 5000 },
        ],
        registeredResources: [
          { name: 'CPU', integerValue: 2048 },
          { name: 'MEMORY', integerValue: 7680 },
        ],
        runningTasksCount: 5,
        pendingTasksCount: 0,
      },
    ],
  });
  ec2Mock.on(DescribeInstanceTypesCommand).resolves({
    InstanceTypes: [{ InstanceType: 'm5.large', NetworkInfo: { MaximumNetworkInterfaces: 3 } }],
  });
  ec2Mock.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
});

describe('the placement diagnosis and the capacity scan agree (ENI trunking)', () => {
  it('regression: a trunked instance with 3 ENIs and 5 tasks is not "out of network interfaces"', async () => {
    const ecs = new ECSClient({ region: 'us-east-1' });
    const ec2 = new Ec2Reader(new EC2Client({ region: 'us-east-1' }));
    const outcome = await processRollout(loadEvent('events/service-action/placement-failure-memory.json'), {
      config: readConfig({ ALERT_TOPIC_ARN: TOPIC, ENRICHMENT_BUDGET_MS: '5000' }),
      ecs: new EcsReader(ecs),
      services: new EcsServiceReader(ecs),
      ec2,
      publisher: new AlertPublisher(new SNSClient({ region: 'us-east-1' }), TOPIC),
      log: silentLog,
      counter: new MemoryCounter(),
    });
    expect(outcome.status).toBe('published');
    const alert = JSON.stringify(outcome.status === 'published' && outcome.alert);
    expect(alert).toContain('OK: 5 free task network interfaces across 1 instances');
    expect(alert).not.toContain('awsvpcTrunking');
    // A trunk's branch interfaces are not attachments of the instance: no DescribeInstances for it.
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)).toHaveLength(0);

    const scan = await CapacityDiscovery.onClients(ecs, new EC2Client({ region: 'us-east-1' }), {
      clusterArns: [CLUSTER],
    }).discover();
    const assessed = assessCapacity(scan.services, scan.subnets, scan.instances, {
      freeIpThreshold: 25,
      teamTagKey: 'team',
    });
    expect(assessed.instances.map((i) => [i.ec2InstanceId, i.freeNetworkInterfaces])).toEqual([['i-0trunked', 5]]);
  });
});
