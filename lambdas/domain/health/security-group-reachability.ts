import { cidrContains } from './ipv4';
import type { PermissionRule, SecurityGroupFacts } from './load-balancing';

/** The other end of the traffic: its security groups and the addresses it uses (CIDR blocks or IPs). */
export interface Peer {
  groupIds: string[];
  cidrs: string[];
}

export type Reachability =
  | { status: 'allowed'; by: string }
  /** `uncovered`: the peer's addresses no rule admits (empty when only security-group rules were possible). */
  | { status: 'blocked'; uncovered: string[] }
  | { status: 'unknown'; why: string };

export type Direction = 'ingress' | 'egress';

const ALL_PROTOCOLS = new Set(['-1', 'all']);
const TCP = new Set(['tcp', '6']);

/** Whether a rule lets TCP traffic on `port` through (protocol -1 covers every port). */
export function coversTcpPort(rule: PermissionRule, port: number): boolean {
  const protocol = rule.protocol.toLowerCase();
  if (ALL_PROTOCOLS.has(protocol)) return true;
  if (!TCP.has(protocol)) return false;
  return (rule.fromPort ?? 0) <= port && port <= (rule.toPort ?? 65535);
}

/** Whether rules on the port admit CIDR blocks, so the answer depends on the peer's addresses. */
export function dependsOnAddresses(groups: SecurityGroupFacts[], direction: Direction, port: number): boolean {
  return rulesOnPort(groups, direction, port).some(({ rule }) => rule.cidrs.length > 0);
}

/**
 * Whether any rule of `groups` (their ingress, or their egress) lets TCP traffic on `port` come from,
 * or go to, `peer`: by a reference to one of the peer's security groups, or by CIDR blocks that hold
 * every address of the peer. A rule naming a managed prefix list makes the answer unknown (the
 * watchdog does not expand prefix lists); so do CIDR rules when the peer's addresses are not known.
 */
export function tcpReachability(
  groups: SecurityGroupFacts[],
  direction: Direction,
  peer: Peer,
  port: number,
): Reachability {
  if (groups.length === 0) return { status: 'unknown', why: 'no security groups to check' };
  const rules = rulesOnPort(groups, direction, port);
  const preposition = direction === 'ingress' ? 'from' : 'to';

  const byGroup = rules.find(({ rule }) => rule.groupIds.some((id) => peer.groupIds.includes(id)));
  if (byGroup) {
    const peerGroup = byGroup.rule.groupIds.find((id) => peer.groupIds.includes(id));
    return { status: 'allowed', by: `${describeRule(byGroup)} ${preposition} ${peerGroup}` };
  }
  const anywhere = rules.find(({ rule }) => rule.cidrs.some((c) => cidrContains(c, '0.0.0.0/0')));
  if (anywhere) return { status: 'allowed', by: `${describeRule(anywhere)} ${preposition} 0.0.0.0/0` };

  const covering = (cidr: string) => rules.find(({ rule }) => rule.cidrs.some((c) => cidrContains(c, cidr)));
  const uncovered = peer.cidrs.filter((cidr) => !covering(cidr));
  if (peer.cidrs.length > 0 && uncovered.length === 0) {
    const first = peer.cidrs[0] as string;
    const rule = covering(first) as RuleOf;
    const block = rule.rule.cidrs.find((c) => cidrContains(c, first));
    return {
      status: 'allowed',
      by: `${describeRule(rule)} ${preposition} ${block}, which holds ${peer.cidrs.join(', ')}`,
    };
  }
  const prefixList = rules.find(({ rule }) => rule.prefixListIds.length > 0);
  if (prefixList) {
    return {
      status: 'unknown',
      why: `${describeRule(prefixList)} ${preposition} prefix list ${prefixList.rule.prefixListIds.join(', ')}, which the watchdog does not expand`,
    };
  }
  if (peer.cidrs.length === 0 && rules.some(({ rule }) => rule.cidrs.length > 0)) {
    return { status: 'unknown', why: 'CIDR rules on the port, but the addresses they must hold are not known' };
  }
  return { status: 'blocked', uncovered };
}

interface RuleOf {
  groupId: string;
  rule: PermissionRule;
}

function rulesOnPort(groups: SecurityGroupFacts[], direction: Direction, port: number): RuleOf[] {
  return groups.flatMap((g) =>
    g[direction].filter((rule) => coversTcpPort(rule, port)).map((rule) => ({ groupId: g.groupId, rule })),
  );
}

function describeRule({ groupId, rule }: RuleOf): string {
  if (ALL_PROTOCOLS.has(rule.protocol.toLowerCase())) return `${groupId} allows all traffic`;
  const ports = rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort ?? 0}-${rule.toPort ?? 65535}`;
  return `${groupId} allows tcp ${ports}`;
}
