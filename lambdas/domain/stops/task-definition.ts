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
export type LogSource = { kind: 'awslogs'; location: AwsLogsLocation } | { kind: 'elsewhere'; note: string };

export function logSource(container: ContainerDefinitionFacts | undefined, taskId: string): LogSource {
  if (!container) return { kind: 'elsewhere', note: 'the container is not in the task definition' };
  const location = awsLogsLocation(container, taskId);
  if (location) return { kind: 'awslogs', location };
  const driver = container.logDriver;
  if (driver === 'awsfirelens') {
    return {
      kind: 'elsewhere',
      note: `${container.name} logs through FireLens: read them at the log router's destination`,
    };
  }
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
