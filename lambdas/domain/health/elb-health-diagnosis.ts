import { FactList } from '../alerts/fact-list';
import type { TaskStateChange } from '../events/task-event';
import type { TaskDefinitionFacts } from '../stops/task-definition';
import { containerPorts, httpCheckTarget } from './container-check-command';
import { chooseElbVerdict, type FailureEvidence, type NetworkPath } from './elb-health-verdicts';
import {
  ELB_HEALTH_CHECK_STEPS,
  formatDuration,
  type HealthCheckDiagnosis,
  orderedSteps,
  SCHEDULER_REACTION_SECONDS,
  secondsBetween,
} from './health-check-diagnosis';
import type {
  LoadBalancerFacts,
  SecurityGroupFacts,
  ServiceHealthSettings,
  SubnetCidr,
  TargetGroupFacts,
  TargetHealthFacts,
} from './load-balancing';
import { type Reachability, tcpReachability } from './security-group-reachability';
import {
  parseUnhealthyTargetEvent,
  TARGET_HEALTH_REASONS,
  targetFailure,
  type UnhealthyTargetEvent,
} from './target-health';

/** What enrichment could read about a task stopped by a load balancer health check; any part may be missing. */
export interface ElbHealthCheckInput {
  task: Pick<
    TaskStateChange,
    'taskId' | 'cluster' | 'service' | 'startedAt' | 'stoppingAt' | 'stoppedAt' | 'privateIp' | 'availabilityZone'
  >;
  taskDefinition?: TaskDefinitionFacts;
  service?: ServiceHealthSettings;
  /** The target group that failed the task (named in the stopped reason), or the service's first. */
  targetGroup?: TargetGroupFacts;
  /** DescribeTargetHealth of that target group. */
  targets?: TargetHealthFacts[];
  loadBalancers?: LoadBalancerFacts[];
  /** The task's and the load balancers' security groups. */
  securityGroups?: SecurityGroupFacts[];
  /** CIDR blocks of the load balancers' subnets (read only when a CIDR rule decides). */
  loadBalancerSubnets?: SubnetCidr[];
}

/**
 * Explains a HEALTH_CHECK_ELB stop from the target group's health check settings, the task's target
 * (or the service event ECS wrote when it replaced the task, or the group's other targets), how long
 * the task lived against the grace period and the time the check needs to fail, the ports, and
 * whether the security groups let the load balancer reach the task on the health-check port.
 */
