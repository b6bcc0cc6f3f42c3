import {
  type ContainerInstance,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  type ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  type ListTasksCommandInput,
  type Service,
} from '@aws-sdk/client-ecs';
import type { TaskStateChange } from '../domain/events/task-event';
import type { ServiceEventFact } from '../domain/rollouts/classify-rollout';
import type { InstanceFacts } from '../domain/rollouts/placement-diagnosis';
import { iso, toTaskStateChange } from './task-state';

/** One deployment of a service, as DescribeServices lists it (PRIMARY, ACTIVE; INACTIVE ones are dropped). */
export interface DeploymentFacts {
  id: string;
  status?: string;
  taskDefinitionArn?: string;
  rolloutState?: string;
  rolloutStateReason?: string;
  createdAt?: string;
  updatedAt?: string;
  failedTasks?: number;
  desiredCount?: number;
  runningCount?: number;
  pendingCount?: number;
}

/** What the rollout and service-action handlers read from DescribeServices. */
export interface ServiceFacts {
  serviceArn: string;
  taskDefinitionArn?: string;
  desiredCount?: number;
  runningCount?: number;
  pendingCount?: number;
  launchType?: string;
  capacityProviders: string[];
  circuitBreaker?: { enable: boolean; rollback: boolean };
  subnets: string[];
  placementConstraints: { type: string; expression?: string }[];
  deployments: DeploymentFacts[];
  /** Newest first, as ECS returns them. */
  events: ServiceEventFact[];
  tags: Record<string, string>;
}

const DESCRIBE_BATCH = 100;
const MAX_TASKS = 500;

/** Reads services, their tasks and the cluster's container instances. */
export class EcsServiceReader {
  /** AWS calls made, by operation. */
  readonly calls: Record<string, number> = {};

  constructor(private readonly ecs: ECSClient) {}

  async service(cluster: string, service: string, signal?: AbortSignal): Promise<ServiceFacts> {
    this.count('DescribeServices');
    const out = await this.ecs.send(new DescribeServicesCommand({ cluster, services: [service], include: ['TAGS'] }), {
      abortSignal: signal,
    });
    const found = out.services?.[0];
    if (!found) {
      const failure = out.failures?.[0];
      throw new Error(`DescribeServices: ${service} in ${cluster}: ${failure?.reason ?? 'not found'}`);
    }
    return toServiceFacts(found);
  }

  /** Stopped tasks a deployment started (`startedBy` = the deployment id): they stay listed about an hour. */
  stoppedTasksStartedBy(
    cluster: string,
    startedBy: string,
    account: string,
    region: string,
    signal?: AbortSignal,
  ): Promise<TaskStateChange[]> {
    return this.stoppedTasks(
      { cluster, startedBy, desiredStatus: 'STOPPED' },
      account,
      region,
      signal,
      (t) => t.startedBy === startedBy,
    );
  }

  /** The service's recently stopped tasks. */
  stoppedTasksOfService(
    cluster: string,
    service: string,
    account: string,
    region: string,
    signal?: AbortSignal,
  ): Promise<TaskStateChange[]> {
    // ListTasks filters by serviceName in AWS; the group check keeps the answer exact where it does not.
    return this.stoppedTasks(
      { cluster, serviceName: service, desiredStatus: 'STOPPED' },
      account,
      region,
      signal,
      (t) => t.group === `service:${service}`,
    );
  }

  async containerInstances(cluster: string, signal?: AbortSignal): Promise<InstanceFacts[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      this.count('ListContainerInstances');
      const page = await this.ecs.send(new ListContainerInstancesCommand({ cluster, nextToken }), {
        abortSignal: signal,
      });
      arns.push(...(page.containerInstanceArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken && arns.length < MAX_TASKS);
    const instances: InstanceFacts[] = [];
    for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) {
      this.count('DescribeContainerInstances');
      const out = await this.ecs.send(
        new DescribeContainerInstancesCommand({ cluster, containerInstances: arns.slice(i, i + DESCRIBE_BATCH) }),
        { abortSignal: signal },
      );
      instances.push(...(out.containerInstances ?? []).map(toInstanceFacts));
    }
    return instances;
  }

  private async stoppedTasks(
    input: ListTasksCommandInput,
    account: string,
    region: string,
    signal: AbortSignal | undefined,
    belongs: (task: TaskStateChange) => boolean,
  ): Promise<TaskStateChange[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      this.count('ListTasks');
      const page = await this.ecs.send(new ListTasksCommand({ ...input, nextToken }), { abortSignal: signal });
      arns.push(...(page.taskArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken && arns.length < MAX_TASKS);
    const tasks: TaskStateChange[] = [];
    for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) {
      this.count('DescribeTasks');
      const out = await this.ecs.send(
        new DescribeTasksCommand({ cluster: input.cluster, tasks: arns.slice(i, i + DESCRIBE_BATCH) }),
        { abortSignal: signal },
      );
      tasks.push(...(out.tasks ?? []).map((t) => toTaskStateChange(t, account, region)));
    }
    return tasks.filter(belongs);
  }

  private count(operation: string): void {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
  }
}

export function toServiceFacts(s: Service): ServiceFacts {
  const breaker = s.deploymentConfiguration?.deploymentCircuitBreaker;
  return {
    serviceArn: s.serviceArn ?? '',
    taskDefinitionArn: s.taskDefinition,
    desiredCount: s.desiredCount,
    runningCount: s.runningCount,
    pendingCount: s.pendingCount,
    launchType: s.launchType,
    capacityProviders: (s.capacityProviderStrategy ?? []).map((c) => c.capacityProvider ?? '').filter(Boolean),
    circuitBreaker: breaker ? { enable: breaker.enable ?? false, rollback: breaker.rollback ?? false } : undefined,
    subnets: s.networkConfiguration?.awsvpcConfiguration?.subnets ?? [],
    placementConstraints: (s.placementConstraints ?? []).map((c) => ({ type: c.type ?? '', expression: c.expression })),
    deployments: (s.deployments ?? []).map((d) => ({
      id: d.id ?? '',
      status: d.status,
      taskDefinitionArn: d.taskDefinition,
      rolloutState: d.rolloutState,
      rolloutStateReason: d.rolloutStateReason,
      createdAt: iso(d.createdAt),
      updatedAt: iso(d.updatedAt),
      failedTasks: d.failedTasks,
      desiredCount: d.desiredCount,
      runningCount: d.runningCount,
      pendingCount: d.pendingCount,
    })),
    events: (s.events ?? []).map((e) => ({ createdAt: iso(e.createdAt), message: e.message ?? '' })),
    tags: Object.fromEntries((s.tags ?? []).filter((t) => t.key).map((t) => [t.key as string, t.value ?? ''])),
  };
}

function toInstanceFacts(ci: ContainerInstance): InstanceFacts {
  const remaining = (name: string) => ci.remainingResources?.find((r) => r.name === name);
  return {
    id: ci.containerInstanceArn ?? '',
    ec2InstanceId: ci.ec2InstanceId,
    instanceType: ci.attributes?.find((a) => a.name === 'ecs.instance-type')?.value,
    status: ci.status,
    agentConnected: ci.agentConnected,
    remainingCpu: remaining('CPU')?.integerValue,
    remainingMemoryMiB: remaining('MEMORY')?.integerValue,
    usedPorts: (remaining('PORTS')?.stringSetValue ?? []).map(Number).filter(Number.isFinite),
    runningTasks: ci.runningTasksCount ?? 0,
  };
}
