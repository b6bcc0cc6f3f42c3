/**
 * What the watchdog needs from a task definition (enrichment, rollout diffs, placement checks): plain
 * data, mapped from the ECS API by an adapter. Environment variables and secrets by NAME only: values
 * never enter the watchdog's data.
 */
export interface HealthCheckSettings {
  command: string[];
  interval?: number;
  timeout?: number;
  retries?: number;
  startPeriod?: number;
}

export interface ContainerDefinitionFacts {
  name: string;
  image?: string;
  essential: boolean;
  memoryHardMiB?: number;
  memorySoftMiB?: number;
  cpu?: number;
  logDriver?: string;
  logOptions?: Record<string, string>;
  /** Names only, never values. */
  environmentKeys: string[];
  secretNames: string[];
  healthCheck?: HealthCheckSettings;
  /** `8080/tcp`, or `80->8080/tcp` when the host port differs. */
  portMappings: string[];
}

export interface TaskDefinitionFacts {
  arn: string;
  /** `family:revision`. */
  taskDefinition: string;
  family: string;
  revision: number;
  cpu?: number;
  memoryMiB?: number;
  networkMode?: string;
  requiresCompatibilities: string[];
  containers: ContainerDefinitionFacts[];
}

export interface AwsLogsLocation {
  logGroup: string;
  logStream: string;
  region?: string;
}

/**
 * The awslogs stream of a container is `prefix/container-name/task-id`; without a stream prefix
 * (EC2 only) ECS names streams by the Docker id, which we do not know.
 */
export function awsLogsLocation(
  container: ContainerDefinitionFacts | undefined,
  taskId: string,
): AwsLogsLocation | undefined {
  if (container?.logDriver !== 'awslogs' || !container.logOptions) return undefined;
  const group = container.logOptions['awslogs-group'];
  const prefix = container.logOptions['awslogs-stream-prefix'];
  if (!group || !prefix) return undefined;
  return {
    logGroup: group,
    logStream: `${prefix}/${container.name}/${taskId}`,
    region: container.logOptions['awslogs-region'],
  };
}

/** Where a container's logs can be read from, or why the watchdog cannot read them. */
export type LogSource =
  | { kind: 'awslogs' | 'firelens'; location: AwsLogsLocation }
  | { kind: 'elsewhere'; note: string };

/** What FireLens stream names may refer to besides the task id. */
export interface TaskLogContext {
  cluster?: string;
  taskArn?: string;
}

export function logSource(
  container: ContainerDefinitionFacts | undefined,
  taskId: string,
  task: TaskLogContext = {},
): LogSource {
  if (!container) return { kind: 'elsewhere', note: 'the container is not in the task definition' };
  const location = awsLogsLocation(container, taskId);
  if (location) return { kind: 'awslogs', location };
  const driver = container.logDriver;
  if (driver === 'awsfirelens') return fireLensSource(container, taskId, task);
  if (driver === 'awslogs') {
    return {
      kind: 'elsewhere',
      note: `${container.name} uses awslogs without awslogs-stream-prefix: its stream is named by the Docker id; open the log group ${container.logOptions?.['awslogs-group'] ?? ''}`,
    };
  }
  return {
    kind: 'elsewhere',
    note: `${container.name} logs with the ${driver ?? 'default (none)'} driver, which the watchdog cannot read`,
  };
}

/** The location of a log stream the watchdog can read: awslogs, or FireLens to CloudWatch Logs. */
export function logLocation(
  container: ContainerDefinitionFacts | undefined,
  taskId: string,
  task: TaskLogContext = {},
): AwsLogsLocation | undefined {
  const source = logSource(container, taskId, task);
  return source.kind === 'elsewhere' ? undefined : source.location;
}

/** Fluent Bit's CloudWatch outputs: `cloudwatch_logs` (C) and the older `cloudwatch` (Go). */
const CLOUDWATCH_OUTPUTS = new Set(['cloudwatch', 'cloudwatch_logs']);

/**
 * A container routed through FireLens (`awsfirelens`) to CloudWatch Logs: the log router sends its
 * lines to `log_group_name`, in the stream `log_stream_name` or `log_stream_prefix` + the FireLens tag
 * `<container>-firelens-<task id>` (Fluent Bit CloudWatch output docs). Stream templates are resolved
 * for the task's own metadata (`$(ecs_task_id)`, `$ecs_task_id`, …); anything else cannot be known here.
 */
function fireLensSource(container: ContainerDefinitionFacts, taskId: string, task: TaskLogContext): LogSource {
  const option = (key: string): string | undefined =>
    Object.entries(container.logOptions ?? {}).find(([k]) => k.toLowerCase() === key)?.[1];
  const output = option('name');
  if (!output) {
    return {
      kind: 'elsewhere',
      note: `${container.name} logs through FireLens to the outputs of the log router's own configuration: read them there`,
    };
  }
  if (!CLOUDWATCH_OUTPUTS.has(output.toLowerCase())) {
    return {
      kind: 'elsewhere',
      note: `${container.name} logs through FireLens to ${output}, which the watchdog cannot read`,
    };
  }
  const group = option('log_group_name');
  if (!group || option('log_group_template')) {
    return {
      kind: 'elsewhere',
      note: `${container.name} logs through FireLens to CloudWatch Logs in a log group named by the log router at run time`,
    };
  }
  const tag = `${container.name}-firelens-${taskId}`;
  const template = option('log_stream_template') ?? option('log_stream_name');
  const prefix = option('log_stream_prefix');
  const stream = template
    ? resolveStreamTemplate(template, { tag, taskId, container: container.name, ...task })
    : prefix !== undefined
      ? `${prefix}${tag}`
      : undefined;
  if (!stream) {
    return {
      kind: 'elsewhere',
      note: `${container.name} logs through FireLens to ${group}; its stream name (${template ?? 'unset'}) cannot be resolved: open the log group`,
    };
  }
  return { kind: 'firelens', location: { logGroup: group, logStream: stream, region: option('region') } };
}

function resolveStreamTemplate(
  template: string,
  values: { tag: string; taskId: string; container: string; cluster?: string; taskArn?: string },
): string | undefined {
  const known: Record<string, string | undefined> = {
    tag: values.tag,
    ecs_task_id: values.taskId,
    container_name: values.container,
    ecs_cluster: values.cluster,
    ecs_task_arn: values.taskArn,
  };
  let unresolved = false;
  const resolved = template.replace(
    /\$\((\w+)\)|\$(\w+)/g,
    (_, paren: string | undefined, bare: string | undefined) => {
      const value = known[(paren ?? bare ?? '').toLowerCase()];
      if (value === undefined) unresolved = true;
      return value ?? '';
    },
  );
  return unresolved ? undefined : resolved;
}

/**
 * FireLens sends each line as a JSON record (`{"log": "...", "source": "stdout", "container_name": ...}`)
 * unless the output sets `log_key log`: show the line itself.
 */
export function fireLensLine(message: string): string {
  if (!message.startsWith('{')) return message;
  try {
    const record = JSON.parse(message) as unknown;
    if (record && typeof record === 'object' && typeof (record as { log?: unknown }).log === 'string')
      return (record as { log: string }).log.replace(/\r?\n$/, '');
  } catch {
    // Not JSON after all: the line as written.
  }
  return message;
}