export function diagnoseElbHealthCheck(input: ElbHealthCheckInput): HealthCheckDiagnosis {
  const { task, service, targetGroup: tg } = input;
  const facts = new FactList();
  const binding = bindingOf(service, tg);
  const isIpTarget = tg?.targetType === 'ip';
  const registeredPort = isIpTarget ? binding?.containerPort : undefined;
  const checkPort = tg ? probedPort(tg, service) : undefined;
  const path = tg?.healthCheck.path;

  if (tg) {
    facts.add('Target group', describeTargetGroup(tg));
    facts.add('Health check', describeHealthCheck(tg, checkPort));
  }
  const classic = service?.loadBalancers.find((lb) => lb.loadBalancerName && !lb.targetGroupArn)?.loadBalancerName;
  if (!tg && classic)
    facts.add('Load balancer', `Classic Load Balancer ${classic}: its health check is not read (target groups only)`);
  const timeToFail = tg ? failTime(tg) : undefined;
  if (timeToFail !== undefined && tg)
    facts.add(
      'Time to fail the check',
      `${formatDuration(timeToFail)} (every ${tg.healthCheck.intervalSeconds} s × ${tg.healthCheck.unhealthyThreshold} failures)`,
    );
  const grace = service ? (service.healthCheckGracePeriodSeconds ?? 0) : undefined;
  if (grace !== undefined)
    facts.add(
      'Grace period',
      service?.healthCheckGracePeriodSeconds === undefined
        ? '0 s (healthCheckGracePeriodSeconds not set)'
        : `${grace} s`,
    );

  const ownEvent = ownUnhealthyEvent(service, task.taskId, tg?.arn);
  const killedAt = ownEvent?.createdAt ?? task.stoppingAt ?? task.stoppedAt;
  const lived = secondsBetween(task.startedAt, killedAt);
  if (lived !== undefined)
    facts.add(
      'Lifetime',
      `${ownEvent?.createdAt ? 'marked unhealthy' : 'stopped'} ${formatDuration(lived)} after start (${task.startedAt} → ${killedAt})`,
    );
  const earliestKill = Math.max(grace ?? 0, timeToFail ?? 0);
  const neverHealthy =
    lived !== undefined && timeToFail !== undefined && tg
      ? lived <= earliestKill + (tg.healthCheck.intervalSeconds ?? 0) + SCHEDULER_REACTION_SECONDS
      : undefined;

  const own = ownTarget(input.targets, task.privateIp, registeredPort);
  if (tg && isIpTarget && task.privateIp) facts.add('Target', describeOwnTarget(task.privateIp, registeredPort, own));
  if (ownEvent) facts.add('Service event', `${ownEvent.createdAt ?? ''} ${ownEvent.reasonText}`.trim());
  const others = (input.targets ?? []).filter((t) => t !== own);
  if (tg && input.targets) facts.add('Other targets', describeOtherTargets(others));
  const evidence = failureEvidence(own, ownEvent, others, tg?.name);
  if (evidence) facts.add('Failure', describeFailure(evidence));

  const container = input.taskDefinition?.containers.find((c) => c.name === binding?.containerName);
  const containerCheck = container?.healthCheck ? httpCheckTarget(container.healthCheck.command) : undefined;
  if (binding?.containerPort !== undefined && tg?.port !== undefined)
    facts.add('Ports', describePorts(tg, binding.containerName, binding.containerPort, checkPort, isIpTarget));
  if (containerCheck?.path && path && containerCheck.path !== path)
    facts.add(
      `Health check of ${container?.name}`,
      `calls ${containerCheck.path}${containerCheck.port ? ` on port ${containerCheck.port}` : ''}; the target group checks ${path}`,
    );

  const network = networkPath(input, checkPort, isIpTarget);
  if (network.note) facts.add('Security groups', network.note);

  const verdict = chooseElbVerdict({
    input,
    evidence,
    network,
    checkPort,
    mappedPorts: container ? containerPorts(container.portMappings) : [],
    containerName: container?.name,
    containerCheckPath: containerCheck?.path,
    lived,
    grace,
    timeToFail,
    neverHealthy,
  });
  return { verdict, facts: facts.facts, nextSteps: orderedSteps(ELB_HEALTH_CHECK_STEPS, verdict) };
}

function bindingOf(service: ServiceHealthSettings | undefined, tg: TargetGroupFacts | undefined) {
  return service?.loadBalancers.find((lb) => tg && lb.targetGroupArn === tg.arn) ?? service?.loadBalancers[0];
}

/**
 * The port the health check probes: its own, or the traffic port, which for an awsvpc task (`ip`
 * target) is the container port ECS registers; a bridge task's host port is dynamic and not known here.
 */
export function probedPort(tg: TargetGroupFacts, service: ServiceHealthSettings | undefined): number | undefined {
  const port = tg.healthCheck.port;
  if (port === undefined || port === 'traffic-port')
    return tg.targetType === 'ip' ? bindingOf(service, tg)?.containerPort : undefined;
  const n = Number(port);
  return Number.isInteger(n) ? n : undefined;
}

function failTime(tg: TargetGroupFacts): number | undefined {
  const { intervalSeconds, unhealthyThreshold } = tg.healthCheck;
  return intervalSeconds !== undefined && unhealthyThreshold !== undefined
    ? intervalSeconds * unhealthyThreshold
    : undefined;
}

