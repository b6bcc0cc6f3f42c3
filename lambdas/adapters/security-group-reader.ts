import {
  DescribeSecurityGroupsCommand,
  type EC2Client,
  type IpPermission,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import type { PermissionRule, SecurityGroupFacts, SubnetCidr } from '../domain/health/load-balancing';
import { Ec2Reader } from './ec2-reader';
import { LOAD_BALANCING_CACHE_MS } from './elb-reader';
import { TtlCache } from './ttl-cache';

/** Security group rules and subnet CIDR blocks, kept a few minutes per function instance. */
export class SecurityGroupReader {
  private readonly groupCache: TtlCache<SecurityGroupFacts[]>;
  private readonly subnetCache: TtlCache<SubnetCidr[]>;
  private readonly subnets: Ec2Reader;

  constructor(
    private readonly ec2: EC2Client,
    now: () => number = Date.now,
  ) {
    this.groupCache = new TtlCache(LOAD_BALANCING_CACHE_MS, now);
    this.subnetCache = new TtlCache(LOAD_BALANCING_CACHE_MS, now);
    this.subnets = new Ec2Reader(ec2);
  }

  /** All the groups in one call (the task's and the load balancer's together). */
  securityGroups(groupIds: string[], signal?: AbortSignal): Promise<SecurityGroupFacts[]> {
    const ids = [...new Set(groupIds)].sort();
    if (ids.length === 0) return Promise.resolve([]);
    return this.groupCache.get(ids.join(','), async () => {
      const out = await this.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ids }), { abortSignal: signal });
      return (out.SecurityGroups ?? []).map(toSecurityGroupFacts);
    });
  }

  subnetCidrs(subnetIds: string[], signal?: AbortSignal): Promise<SubnetCidr[]> {
    const ids = [...new Set(subnetIds)].sort();
    if (ids.length === 0) return Promise.resolve([]);
    return this.subnetCache.get(ids.join(','), async () =>
      (await this.subnets.subnets(ids, signal)).map((s) => ({ subnetId: s.subnetId, cidr: s.cidr })),
    );
  }
}

export function toSecurityGroupFacts(group: SecurityGroup): SecurityGroupFacts {
  return {
    groupId: group.GroupId ?? '',
    name: group.GroupName,
    ingress: (group.IpPermissions ?? []).map(toRule),
    egress: (group.IpPermissionsEgress ?? []).map(toRule),
  };
}

function toRule(p: IpPermission): PermissionRule {
  return {
    protocol: p.IpProtocol ?? '-1',
    fromPort: p.FromPort,
    toPort: p.ToPort,
    groupIds: (p.UserIdGroupPairs ?? []).map((g) => g.GroupId ?? '').filter(Boolean),
    cidrs: (p.IpRanges ?? []).map((r) => r.CidrIp ?? '').filter(Boolean),
    prefixListIds: (p.PrefixListIds ?? []).map((l) => l.PrefixListId ?? '').filter(Boolean),
  };
}
