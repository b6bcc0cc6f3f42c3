/**
 * Capacity assessment (pure; README "Capacity scan"): how many addresses each subnet used by awsvpc
 * services has left, how many it would have left if every one of those services deployed at once
 * (surging to its `maximumPercent`), and how many network interfaces each EC2 container instance has
 * left for awsvpc tasks. Inputs are the facts of facts.ts, read by the adapters; time is not needed.
 */
import { type ContainerInstanceFacts, type ServiceFacts, type SubnetFacts, tagOf } from './facts';
import { usableAddresses } from './subnet-capacity';
import { instanceTypeOf, taskEniCapacity } from './task-enis';

/** ECS's default `maximumPercent` for replica services (the rolling-update deployment controller). */
export const DEFAULT_MAXIMUM_PERCENT = 200;
/** Daemon deployments stop an old task before starting its replacement: their default is 100. */
export const DAEMON_MAXIMUM_PERCENT = 100;

/** The `maximumPercent` a service's next deployment surges to. */
export function maximumPercentOf(service: Pick<ServiceFacts, 'maximumPercent' | 'schedulingStrategy'>): number {
  return (
    service.maximumPercent ??
    (service.schedulingStrategy === 'DAEMON' ? DAEMON_MAXIMUM_PERCENT : DEFAULT_MAXIMUM_PERCENT)
  );
}

/** One service's load on one subnet. */
export interface SubnetServiceLoad {
  cluster: string;
  service: string;
  serviceArn: string;
  team?: string;
  /** The service's share of its tasks that ECS places in this subnet (spread by Availability Zone). */
  share: number;
  /** Tasks of the service estimated to be in this subnet now (running and pending). */
  estimatedTasks: number;
  /** Addresses the service's next deployment takes in this subnet on top of today's. */
  surgeAddresses: number;
  /** The deployment's extra tasks (all subnets) at its maximumPercent. */
  surgeTasks: number;
  maximumPercent: number;
  desiredCount: number;
}

export type SubnetFinding = 'SURGE_EXCEEDS_FREE_ADDRESSES' | 'FREE_ADDRESSES_BELOW_THRESHOLD';

export interface SubnetAssessment {
  subnetId: string;
  cidr: string;
  availabilityZone: string;
  vpcId?: string;
  name?: string;
  usableAddresses: number;
  freeAddresses: number;
  /** Usable addresses taken (by tasks and anything else in the subnet). */
  usedAddresses: number;
  /** Tasks of the scanned services estimated to be in this subnet. */
  estimatedTasks: number;
  /** Extra addresses needed if every service using the subnet deployed at once. */
  surgeDemand: number;
  /** freeAddresses − surgeDemand: negative means a simultaneous deployment cannot place all its tasks. */
  surgeHeadroom: number;
  freeIpThreshold: number;
  services: SubnetServiceLoad[];
  /** Services whose deployment may fail here (see {@link servicesAtRisk}). */
  servicesAtRisk: SubnetServiceLoad[];
  findings: SubnetFinding[];
}

export interface InstanceAssessment {
  cluster: string;
  containerInstanceArn: string;
  containerInstanceId: string;
  ec2InstanceId?: string;
  instanceType?: string;
  trunked: boolean;
  /** awsvpc tasks the instance can hold at most; undefined when not known. */
  awsvpcTaskLimit?: number;
  /** Interfaces (or, trunked, branch interfaces) taken by tasks. */
  interfacesInUse?: number;
  /** Network interfaces left for awsvpc tasks; undefined when not known. */
  freeNetworkInterfaces?: number;
  /** True when {@link interfacesInUse} counts every task on a trunked instance (an upper bound). */
  estimated: boolean;
  remainingCpu?: number;
  remainingMemoryMiB?: number;
  note?: string;
}

export interface CapacityAssessment {
  subnets: SubnetAssessment[];
  instances: InstanceAssessment[];
  /** Subnets named by services that DescribeSubnets did not return (deleted, or in another account). */
  unknownSubnets: { subnetId: string; services: string[] }[];
}

export interface AssessmentOptions {
  /** A subnet with fewer free addresses than this is reported even if its surge fits. */
  freeIpThreshold: number;
  /** The service tag naming the owning team. */
  teamTagKey: string;
}

/** Tasks a deployment runs at its peak: ECS rounds `desiredCount × maximumPercent / 100` down. */
export function surgeTaskCount(desiredCount: number, maximumPercent = DEFAULT_MAXIMUM_PERCENT): number {
  return Math.floor((Math.max(0, desiredCount) * Math.max(0, maximumPercent)) / 100);
}

/**
 * Extra tasks (and so addresses) a deployment starts on top of the tasks that hold addresses today:
 * peak tasks − (running + pending), never negative.
 */
export function surgeExtraTasks(
  service: Pick<
    ServiceFacts,
    'desiredCount' | 'runningCount' | 'pendingCount' | 'maximumPercent' | 'schedulingStrategy'
  >,
): number {
  const peak = surgeTaskCount(service.desiredCount, maximumPercentOf(service));
  return Math.max(0, peak - service.runningCount - service.pendingCount);
}

/**
 * The share of a service's tasks ECS places in each of its subnets: service tasks are spread evenly
 * across Availability Zones first, then across the service's subnets within a zone. Subnets without
 * facts (unknown zone) get no share.
 */
export function subnetShares(subnetIds: readonly string[], zoneOf: (subnetId: string) => string | undefined) {
  const byZone = new Map<string, string[]>();
  for (const id of new Set(subnetIds)) {
    const zone = zoneOf(id);
    if (zone === undefined) continue;
    byZone.set(zone, [...(byZone.get(zone) ?? []), id]);
  }
  const shares = new Map<string, number>();
  for (const ids of byZone.values()) {
    for (const id of ids) shares.set(id, 1 / byZone.size / ids.length);
  }
  return shares;
}