function describeTargetGroup(tg: TargetGroupFacts): string {
  const listener = [tg.protocol, tg.port].filter((v) => v !== undefined).join(' ');
  return `${tg.name ?? tg.arn}${listener ? ` (${listener}` : ' ('}${tg.targetType ? `, target type ${tg.targetType})` : ')'}`;
}

function describeHealthCheck(tg: TargetGroupFacts, checkPort: number | undefined): string {
  const hc = tg.healthCheck;
  if (hc.enabled === false) return 'disabled';
  const port =
    hc.port === undefined || hc.port === 'traffic-port'
      ? `traffic-port${checkPort !== undefined ? ` (${checkPort})` : ''}`
      : `port ${hc.port}`;
  const what = [hc.protocol, hc.path].filter(Boolean).join(' ');
  const parts = [
    `${what || 'check'} on ${port}`,
    hc.matcher ? `success codes ${hc.matcher}` : undefined,
    hc.intervalSeconds !== undefined ? `every ${hc.intervalSeconds} s` : undefined,
    hc.timeoutSeconds !== undefined ? `timeout ${hc.timeoutSeconds} s` : undefined,
    hc.healthyThreshold !== undefined ? `healthy after ${hc.healthyThreshold}` : undefined,
    hc.unhealthyThreshold !== undefined ? `unhealthy after ${hc.unhealthyThreshold}` : undefined,
  ];
  return parts.filter(Boolean).join(', ');
}

/** The newest "is unhealthy in (target-group …)" service event naming this task (and target group). */
function ownUnhealthyEvent(
  service: ServiceHealthSettings | undefined,
  taskId: string,
  targetGroupArn: string | undefined,
): UnhealthyTargetEvent | undefined {
  for (const event of service?.events ?? []) {
    const parsed = parseUnhealthyTargetEvent(event);
    if (!parsed || parsed.taskId !== taskId) continue;
    if (targetGroupArn && parsed.targetGroupArn && parsed.targetGroupArn !== targetGroupArn) continue;
    return parsed;
  }
  return undefined;
}

function ownTarget(
  targets: TargetHealthFacts[] | undefined,
  ip: string | undefined,
  port: number | undefined,
): TargetHealthFacts | undefined {
  if (!ip) return undefined;
  return targets?.find((t) => t.id === ip && (port === undefined || t.port === undefined || t.port === port));
}

function describeOwnTarget(ip: string, port: number | undefined, own: TargetHealthFacts | undefined): string {
  const id = port !== undefined ? `${ip}:${port}` : ip;
  if (!own) return `${id} no longer registered (ECS deregisters a task's target as it stops)`;
  return `${id} ${describeTargetHealth(own)}`;
}

function describeTargetHealth(t: TargetHealthFacts): string {
  const reason = t.reason ? `: ${t.reason}${t.description ? ` - ${t.description}` : ''}` : '';
  return `${t.state ?? 'unknown state'}${reason}`;
}

