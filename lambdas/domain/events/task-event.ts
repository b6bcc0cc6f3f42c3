import { DETAIL_TYPES, type EcsEnvelope, type EventOrigin } from './ecs-event';
import { InvalidEventError } from './invalid-event';
import {
  isObject,
  MAX_REASON_CHARS,
  optionalArray,
  optionalNumber,
  optionalString,
  optionalTimestamp,
  requireObject,
  requireString,
} from './read-fields';

export interface ContainerState {
  name: string;
  image?: string;
  lastStatus?: string;
  /** Absent when the container never ran or ECS did not learn it (host lost, start failure). */
  exitCode?: number;
  reason?: string;
  healthStatus?: string;
  /** From the event when ECS includes them (MiB; hard and soft limits). */
  memory?: number;
  memoryReservation?: number;
  cpu?: number;
  runtimeId?: string;
}

/** One ECS Task State Change, flattened to what the watchdog reasons about. */
export interface TaskStateChange extends EventOrigin {
  taskArn: string;
  taskId: string;
  clusterArn: string;
  cluster: string;
  /** Absent from events trimmed by hand (copied from logs or tickets): classification does without it. */
  taskDefinitionArn?: string;
  /** `family:revision`, e.g. `api-service:42`; {@link UNKNOWN_TASK_DEFINITION} without the ARN. */
  taskDefinition: string;
  /** `service:NAME` for service tasks, `family:NAME` for standalone ones. */
  group?: string;
  /** The service name when the task belongs to a service. */
  service?: string;
  startedBy?: string;
  lastStatus: string;
  desiredStatus?: string;
  stopCode?: string;
  stoppedReason?: string;
  launchType?: string;
  capacityProviderName?: string;
  availabilityZone?: string;
  containerInstanceArn?: string;
  subnetId?: string;
  /** The awsvpc network interface's private IPv4 address: the target id in an `ip` target group. */
  privateIp?: string;
  /** Task-level cpu units and memory MiB (strings in the event). */
  cpu?: number;
  memory?: number;
  createdAt?: string;
  startedAt?: string;
  stoppingAt?: string;
  stoppedAt?: string;
  healthStatus?: string;
  containers: ContainerState[];
}

export const UNKNOWN_TASK_DEFINITION = 'unknown-task-definition';

/**
 * Parses an `ECS Task State Change` event; throws InvalidEventError naming the bad field. What
 * classification does without (the task definition ARN, malformed times) is named in `missing`.
 */
export function parseTaskStateChange(envelope: EcsEnvelope): TaskStateChange {
  if (envelope.detailType !== DETAIL_TYPES.taskStateChange) {
    throw new InvalidEventError(
      'event.detail-type',
      `expected "${DETAIL_TYPES.taskStateChange}", got "${envelope.detailType}"`,
    );
  }
  const d = envelope.detail;
  const path = 'detail';
  const missing = [...envelope.missing];
  const taskArn = requireString(d, 'taskArn', path);
  const clusterArn = requireString(d, 'clusterArn', path);
  const taskDefinitionArn = optionalString(d, 'taskDefinitionArn', path) || undefined;
  if (!taskDefinitionArn) missing.push('detail.taskDefinitionArn (no task definition lookups)');
  const group = optionalString(d, 'group', path);
  const containers = optionalArray(d, 'containers', path).map((c, i) => parseContainer(c, `${path}.containers[${i}]`));
  const time = (key: string) => optionalTimestamp(d, key, path, missing);

  // The origin fields are written out: spreading originOf() ahead of 30 fields made this object ~40x
  // slower to build and to read (bench/classify.ts).
  return {
    eventId: envelope.id,
    account: envelope.account,
    region: envelope.region,
    time: envelope.time,
    missing,
    taskArn,
    taskId: requireSegment(taskArn, 'detail.taskArn', 'a task ARN ending in /ID', 'task'),
    clusterArn,
    cluster: requireSegment(clusterArn, 'detail.clusterArn', 'a cluster ARN ending in cluster/NAME', 'cluster'),
    taskDefinitionArn,
    taskDefinition: taskDefinitionArn
      ? lastSegment(taskDefinitionArn) || UNKNOWN_TASK_DEFINITION
      : UNKNOWN_TASK_DEFINITION,
    group,
    service: serviceOfGroup(group),
    startedBy: optionalString(d, 'startedBy', path),
    lastStatus: requireString(d, 'lastStatus', path),
    desiredStatus: optionalString(d, 'desiredStatus', path),
    stopCode: optionalString(d, 'stopCode', path),
    stoppedReason: optionalString(d, 'stoppedReason', path, MAX_REASON_CHARS),
    launchType: optionalString(d, 'launchType', path),
    capacityProviderName: optionalString(d, 'capacityProviderName', path),
    availabilityZone: optionalString(d, 'availabilityZone', path),
    containerInstanceArn: optionalString(d, 'containerInstanceArn', path),
    subnetId: eniDetail(d.attachments, 'subnetId'),
    privateIp: eniDetail(d.attachments, 'privateIPv4Address'),
    cpu: optionalNumber(d, 'cpu', path),
    memory: optionalNumber(d, 'memory', path),
    createdAt: time('createdAt'),
    startedAt: time('startedAt'),
    stoppingAt: time('stoppingAt'),
    stoppedAt: time('stoppedAt'),
    healthStatus: optionalString(d, 'healthStatus', path),
    containers,
  };
}

