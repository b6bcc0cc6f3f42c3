import type { ServiceEventFact } from '../rollouts/classify-rollout';

/**
 * Target health reason codes, as documented in the Elastic Load Balancing API Reference
 * (TargetHealth: "Reason"), with what each means for a task that failed its health check.
 */
export const TARGET_HEALTH_REASONS: Record<string, string> = {
  'Elb.RegistrationInProgress': 'the target is still being registered with the load balancer',
  'Elb.InitialHealthChecking': 'the load balancer is still sending the first health checks',
  'Target.ResponseCodeMismatch': 'the health checks did not return an expected HTTP code',
  'Target.Timeout': 'the health check requests timed out',
  'Target.FailedHealthChecks':
    'the load balancer could not connect to the target, or the target sent a malformed response',
  'Elb.InternalError': 'the health checks failed because of an internal load balancer error',
  'Target.NotRegistered': 'the target is not registered with the target group',
  'Target.NotInUse':
    'the target group is not used by any load balancer, or the target is in an Availability Zone the load balancer does not use',
  'Target.DeregistrationInProgress': 'the target is being deregistered (draining)',
  'Target.InvalidState': 'the target is stopped or terminated',
  'Target.IpUnusable': 'the target IP address is reserved for the load balancer',
  'Target.HealthCheckDisabled': 'health checks are disabled for the target group',
};

/** How a health check failed, read from a reason code and/or its description. */
export type FailureKind = 'response-code' | 'timeout' | 'connection' | 'zone-not-enabled' | 'internal' | 'unknown';

export interface TargetFailure {
  kind: FailureKind;
  /** The HTTP (or gRPC) codes the target returned, for `response-code`. */
  codes: number[];
  /** The reason code, when the load balancer gave one. */
  reason?: string;
  /** The description text, as the load balancer or ECS wrote it. */
  description?: string;
}

const CODES = /failed with these codes:\s{0,10}\[([^\]]{0,200})\]/i;

/**
 * Reads a failure from DescribeTargetHealth (`reason` + `description`) or from the reason text of an
 * ECS service event, which carries the description alone ("Request timed out", "Health checks failed",
 * "Health checks failed with these codes: [404]").
 */
export function targetFailure(reason: string | undefined, description: string | undefined): TargetFailure {
  const text = description ?? '';
  const codes = (CODES.exec(text)?.[1] ?? '')
    .split(',')
    .map((c) => Number(c.trim()))
    .filter((c) => Number.isInteger(c) && c > 0);
  const base = { codes, reason, description };
  if (codes.length > 0 || reason === 'Target.ResponseCodeMismatch') return { ...base, kind: 'response-code' };
  if (reason === 'Target.Timeout' || /timed? ?out/i.test(text)) return { ...base, kind: 'timeout' };
  if (/availability zone that is not enabled/i.test(text)) return { ...base, kind: 'zone-not-enabled' };
  if (reason === 'Elb.InternalError' || /internal error/i.test(text)) return { ...base, kind: 'internal' };
  if (reason === 'Target.FailedHealthChecks' || /^health checks failed\.?$/i.test(text.trim()))
    return { ...base, kind: 'connection' };
  return { ...base, kind: 'unknown' };
}

/** The ECS service event that says one of the service's targets is unhealthy. */
export interface UnhealthyTargetEvent {
  createdAt?: string;
  /** The task id (awsvpc) or the EC2 instance id (bridge/host), as the event names it. */
  taskId?: string;
  instanceId?: string;
  port?: number;
  targetGroupArn?: string;
  reasonText: string;
}

const UNHEALTHY =
  /\((?:task ([^)\s]{1,200})|instance ([^)\s]{1,200}))\)(?: \(port (\d{1,5})\))? is unhealthy in \((?:target-group|elb) ([^)\s]{1,2048})\) due to \(reason (.{0,1024})\)\.?\s{0,10}$/;

/**
 * `(service api) (task 1a2b…) (port 8080) is unhealthy in (target-group arn:…) due to (reason Health
 * checks failed with these codes: [404]).` — the scheduler's record of why it replaced a task, which
 * outlives the target (deregistered when the task stops).
 */
export function parseUnhealthyTargetEvent(event: ServiceEventFact): UnhealthyTargetEvent | undefined {
  const match = UNHEALTHY.exec(event.message);
  if (!match) return undefined;
  return {
    createdAt: event.createdAt,
    taskId: match[1],
    instanceId: match[2],
    port: match[3] === undefined ? undefined : Number(match[3]),
    targetGroupArn: match[4],
    reasonText: (match[5] ?? '').trim(),
  };
}

const TARGET_GROUP_IN_REASON = /\(target-group (arn:[^)\s]+)\)/;

/** `Task failed ELB health checks in (target-group arn:…)` → the ARN; the classic `(elb name)` wording has none. */
export function targetGroupOfStopReason(stoppedReason: string | undefined): string | undefined {
  return TARGET_GROUP_IN_REASON.exec(stoppedReason ?? '')?.[1];
}
