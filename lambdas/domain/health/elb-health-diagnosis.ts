import { FactList } from '../alerts/fact-list';
import type { TaskStateChange } from '../events/task-event';
import type { TaskDefinitionFacts } from '../stops/task-definition';
import { containerPorts, httpCheckTarget } from './container-check-command';
import {
  ELB_HEALTH_CHECK_STEPS,
  formatDuration,
  type HealthCheckDiagnosis,
  orderedSteps,
  SCHEDULER_REACTION_SECONDS,
  secondsBetween,
  type Verdict,
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
  type TargetFailure,
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

/** Where the failure reason came from, in order of trust: the task's own target, ECS's event, other targets. */
interface FailureEvidence {
  failure: TargetFailure;
  source: string;
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

  const verdict = chooseVerdict({
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

interface NetworkPath {
  ingress?: Reachability;
  egress?: Reachability;
  taskGroups: string[];
  balancerGroups: string[];
  balancerCidrs: string[];
  note?: string;
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

interface VerdictInput {
  input: ElbHealthCheckInput;
  evidence?: FailureEvidence;
  network: NetworkPath;
  checkPort?: number;
  mappedPorts: number[];
  containerName?: string;
  containerCheckPath?: string;
  lived?: number;
  grace?: number;
  timeToFail?: number;
  neverHealthy?: boolean;
}

/** The first cause the evidence establishes, most decisive first. */
function chooseVerdict(v: VerdictInput): Verdict | undefined {
  return (
    securityGroupVerdict(v) ??
    responseCodeVerdict(v) ??
    zoneVerdict(v) ??
    unservedPortVerdict(v) ??
    gracePeriodVerdict(v) ??
    becameUnhealthyVerdict(v)
  );
}

function securityGroupVerdict({ network, checkPort }: VerdictInput): Verdict | undefined {
  const { ingress, egress, taskGroups, balancerGroups, balancerCidrs } = network;
  const port = checkPort as number;
  if (ingress?.status === 'blocked') {
    const task = taskGroups.join(', ');
    if (balancerGroups.length > 0) {
      const source = balancerGroups[0] as string;
      return {
        cause: 'security-group',
        short: `security group blocks port ${port}`,
        line: `the task's security group ${task} has no rule admitting the load balancer's security group ${balancerGroups.join(', ')} on port ${port}: the health checks never reach the task`,
        steps: [
          `Allow the load balancer into the task on port ${port}: aws ec2 authorize-security-group-ingress --group-id ${taskGroups[0]} --protocol tcp --port ${port} --source-group ${source}`,
        ],
      };
    }
    const uncovered = ingress.uncovered.length > 0 ? ingress.uncovered : balancerCidrs;
    return {
      cause: 'security-group',
      short: `security group blocks port ${port}`,
      line: `the task's security group ${task} admits none of the load balancer's subnets (${uncovered.join(', ')}) on port ${port}: the health checks never reach the task`,
      steps: uncovered.map(
        (cidr) =>
          `Allow the load balancer's subnet into the task on port ${port}: aws ec2 authorize-security-group-ingress --group-id ${taskGroups[0]} --protocol tcp --port ${port} --cidr ${cidr}`,
      ),
    };
  }
  if (egress?.status === 'blocked') {
    const lb = balancerGroups.join(', ');
    return {
      cause: 'security-group',
      short: `load balancer egress blocks port ${port}`,
      line: `the load balancer's security group ${lb} allows no outbound traffic to port ${port} of the task: the health checks never leave the load balancer`,
      steps: [
        `Allow the load balancer out to the task on port ${port}: aws ec2 authorize-security-group-egress --group-id ${balancerGroups[0]} --ip-permissions IpProtocol=tcp,FromPort=${port},ToPort=${port},UserIdGroupPairs=[{GroupId=${taskGroups[0]}}]`,
      ],
    };
  }
  return undefined;
}

function responseCodeVerdict({ input, evidence, containerCheckPath, checkPort }: VerdictInput): Verdict | undefined {
  if (evidence?.failure.kind !== 'response-code') return undefined;
  const tg = input.targetGroup;
  const path = tg?.healthCheck.path ?? 'the health check path';
  const matcher = tg?.healthCheck.matcher;
  const codes = evidence.failure.codes;
  const code = codes[0];
  const listed = codes.join(', ') || 'an unexpected code';
  const modify = tg ? `aws elbv2 modify-target-group --target-group-arn ${tg.arn}` : 'aws elbv2 modify-target-group';
  const curl = `Reproduce from inside the VPC: curl -i http://TASK_IP:${checkPort ?? 'PORT'}${tg?.healthCheck.path ?? '/'} (or ECS Exec into a running task)`;
  if (code === undefined)
    return {
      cause: 'check-config',
      short: `unexpected response on ${path}`,
      line: `the target answered ${path} with a code outside the matcher${matcher ? ` (${matcher})` : ''}`,
      steps: [curl],
    };
  if (code >= 300 && code < 400)
    return {
      cause: 'check-config',
      short: `${code} redirect on ${path}`,
      line: `the target redirects ${path} (${listed}): the load balancer does not follow redirects`,
      steps: [
        `Point the health check at the path the redirect leads to (${modify} --health-check-path /PATH), or add ${code} to the success codes (--matcher HttpCode=${matcher ? `${matcher},` : ''}${code}).`,
        curl,
      ],
    };
  if (code === 401 || code === 403)
    return {
      cause: 'check-config',
      short: `${code} on ${path}`,
      line: `the target answered ${listed} on ${path}: the health check path requires authentication`,
      steps: [
        `Exempt ${path} from authentication in the app (or its proxy), or point the check at an unauthenticated path (${modify} --health-check-path /PATH).`,
        curl,
      ],
    };
  if (code >= 400 && code < 500) {
    const hint = containerCheckPath && containerCheckPath !== path ? containerCheckPath : undefined;
    return {
      cause: 'check-config',
      short: `${code} on ${path}`,
      line: `the target returned ${listed} on ${path}: the path or the matcher is wrong${hint ? ` (the container's own health check calls ${hint})` : ''}`,
      steps: [
        `Point the health check at a path the app serves with ${matcher ?? '200'}: ${modify} --health-check-path ${hint ?? '/PATH'}`,
        curl,
      ],
    };
  }
  if (code >= 500)
    return {
      cause: 'app-unhealthy',
      short: `${code} on ${path}`,
      line: `the app answered ${listed} on ${path}: it runs but reports itself unhealthy (a dependency it checks may be down)`,
      steps: [
        `Read the log excerpt for why ${path} fails (database, cache or downstream service the health endpoint checks).`,
        curl,
      ],
    };
  return {
    cause: 'check-config',
    short: `${code} not in matcher`,
    line: `the target answered ${listed} on ${path}, which the success codes${matcher ? ` (${matcher})` : ''} do not include`,
    steps: [`Widen the success codes: ${modify} --matcher HttpCode=200-299`],
  };
}

function zoneVerdict({ evidence, input }: VerdictInput): Verdict | undefined {
  if (evidence?.failure.kind !== 'zone-not-enabled') return undefined;
  const zone = input.task.availabilityZone ?? 'its Availability Zone';
  return {
    cause: 'check-config',
    short: `${zone} not enabled on the load balancer`,
    line: `the task ran in ${zone}, which the load balancer does not use: its target can never be healthy`,
    steps: [
      `Enable ${zone} on the load balancer (a subnet there), or remove that zone's subnet from the service's network configuration.`,
    ],
  };
}

function unservedPortVerdict({
  input,
  evidence,
  checkPort,
  mappedPorts,
  containerName,
}: VerdictInput): Verdict | undefined {
  const hcPort = input.targetGroup?.healthCheck.port;
  if (hcPort === undefined || hcPort === 'traffic-port' || checkPort === undefined || mappedPorts.length === 0)
    return undefined;
  if (mappedPorts.includes(checkPort)) return undefined;
  if (evidence && evidence.failure.kind !== 'timeout' && evidence.failure.kind !== 'connection') return undefined;
  const tg = input.targetGroup as TargetGroupFacts;
  return {
    cause: 'check-config',
    short: `check probes unmapped port ${checkPort}`,
    line: `the health check probes port ${checkPort}, but container ${containerName} maps only ${mappedPorts.join(', ')}: the check cannot reach the app`,
    steps: [
      `Probe the traffic port instead: aws elbv2 modify-target-group --target-group-arn ${tg.arn} --health-check-port traffic-port (or make the app serve the check on ${checkPort}).`,
    ],
  };
}

const CONNECTION_FAILURES = new Set(['timeout', 'connection', 'unknown']);

function gracePeriodVerdict({
  input,
  evidence,
  network,
  lived,
  grace,
  timeToFail,
  neverHealthy,
}: VerdictInput): Verdict | undefined {
  if (!neverHealthy || lived === undefined || grace === undefined || timeToFail === undefined) return undefined;
  if (evidence && !CONNECTION_FAILURES.has(evidence.failure.kind)) return undefined;
  const { cluster, service } = input.task;
  // A blocking security group also fails a new task at once: say so when it could not be ruled out.
  const unchecked = network.ingress?.status === 'allowed' ? '' : ' (the security groups could not be checked)';
  return {
    cause: 'grace-period',
    short: 'killed before it could boot',
    line: `killed ${formatDuration(lived)} after start; grace period ${grace} s; the check needs ${timeToFail} s to fail: raise healthCheckGracePeriodSeconds to at least the boot time${unchecked}`,
    steps: [
      `Read the log excerpt for when the app starts listening; raise the grace period above that boot time: aws ecs update-service --cluster ${cluster} --service ${service ?? 'SERVICE'} --health-check-grace-period-seconds SECONDS`,
      'If the app never starts listening, check it binds 0.0.0.0 (not 127.0.0.1) on the port the target group probes.',
    ],
  };
}

function becameUnhealthyVerdict({ input, evidence, lived, neverHealthy }: VerdictInput): Verdict | undefined {
  if (neverHealthy !== false || lived === undefined) return undefined;
  const ran = formatDuration(lived);
  const timeout = input.targetGroup?.healthCheck.timeoutSeconds;
  const kind = evidence?.failure.kind;
  const line =
    kind === 'timeout'
      ? `it passed its health checks for ${ran}, then stopped answering within ${timeout ?? 'the'} s timeout: the app hung or is overloaded, not a slow start`
      : kind === 'connection'
        ? `it passed its health checks for ${ran}, then refused or dropped the check's connections: the app stopped listening, not a slow start`
        : `it ran ${ran} before failing its health checks: it became unhealthy while serving, not at start`;
  return {
    cause: 'app-unhealthy',
    short: `unhealthy after ${ran}`,
    line,
    steps: [
      'Read the log excerpt and the service’s CPU and memory around the stop: a saturated or hung process fails its checks.',
      'Check what the health endpoint depends on (database, downstream services) at that time.',
    ],
  };
}