function parseContainer(raw: unknown, path: string): ContainerState {
  const c = requireObject(raw, path);
  return {
    name: requireString(c, 'name', path),
    image: optionalString(c, 'image', path),
    lastStatus: optionalString(c, 'lastStatus', path),
    exitCode: optionalNumber(c, 'exitCode', path),
    reason: optionalString(c, 'reason', path, MAX_REASON_CHARS),
    healthStatus: optionalString(c, 'healthStatus', path),
    memory: optionalNumber(c, 'memory', path),
    memoryReservation: optionalNumber(c, 'memoryReservation', path),
    cpu: optionalNumber(c, 'cpu', path),
    runtimeId: optionalString(c, 'runtimeId', path),
  };
}

/** A detail of the ENI attachment (`subnetId`, `privateIPv4Address`), for awsvpc tasks. */
function eniDetail(attachments: unknown, name: string): string | undefined {
  if (!Array.isArray(attachments)) return undefined;
  for (const attachment of attachments) {
    if (!isObject(attachment) || !Array.isArray(attachment.details)) continue;
    for (const detail of attachment.details) {
      if (isObject(detail) && detail.name === name && typeof detail.value === 'string') return detail.value;
    }
  }
  return undefined;
}

/** A task's group is `service:NAME` for service tasks, `family:NAME` for standalone ones. */
export function serviceOfGroup(group: string | undefined): string | undefined {
  return group?.startsWith('service:') ? group.slice('service:'.length) : undefined;
}

/** `arn:PARTITION:ecs:REGION:ACCOUNT:TYPE/…/NAME`: the ARN forms ECS puts in its events. */
const ECS_ARN = /^arn:[a-z-]{1,20}:ecs:[a-z0-9-]{0,30}:\d{0,12}:([a-z-]{1,30})\/[^/]/;

/**
 * The last segment of an ECS ARN the watchdog cannot do without (the task id, the cluster name): an
 * ARN of another shape is rejected with the field named, not carried on to the lookups.
 */
export function requireSegment(arn: string, path: string, expected: string, type: string): string {
  const segment = lastSegment(arn);
  if (ECS_ARN.exec(arn)?.[1] !== type || segment === '')
    throw new InvalidEventError(path, `expected ${expected}, got "${arn.slice(0, 200)}"`);
  return segment;
}

/** `arn:aws:ecs:r:a:task/cluster/id` → `id`; also works for cluster and task-definition ARNs. */
export function lastSegment(arn: string): string {
  const slash = arn.lastIndexOf('/');
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}
