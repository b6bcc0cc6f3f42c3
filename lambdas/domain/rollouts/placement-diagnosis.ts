import { trunkedTaskLimit } from '../capacity/eni-trunking';
import type { ContainerInstanceFacts, SubnetFacts } from '../capacity/facts';
import { instanceTypeOf, taskEniCapacity } from '../capacity/task-enis';
import { describeFargateMemoryRange, isValidFargateSize } from '../stops/fargate-sizes';
import type { PlacementCause } from './placement-cause';

/**
 * What adapters found about the service and where it could run: the capacity model's facts
 * (capacity/facts.ts), read by the same reader as the capacity scan. Missing facts skip their check.
 */
export interface PlacementFacts {
  /** Tasks the scheduler still has to place (desired − running − pending, at least 1). */
  tasksToPlace: number;
  networkMode?: string;
  launchType?: string;
  /** Capacity providers of the service's strategy (names), or those the event names. */
  capacityProviders: string[];
  /** Task-level size: CPU units and MiB. */
  taskCpu?: number;
  taskMemoryMiB?: number;
  /** Static host ports the task needs on an instance (bridge/host mode). */
  hostPorts: number[];
  /** The service's awsvpc subnets. */
  subnets?: SubnetFacts[];
  /** The cluster's container instances (EC2), with their network interfaces. */
  containerInstances?: ContainerInstanceFacts[];
  placementConstraints: { type: string; expression?: string }[];
}

export type CheckName =
  | 'SUBNET_FREE_IPS'
  | 'FARGATE_TASK_SIZE'
  | 'CAPACITY_PROVIDER'
  | 'CONTAINER_INSTANCES'
  | 'INSTANCE_CPU'
  | 'INSTANCE_MEMORY'
  | 'INSTANCE_ENIS'
  | 'INSTANCE_PORTS'
  | 'PLACEMENT_CONSTRAINTS';

export interface CheckResult {
  check: CheckName;
  /** FAIL: this is why; SUSPECT: could be why, not provable from the facts; OK; SKIPPED: no facts. */
  status: 'FAIL' | 'SUSPECT' | 'OK' | 'SKIPPED';
  detail: string;
  /** What the finding maps to in the placement-cause vocabulary. */
  cause: PlacementCause;
  /** The subnet a subnet finding is about (for links). */
  subnetId?: string;
}

export interface PlacementDiagnosis {
  /** The event's cause, refined by the failing check when one failed. */
  cause: PlacementCause;
  failing?: CheckResult;
  checks: CheckResult[];
}

/**
 * Runs the checks an engineer would, in order, and names the one that failed. The event's own cause
 * (e.g. RESOURCE:MEMORY) picks the failing check when several failed.
 */
export function diagnosePlacement(facts: PlacementFacts, eventCause: PlacementCause): PlacementDiagnosis {
  const fargate = isFargate(facts);
  const checks: CheckResult[] = [
    subnetCheck(facts),
    fargate ? fargateSizeCheck(facts) : skipped('FARGATE_TASK_SIZE', 'not a Fargate service', 'RESOURCE:FARGATE'),
    capacityProviderCheck(facts, eventCause, fargate),
    ...(fargate ? [] : instanceChecks(facts)),
    constraintCheck(facts),
  ];
  const failed = checks.filter((c) => c.status === 'FAIL');
  const failing =
    failed.find((c) => c.cause === eventCause) ??
    failed[0] ??
    checks.find((c) => c.status === 'SUSPECT' && c.cause === eventCause) ??
    checks.find((c) => c.status === 'SUSPECT');
  return { cause: failing?.cause ?? eventCause, failing, checks };
}

function isFargate(facts: PlacementFacts): boolean {
  return runsOnFargate(facts.launchType, facts.capacityProviders);
}

/** A capacity provider strategy wins over the launch type (a service has one or the other). */
export function runsOnFargate(launchType: string | undefined, capacityProviders: string[]): boolean {
  if (capacityProviders.length > 0) return capacityProviders.every((p) => p.startsWith('FARGATE'));
  return launchType === 'FARGATE';
}

/**
 * Tasks the scheduler still has to place: the service's gap, or during a deployment the sum of each
 * deployment's gap (new tasks start while the old ones still run). At least 1: the event says one failed.
 */
export function tasksToPlace(
  service: { desiredCount?: number; runningCount?: number; pendingCount?: number },
  deployments: { desiredCount?: number; runningCount?: number; pendingCount?: number }[],
): number {
  const gap = (c: { desiredCount?: number; runningCount?: number; pendingCount?: number }) =>
    Math.max(0, (c.desiredCount ?? 0) - (c.runningCount ?? 0) - (c.pendingCount ?? 0));
  return Math.max(
    1,
    gap(service),
    deployments.reduce((sum, d) => sum + gap(d), 0),
  );
}

const skipped = (check: CheckName, detail: string, cause: PlacementCause): CheckResult => ({
  check,
  status: 'SKIPPED',
  detail,
  cause,
});

