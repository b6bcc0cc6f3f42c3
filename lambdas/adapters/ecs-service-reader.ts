import {
  type ContainerInstance,
  DescribeContainerInstancesCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  type ECSClient,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTasksCommand,
  type ListTasksCommandInput,
  type Service,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { inBatches } from '../domain/capacity/batches';
import type { ContainerInstanceFacts, ServiceDeploymentFacts, ServiceFacts } from '../domain/capacity/facts';
import { lastSegment, type TaskStateChange } from '../domain/events/task-event';
import { type Limiter, unbounded } from './concurrency';
import { allPages } from './pages';
import { iso, toTaskStateChange } from './task-state';

export type { DeploymentFacts, ServiceFacts } from '../domain/capacity/facts';

/** Per-request limits of the ECS APIs read here (API references). */
export const ECS_SERVICE_LIMITS = {
  /** ListServices / ListContainerInstances / ListTasks `maxResults` (1-100). */
  listPage: 100,
  /** DescribeServices `services`: up to 10. */
  describeServices: 10,
  /** DescribeServiceDeployments `serviceDeploymentArns`: up to 20. */
  describeServiceDeployments: 20,
  /** DescribeContainerInstances `containerInstances` and DescribeTasks `tasks`: up to 100. */
  describeContainerInstances: 100,
  describeTasks: 100,
} as const;

/** Stopped tasks read for one summary at most: enough to tell what they died of. */
const MAX_STOPPED_TASKS = 500;

/**
 * The only caller of the ECS service, task and container-instance APIs (ListServices, DescribeServices,
 * ListTasks, DescribeTasks, ListContainerInstances, DescribeContainerInstances), for the capacity scan
 * and the rollout handler alike. Requests go through `limit`; `signal` aborts at the enrichment deadline.
 */
export class EcsServiceReader {
  constructor(
    private readonly ecs: ECSClient,
    private readonly limit: Limiter = unbounded,
  ) {}

  async service(cluster: string, service: string, signal?: AbortSignal): Promise<ServiceFacts> {
    const out = await this.limit(() =>
      this.ecs.send(new DescribeServicesCommand({ cluster, services: [service], include: ['TAGS'] }), {
        abortSignal: signal,
      }),
    );
    const found = out.services?.[0];
    if (!found) {
      const failure = out.failures?.[0];
      throw new Error(`DescribeServices: ${service} in ${cluster}: ${failure?.reason ?? 'not found'}`);
    }
    return toServiceFacts(found, cluster);
  }

  /** Every service of a cluster that is not INACTIVE (deleted), with its tags. */
  async servicesOf(clusterArn: string, signal?: AbortSignal): Promise<ServiceFacts[]> {
    const arns = await allPages(async (nextToken) => {
      const page = await this.ecs.send(
        new ListServicesCommand({ cluster: clusterArn, maxResults: ECS_SERVICE_LIMITS.listPage, nextToken }),
        { abortSignal: signal },
      );
      return { items: page.serviceArns ?? [], next: page.nextToken };
    }, this.limit);
    const described = await Promise.all(
      inBatches(arns, ECS_SERVICE_LIMITS.describeServices).map((batch) =>
        this.limit(() =>
          this.ecs.send(new DescribeServicesCommand({ cluster: clusterArn, services: batch, include: ['TAGS'] }), {
            abortSignal: signal,
          }),
        ),
      ),
    );
    return described
      .flatMap((d) => d.services ?? [])
      .filter((s) => s.status !== 'INACTIVE')
      .map((s) => toServiceFacts(s, clusterArn));
  }

  /** Service deployments with their lifecycle stage and hooks (DescribeServiceDeployments), as few requests as the API allows. */
  async serviceDeployments(arns: readonly string[], signal?: AbortSignal): Promise<ServiceDeploymentFacts[]> {
    const described = await Promise.all(
      inBatches(arns, ECS_SERVICE_LIMITS.describeServiceDeployments).map((batch) =>
        this.limit(() =>
          this.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: batch }), {
            abortSignal: signal,
          }),
        ),
      ),
    );
    return described.flatMap((d) => d.serviceDeployments ?? []).map(toServiceDeploymentFacts);
  }

  /** The cluster's container instances, as ECS reports them (their network interfaces: capacity-discovery.ts). */
  async containerInstances(cluster: string, signal?: AbortSignal): Promise<ContainerInstanceFacts[]> {
    const arns = await allPages(async (nextToken) => {
      const page = await this.ecs.send(
        new ListContainerInstancesCommand({ cluster, maxResults: ECS_SERVICE_LIMITS.listPage, nextToken }),
        { abortSignal: signal },
      );
      return { items: page.containerInstanceArns ?? [], next: page.nextToken };
    }, this.limit);
    const described = await Promise.all(
      inBatches(arns, ECS_SERVICE_LIMITS.describeContainerInstances).map((batch) =>
        this.limit(() =>
          this.ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: batch }), {
            abortSignal: signal,
          }),
        ),
      ),
    );
    return described.flatMap((d) => d.containerInstances ?? []).map((ci) => toInstanceFacts(ci, lastSegment(cluster)));
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

  private async stoppedTasks(
    input: ListTasksCommandInput,
    account: string,
    region: string,
    signal: AbortSignal | undefined,
    belongs: (task: TaskStateChange) => boolean,
  ): Promise<TaskStateChange[]> {
    const arns = await allPages(
      async (nextToken) => {
        const page = await this.ecs.send(new ListTasksCommand({ ...input, nextToken }), { abortSignal: signal });
        return { items: page.taskArns ?? [], next: page.nextToken };
      },
      this.limit,
      MAX_STOPPED_TASKS,
    );
    const described = await Promise.all(
      inBatches(arns, ECS_SERVICE_LIMITS.describeTasks).map((batch) =>
        this.limit(() =>
          this.ecs.send(new DescribeTasksCommand({ cluster: input.cluster, tasks: batch }), { abortSignal: signal }),
        ),
      ),
    );
    return described
      .flatMap((out) => out.tasks ?? [])
      .map((t) => toTaskStateChange(t, account, region))
      .filter(belongs);
  }
}

