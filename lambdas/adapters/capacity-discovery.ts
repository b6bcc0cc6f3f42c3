import {
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  type _InstanceType as InstanceType,
  type Subnet,
} from '@aws-sdk/client-ec2';
import {
  type ContainerInstance,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  type ECSClient,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListServicesCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { inBatches } from '../domain/capacity/batches';
import type { ContainerInstanceFacts, ServiceNetworkFacts, SubnetFacts } from '../domain/capacity/capacity-assessment';
import { TRUNK_ATTRIBUTE } from '../domain/capacity/eni-trunking';
import { createLimiter, type Limiter } from './concurrency';

/**
 * Per-request limits of the APIs the scan calls (API references): they decide how many calls a scan
 * needs at least, which `bench/scan.ts` compares against what was made.
 */
export const SCAN_LIMITS = {
  /** ListClusters / ListServices / ListContainerInstances `maxResults` (1-100). */
  listPage: 100,
  /** DescribeClusters `clusters`: up to 100. */
  describeClusters: 100,
  /** DescribeServices `services`: up to 10. */
  describeServices: 10,
  /** DescribeContainerInstances `containerInstances`: up to 100. */
  describeContainerInstances: 100,
  /**
   * DescribeSubnets / DescribeInstances are asked with a `subnet-id` / `instance-id` filter rather
   * than the id lists, so an id that no longer exists is left out instead of failing the whole
   * request; 200 values per filter, and one page (MaxResults 1000) holds them all.
   */
  ec2FilterValues: 200,
  ec2PageSize: 1000,
  /** DescribeInstanceTypes `InstanceTypes`: up to 100. */
  describeInstanceTypes: 100,
} as const;

export interface CapacityDiscoveryOptions {
  /** AWS requests in flight at once across the whole scan. */
  concurrency?: number;
  /** ECS service tag naming the owning team (DescribeServices include TAGS; no extra call). */
  teamTagKey?: string;
  /** Scan only these clusters (ARNs) instead of listing every cluster of the account and region. */
  clusterArns?: string[];
}

export interface DiscoveredCapacity {
  clusters: string[];
  services: ServiceNetworkFacts[];
  subnets: SubnetFacts[];
  instances: ContainerInstanceFacts[];
}

interface ClusterSummary {
  arn: string;
  name: string;
  containerInstances: number;
}

export const DEFAULT_SCAN_CONCURRENCY = 8;

/**
 * Reads everything the capacity assessment needs: every cluster → every service (awsvpc subnets,
 * counts, maximumPercent) → the subnets' free addresses; and every EC2 container instance with its
 * remaining CPU/memory, its ENI trunk attribute, its instance type's interface limit and its attached
 * interfaces. Clients are injected; give them `retryMode: 'adaptive'` so throttling slows the scan
 * down instead of failing it. Errors propagate: a partial view could close incidents that are still open.
 */
export class CapacityDiscovery {
  private readonly teamTagKey: string;
  private readonly concurrency: number;
  private readonly clusterArns?: string[];

  constructor(
    private readonly ecs: ECSClient,
    private readonly ec2: EC2Client,
    options: CapacityDiscoveryOptions = {},
  ) {
    this.teamTagKey = options.teamTagKey ?? 'team';
    this.concurrency = options.concurrency ?? DEFAULT_SCAN_CONCURRENCY;
    this.clusterArns = options.clusterArns;
  }

  async discover(): Promise<DiscoveredCapacity> {
    const limit = createLimiter(this.concurrency);
    const clusters = await this.clusters(limit);
    const perCluster = await Promise.all(
      clusters.map(async (cluster) => {
        const [services, instances] = await Promise.all([
          this.services(cluster, limit),
          cluster.containerInstances > 0 ? this.containerInstances(cluster, limit) : Promise.resolve([]),
        ]);
        return { services, instances };
      }),
    );
    const services = perCluster.flatMap((c) => c.services);
    const rawInstances = perCluster.flatMap((c) => c.instances);
    const subnetIds = [...new Set(services.flatMap((s) => s.subnetIds))].sort();
    const [subnets, instances] = await Promise.all([
      this.subnets(subnetIds, limit),
      this.withNetworkInterfaces(rawInstances, limit),
    ]);
    return { clusters: clusters.map((c) => c.name), services, subnets, instances };
  }

  private async clusters(limit: Limiter): Promise<ClusterSummary[]> {
    const arns: string[] = this.clusterArns ? [...this.clusterArns] : [];
    let nextToken: string | undefined;
    while (!this.clusterArns) {
      const page = await limit(() =>
        this.ecs.send(new ListClustersCommand({ maxResults: SCAN_LIMITS.listPage, nextToken })),
      );
      arns.push(...(page.clusterArns ?? []));
      nextToken = page.nextToken;
      if (!nextToken) break;
    }
    // DescribeClusters tells which clusters have container instances, sparing a ListContainerInstances
    // call for every Fargate-only cluster.
    const described = await Promise.all(
      inBatches(arns, SCAN_LIMITS.describeClusters).map((batch) =>
        limit(() => this.ecs.send(new DescribeClustersCommand({ clusters: batch }))),
      ),
    );
    const found = described.flatMap((d) => d.clusters ?? []);
    const counts = new Map(found.map((c) => [c.clusterArn, c.registeredContainerInstancesCount ?? 0]));
    // A configured cluster that does not exist (any more) is reported by DescribeClusters as a failure: skip it.
    const missing = new Set(described.flatMap((d) => d.failures ?? []).map((f) => f.arn));
    return arns
      .filter((arn) => !missing.has(arn))
      .map((arn) => ({
        arn,
        name: arn.split('/').pop() ?? arn,
        // A cluster missing from the answer is listed anyway: better one call too many than a blind spot.
        containerInstances: counts.get(arn) ?? 1,
      }));
  }

  private async services(cluster: ClusterSummary, limit: Limiter): Promise<ServiceNetworkFacts[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await limit(() =>
        this.ecs.send(new ListServicesCommand({ cluster: cluster.arn, maxResults: SCAN_LIMITS.listPage, nextToken })),
      );
      arns.push(...(page.serviceArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const described = await Promise.all(
      inBatches(arns, SCAN_LIMITS.describeServices).map((batch) =>
        limit(() =>
          this.ecs.send(new DescribeServicesCommand({ cluster: cluster.arn, services: batch, include: ['TAGS'] })),
        ),
      ),
    );
    return described
      .flatMap((d) => d.services ?? [])
      .filter((s) => s.status !== 'INACTIVE')
      .map((s) => toServiceFacts(s, cluster.name, this.teamTagKey));
  }

  private async containerInstances(cluster: ClusterSummary, limit: Limiter): Promise<ContainerInstanceFacts[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await limit(() =>
        this.ecs.send(
          new ListContainerInstancesCommand({ cluster: cluster.arn, maxResults: SCAN_LIMITS.listPage, nextToken }),
        ),
      );
      arns.push(...(page.containerInstanceArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const described = await Promise.all(
      inBatches(arns, SCAN_LIMITS.describeContainerInstances).map((batch) =>
        limit(() =>
          this.ecs.send(new DescribeContainerInstancesCommand({ cluster: cluster.arn, containerInstances: batch })),
        ),
      ),
    );
    return described.flatMap((d) => d.containerInstances ?? []).map((ci) => toInstanceFacts(ci, cluster.name));
  }

  private async subnets(subnetIds: string[], limit: Limiter): Promise<SubnetFacts[]> {
    const pages = await Promise.all(
      inBatches(subnetIds, SCAN_LIMITS.ec2FilterValues).map((batch) =>
        this.allPages(limit, async (NextToken) => {
          const out = await this.ec2.send(
            new DescribeSubnetsCommand({
              Filters: [{ Name: 'subnet-id', Values: batch }],
              MaxResults: SCAN_LIMITS.ec2PageSize,
              NextToken,
            }),
          );
          return { items: out.Subnets ?? [], next: out.NextToken };
        }),
      ),
    );
    return pages.flat().flatMap(toSubnetFacts);
  }

  /** Adds the instance type's interface limit and, for instances without a trunk, the attached interfaces. */
  private async withNetworkInterfaces(
    instances: ContainerInstanceFacts[],
    limit: Limiter,
  ): Promise<ContainerInstanceFacts[]> {
    if (instances.length === 0) return instances;
    const types = [...new Set(instances.map((i) => i.instanceType).filter((t): t is string => !!t))].sort();
    // Trunked instances' branch interfaces are not attachments of the instance: their count comes from the tasks.
    const untrunked = [
      ...new Set(
        instances
          .filter((i) => !i.attributes[TRUNK_ATTRIBUTE] && i.ec2InstanceId)
          .map((i) => i.ec2InstanceId as string),
      ),
    ].sort();
    const [maxInterfaces, attached] = await Promise.all([
      this.interfaceLimits(types, limit),
      this.attachedInterfaces(untrunked, limit),
    ]);
    return instances.map((i) => ({
      ...i,
      maximumNetworkInterfaces: i.instanceType ? maxInterfaces.get(i.instanceType) : undefined,
      attachedNetworkInterfaces: i.ec2InstanceId ? attached.get(i.ec2InstanceId) : undefined,
    }));
  }

  private async interfaceLimits(types: string[], limit: Limiter): Promise<Map<string, number>> {
    const pages = await Promise.all(
      inBatches(types, SCAN_LIMITS.describeInstanceTypes).map((batch) =>
        this.allPages(limit, async (NextToken) => {
          const out = await this.ec2.send(
            new DescribeInstanceTypesCommand({ InstanceTypes: batch as InstanceType[], NextToken }),
          );
          return { items: out.InstanceTypes ?? [], next: out.NextToken };
        }),
      ),
    );
    return new Map(
      pages
        .flat()
        .filter((t) => t.InstanceType && t.NetworkInfo?.MaximumNetworkInterfaces !== undefined)
        .map((t) => [t.InstanceType as string, t.NetworkInfo?.MaximumNetworkInterfaces as number]),
    );
  }

  private async attachedInterfaces(instanceIds: string[], limit: Limiter): Promise<Map<string, number>> {
    const pages = await Promise.all(
      inBatches(instanceIds, SCAN_LIMITS.ec2FilterValues).map((batch) =>
        this.allPages(limit, async (NextToken) => {
          const out = await this.ec2.send(
            new DescribeInstancesCommand({
              Filters: [{ Name: 'instance-id', Values: batch }],
              MaxResults: SCAN_LIMITS.ec2PageSize,
              NextToken,
            }),
          );
          return { items: (out.Reservations ?? []).flatMap((r) => r.Instances ?? []), next: out.NextToken };
        }),
      ),
    );
    return new Map(
      pages
        .flat()
        .filter((i) => i.InstanceId)
        .map((i) => [i.InstanceId as string, (i.NetworkInterfaces ?? []).length]),
    );
  }

  private async allPages<T>(
    limit: Limiter,
    fetch: (token: string | undefined) => Promise<{ items: T[]; next?: string }>,
  ): Promise<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    do {
      const page = await limit(() => fetch(token));
      items.push(...page.items);
      token = page.next;
    } while (token);
    return items;
  }
}

export function toServiceFacts(s: Service, cluster: string, teamTagKey: string): ServiceNetworkFacts {
  const daemon = s.schedulingStrategy === 'DAEMON';
  const providers = (s.capacityProviderStrategy ?? []).map((p) => p.capacityProvider).filter(Boolean);
  return {
    cluster,
    service: s.serviceName ?? s.serviceArn?.split('/').pop() ?? '',
    serviceArn: s.serviceArn ?? '',
    desiredCount: s.desiredCount ?? 0,
    runningCount: s.runningCount ?? 0,
    pendingCount: s.pendingCount ?? 0,
    // Daemon deployments stop an old task before starting its replacement (their default is 100).
    maximumPercent: s.deploymentConfiguration?.maximumPercent ?? (daemon ? 100 : undefined),
    subnetIds: s.networkConfiguration?.awsvpcConfiguration?.subnets ?? [],
    launchType: s.launchType ?? (providers.length > 0 ? providers.join('+') : undefined),
    team: s.tags?.find((t) => t.key === teamTagKey)?.value || undefined,
  };
}

export function toInstanceFacts(ci: ContainerInstance, cluster: string): ContainerInstanceFacts {
  const resource = (list: ContainerInstance['registeredResources'], name: string) =>
    list?.find((r) => r.name === name)?.integerValue;
  const attributes = Object.fromEntries((ci.attributes ?? []).map((a) => [a.name ?? '', a.value ?? 'true']));
  return {
    cluster,
    containerInstanceArn: ci.containerInstanceArn ?? '',
    ec2InstanceId: ci.ec2InstanceId,
    instanceType: attributes['ecs.instance-type'],
    status: ci.status,
    registeredCpu: resource(ci.registeredResources, 'CPU'),
    registeredMemoryMiB: resource(ci.registeredResources, 'MEMORY'),
    remainingCpu: resource(ci.remainingResources, 'CPU'),
    remainingMemoryMiB: resource(ci.remainingResources, 'MEMORY'),
    runningTasks: ci.runningTasksCount ?? 0,
    pendingTasks: ci.pendingTasksCount ?? 0,
    attributes,
  };
}

export function toSubnetFacts(s: Subnet): SubnetFacts[] {
  if (!s.SubnetId || !s.CidrBlock || !s.AvailabilityZone) return [];
  return [
    {
      subnetId: s.SubnetId,
      cidr: s.CidrBlock,
      availabilityZone: s.AvailabilityZone,
      availableAddresses: s.AvailableIpAddressCount ?? 0,
      vpcId: s.VpcId,
      name: s.Tags?.find((t) => t.Key === 'Name')?.Value,
    },
  ];
}