function subnetCheck(facts: PlacementFacts): CheckResult {
  const cause = 'RESOURCE:SUBNET_IPS';
  if (facts.networkMode !== 'awsvpc') return skipped('SUBNET_FREE_IPS', 'not an awsvpc service', cause);
  if (!facts.subnets || facts.subnets.length === 0) return skipped('SUBNET_FREE_IPS', 'subnets not looked up', cause);
  const fullest = [...facts.subnets].sort((a, b) => a.availableAddresses - b.availableAddresses);
  const total = fullest.reduce((sum, s) => sum + s.availableAddresses, 0);
  const lowest = fullest[0] as SubnetFacts;
  const describe = (s: SubnetFacts) =>
    `${s.subnetId} (${s.cidr}, ${s.availabilityZone}) has ${s.availableAddresses} free IP address${s.availableAddresses === 1 ? '' : 'es'}`;
  const need = `${facts.tasksToPlace} task${facts.tasksToPlace === 1 ? '' : 's'} to place need ${facts.tasksToPlace} (awsvpc: one IP per task)`;
  if (total < facts.tasksToPlace || lowest.availableAddresses === 0) {
    const named = fullest.filter((s) => s.availableAddresses < facts.tasksToPlace).map(describe);
    return {
      check: 'SUBNET_FREE_IPS',
      status: 'FAIL',
      detail: `${named.join('; ')}; ${need}, ${total} free in all the service's subnets`,
      cause,
      subnetId: lowest.subnetId,
    };
  }
  return { check: 'SUBNET_FREE_IPS', status: 'OK', detail: `${total} free IPs for ${facts.tasksToPlace} tasks`, cause };
}

function fargateSizeCheck(facts: PlacementFacts): CheckResult {
  const cause = 'CONFIG:FARGATE_TASK_SIZE';
  const { taskCpu: cpu, taskMemoryMiB: memory } = facts;
  if (cpu === undefined || memory === undefined) return skipped('FARGATE_TASK_SIZE', 'task size not looked up', cause);
  return isValidFargateSize(cpu, memory)
    ? { check: 'FARGATE_TASK_SIZE', status: 'OK', detail: `${cpu} CPU / ${memory} MiB is a valid Fargate size`, cause }
    : {
        check: 'FARGATE_TASK_SIZE',
        status: 'FAIL',
        detail: `${cpu} CPU units / ${memory} MiB is not a valid Fargate size: ${describeFargateMemoryRange(cpu)}`,
        cause,
      };
}

function capacityProviderCheck(facts: PlacementFacts, eventCause: PlacementCause, fargate: boolean): CheckResult {
  const cause = fargate ? 'RESOURCE:FARGATE' : 'CAPACITY_PROVIDER';
  const providers = facts.capacityProviders.join(', ') || facts.launchType || 'default strategy';
  if (eventCause === 'RESOURCE:FARGATE') {
    // Only the event says so: a measured failure (subnet, size) elsewhere is the likelier root cause.
    return {
      check: 'CAPACITY_PROVIDER',
      status: 'SUSPECT',
      detail: `ECS could not get capacity from ${providers}${facts.capacityProviders.includes('FARGATE_SPOT') ? ' (Spot capacity is not guaranteed)' : ''}`,
      cause: 'RESOURCE:FARGATE',
    };
  }
  if (eventCause === 'CAPACITY_PROVIDER') {
    return { check: 'CAPACITY_PROVIDER', status: 'SUSPECT', detail: `placement failed on ${providers}`, cause };
  }
  return { check: 'CAPACITY_PROVIDER', status: 'OK', detail: `uses ${providers}`, cause };
}

function instanceChecks(facts: PlacementFacts): CheckResult[] {
  const instances = facts.containerInstances;
  if (!instances) {
    return (['INSTANCE_CPU', 'INSTANCE_MEMORY', 'INSTANCE_ENIS', 'INSTANCE_PORTS'] as const).map((check) =>
      skipped(check, 'container instances not looked up', resourceCause(check)),
    );
  }
  const usable = instances.filter((i) => (i.status ?? 'ACTIVE') === 'ACTIVE' && i.agentConnected !== false);
  if (usable.length === 0) {
    return [
      {
        check: 'CONTAINER_INSTANCES',
        status: 'FAIL',
        detail:
          instances.length === 0
            ? 'no container instance is registered in the cluster'
            : `none of the ${instances.length} container instances is ACTIVE with a connected agent`,
        cause: instances.length === 0 ? 'RESOURCE:INSTANCE' : 'AGENT',
      },
    ];
  }
  return [
    resourceCheck('INSTANCE_CPU', usable, facts.taskCpu, (i) => i.remainingCpu, 'CPU units'),
    resourceCheck('INSTANCE_MEMORY', usable, facts.taskMemoryMiB, (i) => i.remainingMemoryMiB, 'MiB memory'),
    eniCheck(usable, facts),
    portCheck(usable, facts.hostPorts),
  ];
}

function resourceCause(check: CheckName): PlacementCause {
  return (
    {
      INSTANCE_CPU: 'RESOURCE:CPU',
      INSTANCE_MEMORY: 'RESOURCE:MEMORY',
      INSTANCE_ENIS: 'RESOURCE:ENI',
      INSTANCE_PORTS: 'RESOURCE:PORTS',
    } as Partial<Record<CheckName, string>>
  )[check] as string;
}

