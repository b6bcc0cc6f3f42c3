import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type {
  ContainerInstanceFacts,
  ServiceDeploymentFacts,
  ServiceFacts,
  SubnetFacts,
} from '../domain/capacity/facts';
import { servicesWithHooksToRead } from '../domain/capacity/service-stalls';
import { isTrunked } from '../domain/capacity/task-enis';
import { SETTINGS } from '../domain/settings/settings';
import { createLimiter } from './concurrency';
import { EC2_LIMITS, Ec2Reader } from './ec2-reader';
import { ECS_CLUSTER_LIMITS, EcsReader } from './ecs-reader';
import { ECS_SERVICE_LIMITS, EcsServiceReader } from './ecs-service-reader';

/**
 * Per-request limits of the APIs the scan calls (from the readers that call them): they decide how many
 * calls a scan needs at least, which `bench/scan.ts` compares against what was made.
 */
export const SCAN_LIMITS = {
  listPage: ECS_CLUSTER_LIMITS.listPage,
  describeClusters: ECS_CLUSTER_LIMITS.describeClusters,
  describeServices: ECS_SERVICE_LIMITS.describeServices,
  describeServiceDeployments: ECS_SERVICE_LIMITS.describeServiceDeployments,
  describeContainerInstances: ECS_SERVICE_LIMITS.describeContainerInstances,
  ec2FilterValues: EC2_LIMITS.filterValues,
  ec2PageSize: EC2_LIMITS.pageSize,
  describeInstanceTypes: EC2_LIMITS.describeInstanceTypes,
} as const;

/** The readers the capacity model is read with (each the only caller of its APIs). */
export interface CapacityReaders {
  ecs: EcsReader;
  services: EcsServiceReader;
  ec2: Ec2Reader;
}

export interface DiscoveredCapacity {
  clusters: string[];
  services: ServiceFacts[];
  subnets: SubnetFacts[];
  instances: ContainerInstanceFacts[];
  /** Service deployments with lifecycle hooks under way (only those DescribeServiceDeployments was asked about). */
  serviceDeployments?: ServiceDeploymentFacts[];
}

/**
 * A cluster's container instances with what limits their awsvpc tasks: the instance type's interface
 * limit and, for instances without an ENI trunk, the interfaces attached (a trunk's branch interfaces
 * are not attachments of the instance: their count comes from the tasks). The one reader of instance
 * facts, for the capacity scan and the placement diagnosis alike.
 */
export async function readContainerInstances(
  readers: Pick<CapacityReaders, 'services' | 'ec2'>,
  cluster: string,
  signal?: AbortSignal,
): Promise<ContainerInstanceFacts[]> {
  return withNetworkInterfaces(readers.ec2, await readers.services.containerInstances(cluster, signal), signal);
}

async function withNetworkInterfaces(
  ec2: Ec2Reader,
  instances: ContainerInstanceFacts[],
  signal?: AbortSignal,
): Promise<ContainerInstanceFacts[]> {
  if (instances.length === 0) return instances;
  const types = instances.map((i) => i.instanceType).filter((t): t is string => !!t);
  const untrunked = instances.filter((i) => !isTrunked(i) && i.ec2InstanceId).map((i) => i.ec2InstanceId as string);
  const [maxInterfaces, attached] = await Promise.all([
    ec2.maxNetworkInterfaces(types, signal),
    ec2.attachedNetworkInterfaces(untrunked, signal),
  ]);
  return instances.map((i) => ({
    ...i,
    maximumNetworkInterfaces: i.instanceType ? maxInterfaces.get(i.instanceType) : undefined,
    attachedNetworkInterfaces: i.ec2InstanceId ? attached.get(i.ec2InstanceId) : undefined,
  }));
}

/**
 * Reads everything the capacity assessment needs: every cluster → every service (awsvpc subnets,
 * counts, maximumPercent, tags) → the subnets' free addresses; and every EC2 container instance with
 * its network interfaces ({@link readContainerInstances}). Give the clients `retryMode: 'adaptive'` so
 * throttling slows the scan down instead of failing it. Errors propagate: a partial view could close
 * incidents that are still open.
 */
export class CapacityDiscovery {
  /** The readers on the given clients, all under one bound of `concurrency` requests in flight. */
  static onClients(
    ecs: ECSClient,
    ec2: EC2Client,
    options: { concurrency?: number; clusterArns?: string[] } = {},
  ): CapacityDiscovery {
    const limit = createLimiter(options.concurrency ?? SETTINGS.scanConcurrency.default);
    return new CapacityDiscovery(
      {
        ecs: new EcsReader(ecs, Date.now, limit),
        services: new EcsServiceReader(ecs, limit),
        ec2: new Ec2Reader(ec2, limit),
      },
      options.clusterArns,
    );
  }

  constructor(
    private readonly readers: CapacityReaders,
    /** Scan only these clusters (ARNs) instead of listing every cluster of the account and region. */
    private readonly clusterArns?: string[],
  ) {}

  async discover(): Promise<DiscoveredCapacity> {
    const { ecs, services: serviceReader, ec2 } = this.readers;
    const clusters = await ecs.clusters(this.clusterArns);
    const perCluster = await Promise.all(
      clusters.map(async (cluster) => {
        const [services, instances] = await Promise.all([
          serviceReader.servicesOf(cluster.arn),
          // DescribeClusters told which clusters have container instances: a Fargate-only one needs no listing.
          cluster.containerInstances > 0 ? serviceReader.containerInstances(cluster.arn) : Promise.resolve([]),
        ]);
        return { services, instances };
      }),
    );
    const services = perCluster.flatMap((c) => c.services);
    const [subnets, instances, serviceDeployments] = await Promise.all([
      ec2.subnets(services.flatMap((s) => s.subnetIds)),
      withNetworkInterfaces(
        ec2,
        perCluster.flatMap((c) => c.instances),
      ),
      // Only DescribeServiceDeployments reports lifecycle hooks: asked only for services that have hooks and deploy.
      serviceReader.serviceDeployments(
        servicesWithHooksToRead(services).map((s) => s.currentServiceDeployment as string),
      ),
    ]);
    return { clusters: clusters.map((c) => c.name), services, subnets, instances, serviceDeployments };
  }
}