/**
 * Addresses of `tasks` that land in a subnet with the given share. Rounded up: with 10 tasks over 3
 * zones one zone gets 4, and any subnet may be that one.
 */
export function tasksInSubnet(tasks: number, share: number): number {
  if (tasks <= 0 || share <= 0) return 0;
  // Guard against 0.1 + 0.2 style noise turning an exact 3.0 into 3.0000000004 → 4.
  return Math.ceil(tasks * share - 1e-9);
}

export function assessCapacity(
  services: readonly ServiceFacts[],
  subnets: readonly SubnetFacts[],
  instances: readonly ContainerInstanceFacts[],
  options: AssessmentOptions,
): CapacityAssessment {
  const subnetById = new Map(subnets.map((s) => [s.subnetId, s]));
  const loads = new Map<string, SubnetServiceLoad[]>();
  const unknown = new Map<string, string[]>();

  for (const service of services) {
    if (service.subnetIds.length === 0) continue;
    const shares = subnetShares(service.subnetIds, (id) => subnetById.get(id)?.availabilityZone);
    const surgeTasks = surgeExtraTasks(service);
    const current = service.runningCount + service.pendingCount;
    for (const id of new Set(service.subnetIds)) {
      const share = shares.get(id);
      if (share === undefined) {
        unknown.set(id, [...(unknown.get(id) ?? []), `${service.cluster}/${service.service}`]);
        continue;
      }
      const load: SubnetServiceLoad = {
        cluster: service.cluster,
        service: service.service,
        serviceArn: service.serviceArn,
        team: tagOf(service, options.teamTagKey),
        share,
        estimatedTasks: tasksInSubnet(current, share),
        surgeAddresses: tasksInSubnet(surgeTasks, share),
        surgeTasks,
        maximumPercent: maximumPercentOf(service),
        desiredCount: service.desiredCount,
      };
      loads.set(id, [...(loads.get(id) ?? []), load]);
    }
  }

  const assessed = [...loads.entries()].map(([id, serviceLoads]) =>
    assessSubnet(subnetById.get(id) as SubnetFacts, serviceLoads, options.freeIpThreshold),
  );
  assessed.sort((a, b) => a.surgeHeadroom - b.surgeHeadroom || a.subnetId.localeCompare(b.subnetId));
  return {
    subnets: assessed,
    instances: instances.map(assessInstance),
    unknownSubnets: [...unknown.entries()].map(([subnetId, names]) => ({ subnetId, services: names })),
  };
}

export function assessSubnet(
  subnet: SubnetFacts,
  services: SubnetServiceLoad[],
  freeIpThreshold: number,
): SubnetAssessment {
  const usable = usableAddresses(subnet.cidr);
  const free = Math.max(0, subnet.availableAddresses);
  const ordered = [...services].sort(
    (a, b) =>
      b.surgeAddresses - a.surgeAddresses || `${a.cluster}/${a.service}`.localeCompare(`${b.cluster}/${b.service}`),
  );
  const surgeDemand = ordered.reduce((sum, s) => sum + s.surgeAddresses, 0);
  const surgeHeadroom = free - surgeDemand;
  const findings: SubnetFinding[] = [];
  if (surgeHeadroom < 0) findings.push('SURGE_EXCEEDS_FREE_ADDRESSES');
  if (free < freeIpThreshold) findings.push('FREE_ADDRESSES_BELOW_THRESHOLD');
  return {
    subnetId: subnet.subnetId,
    cidr: subnet.cidr,
    availabilityZone: subnet.availabilityZone,
    vpcId: subnet.vpcId,
    name: subnet.name,
    usableAddresses: usable,
    freeAddresses: free,
    usedAddresses: Math.max(0, usable - free),
    estimatedTasks: ordered.reduce((sum, s) => sum + s.estimatedTasks, 0),
    surgeDemand,
    surgeHeadroom,
    freeIpThreshold,
    services: ordered,
    servicesAtRisk: servicesAtRisk(ordered, free, findings),
    findings,
  };
}

/**
 * Which services' deployments may fail to place tasks in a subnet:
 * - those whose own surge does not fit in the free addresses (they fail even deploying alone);
 * - if every one fits alone but not all together, all of them (whichever deploys last may fail);
 * - with only few free addresses left, every service that surges into it at all.
 */
export function servicesAtRisk(
  services: SubnetServiceLoad[],
  freeAddresses: number,
  findings: readonly SubnetFinding[],
): SubnetServiceLoad[] {
  if (findings.length === 0) return [];
  const alone = services.filter((s) => s.surgeAddresses > freeAddresses);
  if (alone.length > 0) return alone;
  const surging = services.filter((s) => s.surgeAddresses > 0);
  return surging.length > 0 ? surging : services;
}

export function assessInstance(instance: ContainerInstanceFacts): InstanceAssessment {
  const enis = taskEniCapacity(instance);
  return {
    cluster: instance.cluster,
    containerInstanceArn: instance.containerInstanceArn,
    containerInstanceId: instance.containerInstanceArn.split('/').pop() ?? instance.containerInstanceArn,
    ec2InstanceId: instance.ec2InstanceId,
    instanceType: instanceTypeOf(instance),
    trunked: enis.trunked,
    awsvpcTaskLimit: enis.limit,
    interfacesInUse: enis.inUse,
    freeNetworkInterfaces: enis.free,
    estimated: enis.estimated,
    remainingCpu: instance.remainingCpu,
    remainingMemoryMiB: instance.remainingMemoryMiB,
    note: enis.note,
  };
}
