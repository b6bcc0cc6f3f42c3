import {
  type _InstanceType,
  DescribeInstanceTypesCommand,
  DescribeSubnetsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { SubnetFacts } from '../domain/rollouts/placement-diagnosis';

/** Reads subnet free addresses and instance-type network limits. */
export class Ec2Reader {
  readonly calls: Record<string, number> = {};

  constructor(private readonly ec2: EC2Client) {}

  async subnets(subnetIds: string[], signal?: AbortSignal): Promise<SubnetFacts[]> {
    if (subnetIds.length === 0) return [];
    this.count('DescribeSubnets');
    const out = await this.ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }), { abortSignal: signal });
    return (out.Subnets ?? []).map((s) => ({
      subnetId: s.SubnetId ?? '',
      cidr: s.CidrBlock,
      availabilityZone: s.AvailabilityZone,
      availableIps: s.AvailableIpAddressCount ?? 0,
    }));
  }

  /** Maximum network interfaces per instance type. */
  async maxNetworkInterfaces(instanceTypes: string[], signal?: AbortSignal): Promise<Record<string, number>> {
    const types = [...new Set(instanceTypes)];
    if (types.length === 0) return {};
    this.count('DescribeInstanceTypes');
    const out = await this.ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: types as _InstanceType[] }), {
      abortSignal: signal,
    });
    const limits: Record<string, number> = {};
    for (const t of out.InstanceTypes ?? []) {
      const max = t.NetworkInfo?.MaximumNetworkInterfaces;
      if (t.InstanceType && max !== undefined) limits[t.InstanceType] = max;
    }
    return limits;
  }

  private count(operation: string): void {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
  }
}
