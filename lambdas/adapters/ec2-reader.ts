import {
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  type _InstanceType as InstanceType,
  type Subnet,
} from '@aws-sdk/client-ec2';
import { inBatches } from '../domain/capacity/batches';
import type { SubnetFacts } from '../domain/capacity/facts';
import { type Limiter, unbounded } from './concurrency';
import { allPages } from './pages';

/** Per-request limits of the EC2 APIs read here (API references). */
export const EC2_LIMITS = {
  /**
   * DescribeSubnets / DescribeInstances are asked with a `subnet-id` / `instance-id` filter rather
   * than the id lists, so an id that no longer exists is left out instead of failing the whole
   * request; 200 values per filter, and one page (MaxResults 1000) holds them all.
   */
  filterValues: 200,
  pageSize: 1000,
  /** DescribeInstanceTypes `InstanceTypes`: up to 100. */
  describeInstanceTypes: 100,
} as const;

/**
 * The only caller of DescribeSubnets, DescribeInstanceTypes and DescribeInstances: subnets' free
 * addresses, instance types' network interface limits, instances' attached interfaces. Shared by the
 * capacity scan and the placement diagnosis. Requests go through `limit` (the scan's bound on requests
 * in flight); `signal` aborts a lookup at the enrichment deadline.
 */
export class Ec2Reader {
  constructor(
    private readonly ec2: EC2Client,
    private readonly limit: Limiter = unbounded,
  ) {}

  async subnets(subnetIds: readonly string[], signal?: AbortSignal): Promise<SubnetFacts[]> {
    const ids = [...new Set(subnetIds)].sort();
    const pages = await Promise.all(
      inBatches(ids, EC2_LIMITS.filterValues).map((batch) =>
        allPages(async (NextToken) => {
          const out = await this.ec2.send(
            new DescribeSubnetsCommand({
              Filters: [{ Name: 'subnet-id', Values: batch }],
              MaxResults: EC2_LIMITS.pageSize,
              NextToken,
            }),
            { abortSignal: signal },
          );
          return { items: out.Subnets ?? [], next: out.NextToken };
        }, this.limit),
      ),
    );
    return pages.flat().flatMap(toSubnetFacts);
  }

  /** `MaximumNetworkInterfaces` per instance type (the primary interface included). */
  async maxNetworkInterfaces(instanceTypes: readonly string[], signal?: AbortSignal): Promise<Map<string, number>> {
    const types = [...new Set(instanceTypes)].sort();
    const pages = await Promise.all(
      inBatches(types, EC2_LIMITS.describeInstanceTypes).map((batch) =>
        allPages(async (NextToken) => {
          const out = await this.ec2.send(
            new DescribeInstanceTypesCommand({ InstanceTypes: batch as InstanceType[], NextToken }),
            { abortSignal: signal },
          );
          return { items: out.InstanceTypes ?? [], next: out.NextToken };
        }, this.limit),
      ),
    );
    return new Map(
      pages
        .flat()
        .filter((t) => t.InstanceType && t.NetworkInfo?.MaximumNetworkInterfaces !== undefined)
        .map((t) => [t.InstanceType as string, t.NetworkInfo?.MaximumNetworkInterfaces as number]),
    );
  }

  /** Network interfaces attached to each instance, the primary one included. */
  async attachedNetworkInterfaces(instanceIds: readonly string[], signal?: AbortSignal): Promise<Map<string, number>> {
    const ids = [...new Set(instanceIds)].sort();
    const pages = await Promise.all(
      inBatches(ids, EC2_LIMITS.filterValues).map((batch) =>
        allPages(async (NextToken) => {
          const out = await this.ec2.send(
            new DescribeInstancesCommand({
              Filters: [{ Name: 'instance-id', Values: batch }],
              MaxResults: EC2_LIMITS.pageSize,
              NextToken,
            }),
            { abortSignal: signal },
          );
          return { items: (out.Reservations ?? []).flatMap((r) => r.Instances ?? []), next: out.NextToken };
        }, this.limit),
      ),
    );
    return new Map(
      pages
        .flat()
        .filter((i) => i.InstanceId)
        .map((i) => [i.InstanceId as string, (i.NetworkInterfaces ?? []).length]),
    );
  }
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
