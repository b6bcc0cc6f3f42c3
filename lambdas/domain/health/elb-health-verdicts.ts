import type { ElbHealthCheckInput } from './elb-health-diagnosis';
import { formatDuration, type Verdict } from './health-check-diagnosis';
import type { TargetGroupFacts } from './load-balancing';
import type { Reachability } from './security-group-reachability';
import type { TargetFailure } from './target-health';

/** Where the failure reason came from, in order of trust: the task's own target, ECS's event, other targets. */
export interface FailureEvidence {
  failure: TargetFailure;
  source: string;
}

/** The security-group path between the load balancer and the task, as far as it could be checked. */
export interface NetworkPath {
  ingress?: Reachability;
  egress?: Reachability;
  taskGroups: string[];
  balancerGroups: string[];
  balancerCidrs: string[];
  note?: string;
}

/** What the verdicts weigh: the evidence, the network path, the ports and the timing. */
export interface VerdictInput {
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
export function chooseElbVerdict(v: VerdictInput): Verdict | undefined {
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
