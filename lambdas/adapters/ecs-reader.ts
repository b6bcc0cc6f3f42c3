import {
  type ContainerDefinition,
  DescribeClustersCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  ListClustersCommand,
  ListTagsForResourceCommand,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { inBatches } from '../domain/capacity/batches';
import { lastSegment } from '../domain/events/task-event';
import type { ContainerDefinitionFacts, TaskDefinitionFacts } from '../domain/stops/task-definition';
import { type Limiter, unbounded } from './concurrency';
import { allPages } from './pages';

const TAG_CACHE_MS = 5 * 60_000;

/** Per-request limits of the cluster APIs (API references). */
export const ECS_CLUSTER_LIMITS = {
  /** ListClusters `maxResults` (1-100). */
  listPage: 100,
  /** DescribeClusters `clusters`: up to 100. */
  describeClusters: 100,
} as const;

/** A cluster as the capacity scan needs it. */
export interface ClusterSummary {
  arn: string;
  name: string;
  /** Registered container instances: 0 for a Fargate-only cluster. */
  containerInstances: number;
}

/** `containerInsights` cluster setting: `enhanced`, `enabled` or `disabled`. */
export type ContainerInsightsMode = 'enhanced' | 'enabled' | 'disabled';

/**
 * Reads task definitions, tags and clusters from ECS: the only caller of DescribeTaskDefinition,
 * ListTagsForResource, ListClusters and DescribeClusters. Task definition revisions are immutable, so
 * they are cached for the life of the function instance; service tags and cluster settings for a few
 * minutes. The cluster listing of the capacity scan goes through `limit`.
 */
export class EcsReader {
  private readonly taskDefinitions = new Map<string, Promise<TaskDefinitionFacts>>();
  private readonly tags = new Map<string, { at: number; value: Promise<Record<string, string>> }>();
  private readonly insights = new Map<string, { at: number; value: Promise<ContainerInsightsMode> }>();
  /** AWS calls made, by operation: for the benchmark's calls-per-alert figure. */
  readonly calls: Record<string, number> = {};

  constructor(
    private readonly ecs: ECSClient,
    private readonly now: () => number = Date.now,
    private readonly limit: Limiter = unbounded,
  ) {}

  /**
   * The given clusters, or every cluster of the account and region, with their container instance
   * counts. A given cluster that does not exist (any more) is left out.
   */
  async clusters(clusterArns?: readonly string[]): Promise<ClusterSummary[]> {
    const arns =
      clusterArns ??
      (await allPages(async (nextToken) => {
        this.count('ListClusters');
        const page = await this.ecs.send(
          new ListClustersCommand({ maxResults: ECS_CLUSTER_LIMITS.listPage, nextToken }),
        );
        return { items: page.clusterArns ?? [], next: page.nextToken };
      }, this.limit));
    const described = await Promise.all(
      inBatches(arns, ECS_CLUSTER_LIMITS.describeClusters).map((batch) =>
        this.limit(() => {
          this.count('DescribeClusters');
          return this.ecs.send(new DescribeClustersCommand({ clusters: batch }));
        }),
      ),
    );
    const counts = new Map(
      described.flatMap((d) => d.clusters ?? []).map((c) => [c.clusterArn, c.registeredContainerInstancesCount ?? 0]),
    );
    // DescribeClusters reports a cluster that does not exist as a failure.
    const missing = new Set(described.flatMap((d) => d.failures ?? []).map((f) => f.arn));
    return arns
      .filter((arn) => !missing.has(arn))
      .map((arn) => ({
        arn,
        name: lastSegment(arn),
        // A cluster missing from the answer is listed anyway: better one call too many than a blind spot.
        containerInstances: counts.get(arn) ?? 1,
      }));
  }

  taskDefinition(arn: string, signal?: AbortSignal): Promise<TaskDefinitionFacts> {
    return this.cached(this.taskDefinitions, arn, async () => {
      this.count('DescribeTaskDefinition');
      const out = await this.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }), {
        abortSignal: signal,
      });
      if (!out.taskDefinition) throw new Error(`DescribeTaskDefinition returned no task definition for ${arn}`);
      return toTaskDefinitionFacts(out.taskDefinition);
    });
  }

  /** Tags of a service, as a plain map. `clusterArn` gives the partition, region and account. */
  serviceTags(clusterArn: string, service: string, signal?: AbortSignal): Promise<Record<string, string>> {
    const serviceArn = serviceArnOf(clusterArn, service);
    return this.cachedFor(this.tags, serviceArn, async () => {
      this.count('ListTagsForResource');
      const out = await this.ecs.send(new ListTagsForResourceCommand({ resourceArn: serviceArn }), {
        abortSignal: signal,
      });
      return Object.fromEntries((out.tags ?? []).filter((t) => t.key).map((t) => [t.key as string, t.value ?? '']));
    });
  }

  /** Tags of a task definition: where a standalone task (a scheduled job) names its team. */
  taskDefinitionTags(taskDefinitionArn: string, signal?: AbortSignal): Promise<Record<string, string>> {
    return this.cachedFor(this.tags, taskDefinitionArn, async () => {
      this.count('ListTagsForResource');
      const out = await this.ecs.send(new ListTagsForResourceCommand({ resourceArn: taskDefinitionArn }), {
        abortSignal: signal,
      });
      return Object.fromEntries((out.tags ?? []).filter((t) => t.key).map((t) => [t.key as string, t.value ?? '']));
    });
  }

  /** Whether Container Insights is on for a cluster (its metrics are what the OOM evidence reads). */
  containerInsights(clusterArn: string, signal?: AbortSignal): Promise<ContainerInsightsMode> {
    return this.cachedFor(this.insights, clusterArn, async () => {
      this.count('DescribeClusters');
      const out = await this.ecs.send(new DescribeClustersCommand({ clusters: [clusterArn], include: ['SETTINGS'] }), {
        abortSignal: signal,
      });
      const value = out.clusters?.[0]?.settings?.find((s) => s.name === 'containerInsights')?.value;
      return value === 'enhanced' || value === 'enabled' ? value : 'disabled';
    });
  }

  private cachedFor<T>(
    cache: Map<string, { at: number; value: Promise<T> }>,
    key: string,
    load: () => Promise<T>,
  ): Promise<T> {
    const hit = cache.get(key);
    if (hit && this.now() - hit.at < TAG_CACHE_MS) return hit.value;
    const value = load();
    cache.set(key, { at: this.now(), value });
    value.catch(() => cache.delete(key));
    return value;
  }

  private cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const hit = cache.get(key);
    if (hit) return hit;
    const value = load();
    cache.set(key, value);
    value.catch(() => cache.delete(key));
    return value;
  }

  private count(operation: string): void {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
  }
}

