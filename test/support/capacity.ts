import type { ContainerInstanceFacts, ServiceFacts } from '../../lambdas/domain/capacity/facts';

/** A service as DescribeServices would give it (a replica service with no deployment going on), changed by `overrides`. */
export function serviceFacts(overrides: Partial<ServiceFacts> = {}): ServiceFacts {
  const cluster = overrides.cluster ?? 'prod';
  const service = overrides.service ?? 'api';
  return {
    cluster,
    service,
    serviceArn: `arn:aws:ecs:us-east-1:123456789012:service/${cluster}/${service}`,
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    capacityProviders: [],
    subnetIds: [],
    placementConstraints: [],
    deployments: [],
    events: [],
    tags: {},
    ...overrides,
  };
}

/** An ACTIVE m5.large container instance with its network interfaces looked up, changed by `overrides`. */
export function instanceFacts(overrides: Partial<ContainerInstanceFacts> = {}): ContainerInstanceFacts {
  return {
    cluster: 'prod',
    containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/a',
    ec2InstanceId: 'i-1',
    instanceType: 'm5.large',
    status: 'ACTIVE',
    agentConnected: true,
    remainingCpu: 3072,
    remainingMemoryMiB: 5000,
    usedHostPorts: [],
    runningTasks: 1,
    pendingTasks: 0,
    attributes: { 'ecs.instance-type': 'm5.large' },
    maximumNetworkInterfaces: 3,
    attachedNetworkInterfaces: 2,
    ...overrides,
  };
}