function resourceCheck(
  check: 'INSTANCE_CPU' | 'INSTANCE_MEMORY',
  instances: ContainerInstanceFacts[],
  needed: number | undefined,
  remaining: (i: ContainerInstanceFacts) => number | undefined,
  unit: string,
): CheckResult {
  const cause = resourceCause(check);
  const known = instances.filter((i) => remaining(i) !== undefined);
  if (needed === undefined || known.length === 0)
    return skipped(check, 'task size or remaining resources unknown', cause);
  const best = known.reduce((a, b) => ((remaining(b) ?? 0) > (remaining(a) ?? 0) ? b : a));
  const most = remaining(best) ?? 0;
  return most < needed
    ? {
        check,
        status: 'FAIL',
        detail: `the task needs ${needed} ${unit}; the most any of ${known.length} container instances has left is ${most} (${nameOf(best)})`,
        cause,
      }
    : { check, status: 'OK', detail: `${nameOf(best)} has ${most} ${unit} left`, cause };
}

const nameOf = (i: ContainerInstanceFacts) => i.ec2InstanceId ?? i.containerInstanceArn.split('/').pop();

/** Free task interfaces as the capacity scan counts them (capacity/task-enis.ts), ENI trunking included. */
function eniCheck(instances: ContainerInstanceFacts[], facts: PlacementFacts): CheckResult {
  const cause = 'RESOURCE:ENI';
  if (facts.networkMode !== 'awsvpc') return skipped('INSTANCE_ENIS', 'not an awsvpc service', cause);
  const known = instances
    .map((instance) => ({ instance, enis: taskEniCapacity(instance) }))
    .filter((k): k is typeof k & { enis: { free: number; limit: number } } => k.enis.free !== undefined);
  if (known.length === 0) return skipped('INSTANCE_ENIS', 'instance network interface limits not looked up', cause);
  const total = known.reduce((sum, k) => sum + k.enis.free, 0);
  if (total === 0) {
    const { instance, enis } = known[0] as (typeof known)[number];
    const type = instanceTypeOf(instance);
    const uses = enis.trunked
      ? `(${type ?? '?'}, ENI trunking) holds at most ${enis.limit} awsvpc tasks and has ${enis.inUse} tasks`
      : `(${type ?? '?'}) allows ${enis.limit + 1} network interfaces: 1 primary + ${enis.inUse} for tasks`;
    // Trunking multiplies the tasks per instance, on the instance types that support it.
    const fix =
      !enis.trunked && type && trunkedTaskLimit(type) !== undefined
        ? 'turn on the awsvpcTrunking account setting and replace the instances, or use larger instances'
        : 'use larger instances or add instances';
    return {
      check: 'INSTANCE_ENIS',
      status: 'FAIL',
      detail: `no container instance has a free network interface for a task: e.g. ${nameOf(instance)} ${uses} (${fix})`,
      cause,
    };
  }
  return {
    check: 'INSTANCE_ENIS',
    status: 'OK',
    detail: `${total} free task network interfaces across ${known.length} instances`,
    cause,
  };
}

function portCheck(instances: ContainerInstanceFacts[], hostPorts: number[]): CheckResult {
  const cause = 'RESOURCE:PORTS';
  if (hostPorts.length === 0) return skipped('INSTANCE_PORTS', 'the task needs no static host port', cause);
  const fits = instances.filter((i) => !hostPorts.some((p) => i.usedHostPorts.includes(p)));
  return fits.length === 0
    ? {
        check: 'INSTANCE_PORTS',
        status: 'FAIL',
        detail: `host port ${hostPorts.join(', ')} is already taken on all ${instances.length} container instances (use dynamic host ports: hostPort 0)`,
        cause,
      }
    : { check: 'INSTANCE_PORTS', status: 'OK', detail: `${fits.length} instances have the host ports free`, cause };
}

function constraintCheck(facts: PlacementFacts): CheckResult {
  const cause = 'ATTRIBUTE';
  if (facts.placementConstraints.length === 0)
    return { check: 'PLACEMENT_CONSTRAINTS', status: 'OK', detail: 'no placement constraints', cause };
  const distinct = facts.placementConstraints.some((c) => c.type === 'distinctInstance');
  const instances = facts.containerInstances?.length;
  if (distinct && instances !== undefined && facts.tasksToPlace > instances) {
    return {
      check: 'PLACEMENT_CONSTRAINTS',
      status: 'FAIL',
      detail: `distinctInstance needs one instance per task: ${facts.tasksToPlace} tasks to place, ${instances} instances`,
      cause,
    };
  }
  const expressions = facts.placementConstraints.map((c) => (c.expression ? `${c.type} ${c.expression}` : c.type));
  return {
    check: 'PLACEMENT_CONSTRAINTS',
    status: 'SUSPECT',
    detail: `check that some instance satisfies: ${expressions.join('; ')}`,
    cause,
  };
}