/** `arn:aws:ecs:r:a:cluster/prod` + `api` → `arn:aws:ecs:r:a:service/prod/api` (the long ARN format). */
export function serviceArnOf(clusterArn: string, service: string): string {
  const at = clusterArn.indexOf(':cluster/');
  if (at < 0) throw new Error(`not a cluster ARN: ${clusterArn}`);
  const cluster = clusterArn.slice(at + ':cluster/'.length);
  return `${clusterArn.slice(0, at)}:service/${cluster}/${service}`;
}

export function toTaskDefinitionFacts(td: TaskDefinition): TaskDefinitionFacts {
  return {
    arn: td.taskDefinitionArn ?? '',
    taskDefinition:
      td.family && td.revision !== undefined
        ? `${td.family}:${td.revision}`
        : ((td.taskDefinitionArn ?? '').split('/').pop() ?? ''),
    family: td.family ?? '',
    revision: td.revision ?? 0,
    cpu: toNumber(td.cpu),
    memoryMiB: toNumber(td.memory),
    networkMode: td.networkMode,
    requiresCompatibilities: td.requiresCompatibilities ?? [],
    containers: (td.containerDefinitions ?? []).map((c) => toContainerFacts(c, td.networkMode)),
  };
}

function toContainerFacts(c: ContainerDefinition, networkMode: string | undefined): ContainerDefinitionFacts {
  return {
    name: c.name ?? '',
    image: c.image,
    // ECS treats a container without the flag as essential.
    essential: c.essential ?? true,
    memoryHardMiB: c.memory,
    memorySoftMiB: c.memoryReservation,
    cpu: c.cpu,
    logDriver: c.logConfiguration?.logDriver,
    logOptions: c.logConfiguration?.options,
    environmentKeys: (c.environment ?? []).map((e) => e.name ?? '').filter(Boolean),
    secretNames: (c.secrets ?? []).map((s) => s.name ?? '').filter(Boolean),
    healthCheck: c.healthCheck && {
      command: c.healthCheck.command ?? [],
      interval: c.healthCheck.interval,
      timeout: c.healthCheck.timeout,
      retries: c.healthCheck.retries,
      startPeriod: c.healthCheck.startPeriod,
    },
    portMappings: (c.portMappings ?? []).map((p) => {
      const port = p.containerPort ?? p.containerPortRange ?? '?';
      // In bridge mode any non-zero host port is a static binding, even the container port itself.
      const fixed = p.hostPort !== undefined && p.hostPort !== 0;
      const host = fixed && (p.hostPort !== p.containerPort || networkMode === 'bridge') ? `${p.hostPort}->` : '';
      return `${host}${port}/${p.protocol ?? 'tcp'}`;
    }),
  };
}

function toNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