/** `cluster` is how the caller named the cluster (name or ARN): the service's own clusterArn wins. */
export function toServiceFacts(s: Service, cluster: string): ServiceFacts {
  const breaker = s.deploymentConfiguration?.deploymentCircuitBreaker;
  return {
    cluster: lastSegment(s.clusterArn ?? cluster),
    service: s.serviceName ?? lastSegment(s.serviceArn ?? ''),
    serviceArn: s.serviceArn ?? '',
    status: s.status,
    schedulingStrategy: s.schedulingStrategy,
    taskDefinitionArn: s.taskDefinition,
    desiredCount: s.desiredCount ?? 0,
    runningCount: s.runningCount ?? 0,
    pendingCount: s.pendingCount ?? 0,
    maximumPercent: s.deploymentConfiguration?.maximumPercent,
    launchType: s.launchType,
    capacityProviders: (s.capacityProviderStrategy ?? []).map((c) => c.capacityProvider ?? '').filter(Boolean),
    subnetIds: s.networkConfiguration?.awsvpcConfiguration?.subnets ?? [],
    placementConstraints: (s.placementConstraints ?? []).map((c) => ({ type: c.type ?? '', expression: c.expression })),
    circuitBreaker: breaker ? { enable: breaker.enable ?? false, rollback: breaker.rollback ?? false } : undefined,
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
    currentServiceDeployment: s.currentServiceDeployment,
    lifecycleHooks: s.deploymentConfiguration?.lifecycleHooks?.length ?? 0,
  };
}

export function toServiceDeploymentFacts(d: ServiceDeployment): ServiceDeploymentFacts {
  return {
    serviceDeploymentArn: d.serviceDeploymentArn ?? '',
    serviceArn: d.serviceArn ?? '',
    status: d.status,
    lifecycleStage: d.lifecycleStage,
    createdAt: iso(d.createdAt),
    hooks: (d.lifecycleHookDetails ?? []).map((h) => ({
      hookId: h.hookId,
      targetArn: h.targetArn,
      status: h.status,
      expiresAt: iso(h.expiresAt),
      timeoutAction: h.timeoutAction,
    })),
  };
}

export function toInstanceFacts(ci: ContainerInstance, cluster: string): ContainerInstanceFacts {
  const resource = (list: ContainerInstance['registeredResources'], name: string) => list?.find((r) => r.name === name);
  const attributes = Object.fromEntries((ci.attributes ?? []).map((a) => [a.name ?? '', a.value ?? 'true']));
  return {
    cluster,
    containerInstanceArn: ci.containerInstanceArn ?? '',
    ec2InstanceId: ci.ec2InstanceId,
    instanceType: attributes['ecs.instance-type'],
    status: ci.status,
    agentConnected: ci.agentConnected,
    registeredCpu: resource(ci.registeredResources, 'CPU')?.integerValue,
    registeredMemoryMiB: resource(ci.registeredResources, 'MEMORY')?.integerValue,
    remainingCpu: resource(ci.remainingResources, 'CPU')?.integerValue,
    remainingMemoryMiB: resource(ci.remainingResources, 'MEMORY')?.integerValue,
    usedHostPorts: (resource(ci.remainingResources, 'PORTS')?.stringSetValue ?? []).map(Number).filter(Number.isFinite),
    runningTasks: ci.runningTasksCount ?? 0,
    pendingTasks: ci.pendingTasksCount ?? 0,
    attributes,
  };
}