function describeOtherTargets(others: TargetHealthFacts[]): string {
  if (others.length === 0) return 'none registered';
  const counts = new Map<string, number>();
  for (const t of others) {
    const key = t.reason ? `${t.state} (${t.reason}${t.description ? `: ${t.description}` : ''})` : `${t.state}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => `${n} ${key}`).join(', ');
}

const FAILED_STATES = new Set(['unhealthy', 'unhealthy.draining']);

function failureEvidence(
  own: TargetHealthFacts | undefined,
  ownEvent: UnhealthyTargetEvent | undefined,
  others: TargetHealthFacts[],
  targetGroupName: string | undefined,
): FailureEvidence | undefined {
  if (own?.state && FAILED_STATES.has(own.state))
    return { failure: targetFailure(own.reason, own.description), source: 'the task’s target' };
  if (ownEvent) return { failure: targetFailure(undefined, ownEvent.reasonText), source: 'the ECS service event' };
  const failing = others.filter((t) => t.state && FAILED_STATES.has(t.state));
  if (failing.length === 0) return undefined;
  // The most common failure among the group's other unhealthy targets (the task's replacement, its siblings).
  const byDescription = new Map<string, TargetHealthFacts[]>();
  for (const t of failing) {
    const key = `${t.reason}|${t.description}`;
    byDescription.set(key, [...(byDescription.get(key) ?? []), t]);
  }
  const [top] = [...byDescription.values()].sort((a, b) => b.length - a.length);
  const sample = top?.[0] as TargetHealthFacts;
  return {
    failure: targetFailure(sample.reason, sample.description),
    source: `${top?.length} other unhealthy target${top?.length === 1 ? '' : 's'} of ${targetGroupName ?? 'the target group'}`,
  };
}

function describeFailure({ failure, source }: FailureEvidence): string {
  const meaning = failure.reason ? TARGET_HEALTH_REASONS[failure.reason] : undefined;
  const what = [failure.reason, failure.description].filter(Boolean).join(' - ');
  return `${what}${meaning ? ` (${meaning})` : ''}, from ${source}`;
}

function describePorts(
  tg: TargetGroupFacts,
  containerName: string | undefined,
  containerPort: number,
  checkPort: number | undefined,
  isIpTarget: boolean,
): string {
  const registered = isIpTarget
    ? `ECS registers container ${containerName ?? '?'} port ${containerPort}`
    : `ECS registers the host port mapped to container ${containerName ?? '?'} port ${containerPort}`;
  const agree =
    tg.port === containerPort ? 'they agree' : 'they differ, which is harmless: traffic goes to the registered port';
  const check = checkPort !== undefined ? `; the check probes ${checkPort}` : '';
  return `target group port ${tg.port}; ${registered} (${agree})${check}`;
}

function networkPath(input: ElbHealthCheckInput, port: number | undefined, isIpTarget: boolean): NetworkPath {
  const taskGroups = input.service?.securityGroups ?? [];
  const balancers = input.loadBalancers ?? [];
  const balancerGroups = [...new Set(balancers.flatMap((lb) => lb.securityGroups))];
  const balancerCidrs = (input.loadBalancerSubnets ?? []).map((s) => s.cidr).filter((c): c is string => !!c);
  const base = { taskGroups, balancerGroups, balancerCidrs };
  if (!input.targetGroup) return base;
  if (!isIpTarget) {
    return {
      ...base,
      note: 'not checked: instance targets are reached through the container instance’s security groups',
    };
  }
  if (!input.service) return { ...base, note: 'not checked: the service was not read' };
  if (taskGroups.length === 0) return { ...base, note: 'not checked: the service has no awsvpc security groups' };
  if (port === undefined) return { ...base, note: 'not checked: the health-check port is not known' };
  if (!input.loadBalancers || !input.securityGroups)
    return { ...base, note: 'not checked: the security groups were not read' };
  const groups = (ids: string[]) => (input.securityGroups ?? []).filter((g) => ids.includes(g.groupId));
  const ingress = tcpReachability(
    groups(taskGroups),
    'ingress',
    { groupIds: balancerGroups, cidrs: balancerCidrs },
    port,
  );
  const egress =
    balancerGroups.length > 0
      ? tcpReachability(
          groups(balancerGroups),
          'egress',
          { groupIds: taskGroups, cidrs: input.task.privateIp ? [input.task.privateIp] : [] },
          port,
        )
      : undefined;
  const describe = (r: Reachability, what: string) =>
    r.status === 'allowed'
      ? `${what} allowed (${r.by})`
      : r.status === 'blocked'
        ? `${what} BLOCKED`
        : `${what} unknown (${r.why})`;
  const lb = balancerGroups.length > 0 ? balancerGroups.join(', ') : `subnets ${balancerCidrs.join(', ') || '?'}`;
  const parts = [describe(ingress, `load balancer (${lb}) → task (${taskGroups.join(', ')}) on tcp ${port}:`)];
  if (egress) parts.push(describe(egress, 'load balancer outbound:'));
  return { ...base, ingress, egress, note: parts.join('; ') };
}
