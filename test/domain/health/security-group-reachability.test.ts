import { describe, expect, it } from 'vitest';
import { cidrContains, parseIpv4Range } from '../../../lambdas/domain/health/ipv4';
import type { PermissionRule, SecurityGroupFacts } from '../../../lambdas/domain/health/load-balancing';
import {
  coversTcpPort,
  dependsOnAddresses,
  tcpReachability,
} from '../../../lambdas/domain/health/security-group-reachability';

const rule = (r: Partial<PermissionRule>): PermissionRule => ({
  protocol: 'tcp',
  groupIds: [],
  cidrs: [],
  prefixListIds: [],
  ...r,
});
const group = (groupId: string, ingress: PermissionRule[], egress: PermissionRule[] = []): SecurityGroupFacts => ({
  groupId,
  ingress,
  egress,
});
const ALB = { groupIds: ['sg-alb'], cidrs: ['10.0.0.0/24', '10.0.1.0/24'] };

describe('IPv4 ranges', () => {
  it('reads CIDR blocks and bare addresses, and rejects IPv6 and nonsense', () => {
    expect(parseIpv4Range('10.0.1.0/24')).toEqual({ first: 167772416, last: 167772671 });
    expect(parseIpv4Range('10.0.1.7')).toEqual({ first: 167772423, last: 167772423 });
    // A block written with host bits set still means its network.
    expect(parseIpv4Range('10.0.1.7/24')).toEqual(parseIpv4Range('10.0.1.0/24'));
    for (const bad of ['::/0', '2001:db8::/32', '10.0.0.0/33', '256.0.0.0/8', 'pl-123']) {
      expect(parseIpv4Range(bad)).toBeUndefined();
    }
  });

  it('contains a block only when every address of it is inside', () => {
    expect(cidrContains('10.0.0.0/16', '10.0.1.0/24')).toBe(true);
    expect(cidrContains('0.0.0.0/0', '192.168.1.9')).toBe(true);
    expect(cidrContains('10.0.1.0/25', '10.0.1.0/24')).toBe(false);
    expect(cidrContains('10.0.0.0/16', '10.1.0.0/24')).toBe(false);
  });
});

describe('tcpReachability', () => {
  it('admits by a reference to the load balancer security group on the exact port', () => {
    const task = group('sg-task', [rule({ fromPort: 8080, toPort: 8080, groupIds: ['sg-alb'] })]);
    expect(tcpReachability([task], 'ingress', ALB, 8080)).toEqual({
      status: 'allowed',
      by: 'sg-task allows tcp 8080 from sg-alb',
    });
  });

  it('honours port ranges and protocol -1 (all traffic, every port), and ignores UDP', () => {
    expect(coversTcpPort(rule({ fromPort: 8000, toPort: 8999 }), 8080)).toBe(true);
    expect(coversTcpPort(rule({ fromPort: 8000, toPort: 8079 }), 8080)).toBe(false);
    expect(coversTcpPort(rule({ protocol: '-1' }), 8080)).toBe(true);
    expect(coversTcpPort(rule({ protocol: '6', fromPort: 8080, toPort: 8080 }), 8080)).toBe(true);
    expect(coversTcpPort(rule({ protocol: 'udp', fromPort: 0, toPort: 65535 }), 8080)).toBe(false);
    const all = group('sg-task', [rule({ protocol: '-1', groupIds: ['sg-alb'] })]);
    expect(tcpReachability([all], 'ingress', ALB, 8080)).toEqual({
      status: 'allowed',
      by: 'sg-task allows all traffic from sg-alb',
    });
  });

  it('is blocked when the rule on the port names another security group', () => {
    const task = group('sg-task', [
      rule({ fromPort: 8080, toPort: 8080, groupIds: ['sg-bastion'] }),
      rule({ fromPort: 443, toPort: 443, groupIds: ['sg-alb'] }),
    ]);
    expect(tcpReachability([task], 'ingress', { groupIds: ['sg-alb'], cidrs: [] }, 8080)).toEqual({
      status: 'blocked',
      uncovered: [],
    });
  });

  it('admits by CIDR blocks only when they hold every subnet of the load balancer', () => {
    const vpc = group('sg-task', [rule({ fromPort: 8080, toPort: 8080, cidrs: ['10.0.0.0/16'] })]);
    expect(tcpReachability([vpc], 'ingress', ALB, 8080)).toEqual({
      status: 'allowed',
      by: 'sg-task allows tcp 8080 from 10.0.0.0/16, which holds 10.0.0.0/24, 10.0.1.0/24',
    });
    // Two rules, one per subnet, also hold them all.
    const perSubnet = group('sg-task', [
      rule({ fromPort: 8080, toPort: 8080, cidrs: ['10.0.0.0/24'] }),
      rule({ fromPort: 8000, toPort: 9000, cidrs: ['10.0.1.0/24'] }),
    ]);
    expect(tcpReachability([perSubnet], 'ingress', ALB, 8080).status).toBe('allowed');
    // One subnet left out: the load balancer's nodes in it cannot reach the task.
    const oneSubnet = group('sg-task', [rule({ fromPort: 8080, toPort: 8080, cidrs: ['10.0.0.0/24'] })]);
    expect(tcpReachability([oneSubnet], 'ingress', ALB, 8080)).toEqual({
      status: 'blocked',
      uncovered: ['10.0.1.0/24'],
    });
  });

  it('admits from anywhere (0.0.0.0/0) without knowing the addresses', () => {
    const open = group('sg-task', [rule({ fromPort: 8080, toPort: 8080, cidrs: ['0.0.0.0/0'] })]);
    expect(tcpReachability([open], 'ingress', { groupIds: ['sg-alb'], cidrs: [] }, 8080)).toEqual({
      status: 'allowed',
      by: 'sg-task allows tcp 8080 from 0.0.0.0/0',
    });
  });

  it('does not guess: prefix lists, and CIDR rules without the addresses, are unknown', () => {
    const prefixList = group('sg-task', [rule({ fromPort: 8080, toPort: 8080, prefixListIds: ['pl-0a1b'] })]);
    expect(tcpReachability([prefixList], 'ingress', ALB, 8080)).toEqual({
      status: 'unknown',
      why: 'sg-task allows tcp 8080 from prefix list pl-0a1b, which the watchdog does not expand',
    });
    const vpc = group('sg-task', [rule({ fromPort: 8080, toPort: 8080, cidrs: ['10.0.0.0/16'] })]);
    expect(dependsOnAddresses([vpc], 'ingress', 8080)).toBe(true);
    expect(dependsOnAddresses([vpc], 'ingress', 9090)).toBe(false);
    expect(tcpReachability([vpc], 'ingress', { groupIds: ['sg-alb'], cidrs: [] }, 8080).status).toBe('unknown');
    expect(tcpReachability([], 'ingress', ALB, 8080)).toEqual({
      status: 'unknown',
      why: 'no security groups to check',
    });
  });

  it('reads egress rules the same way, towards the task', () => {
    const lbOpen = group('sg-alb', [], [rule({ protocol: '-1', cidrs: ['0.0.0.0/0'] })]);
    const lbOnly443 = group('sg-alb', [], [rule({ fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0'] })]);
    const toTask = { groupIds: ['sg-task'], cidrs: ['10.0.0.41'] };
    expect(tcpReachability([lbOpen], 'egress', toTask, 8080)).toEqual({
      status: 'allowed',
      by: 'sg-alb allows all traffic to 0.0.0.0/0',
    });
    expect(tcpReachability([lbOnly443], 'egress', toTask, 8080)).toEqual({
      status: 'blocked',
      uncovered: ['10.0.0.41'],
    });
  });
});
