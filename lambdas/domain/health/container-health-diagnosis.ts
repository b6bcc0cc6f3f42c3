import { FactList } from '../alerts/fact-list';
import type { TaskStateChange } from '../events/task-event';
import type { HealthCheckSettings, TaskDefinitionFacts } from '../stops/task-definition';
import { containerPorts, execFormMistake, httpCheckTarget } from './container-check-command';
import {
  CONTAINER_HEALTH_CHECK_STEPS,
  formatDuration,
  type HealthCheckDiagnosis,
  orderedSteps,
  SCHEDULER_REACTION_SECONDS,
  secondsBetween,
  type Verdict,
} from './health-check-diagnosis';

/** ECS's container health check defaults (API Reference, HealthCheck). */
const DEFAULTS = { interval: 30, timeout: 5, retries: 3, startPeriod: 0 };

export interface ContainerHealthCheckInput {
  task: Pick<
    TaskStateChange,
    'taskId' | 'cluster' | 'taskDefinition' | 'startedAt' | 'stoppingAt' | 'stoppedAt' | 'containers'
  >;
  /** The container that failed its check (the culprit). */
  containerName?: string;
  taskDefinition?: TaskDefinitionFacts;
  /** The service's healthCheckGracePeriodSeconds (0 when unset); undefined when unknown or a standalone task. */
  gracePeriodSeconds?: number;
  /** Applied to the command before it enters the alert: checks can carry tokens and passwords. */
  redact: (text: string) => string;
}

/**
 * Explains a HEALTH_CHECK_CONTAINER stop from the failing container's health check (command, interval,
 * timeout, retries, start period), the time it needs to fail against how long the container lived, and
 * the command's shape (an exec-form command that can never run, a URL on a port the container does not map).
 */
export function diagnoseContainerHealthCheck(input: ContainerHealthCheckInput): HealthCheckDiagnosis {
  const { task, containerName } = input;
  const facts = new FactList();
  const definition = input.taskDefinition?.containers.find((c) => c.name === containerName);
  const check = definition?.healthCheck;
  const name = containerName ?? 'the container';
  if (input.taskDefinition && !check) {
    facts.add(
      `Health check of ${name}`,
      `none in ${input.taskDefinition.taskDefinition} (ECS runs only the checks defined in the task definition)`,
    );
  }
  if (check) facts.add(`Health check of ${name}`, input.redact(commandLine(check.command)));
  const timing = check ? checkTiming(check) : undefined;
  if (timing) facts.add('Health check timing', timing.text);
  if (input.gracePeriodSeconds !== undefined)
    facts.add('Grace period', `${input.gracePeriodSeconds} s (the service's grace period covers container checks too)`);
  const stoppedAt = task.stoppingAt ?? task.stoppedAt;
  const lived = secondsBetween(task.startedAt, stoppedAt);
  if (lived !== undefined)
    facts.add('Lifetime', `stopped ${formatDuration(lived)} after start (${task.startedAt} → ${stoppedAt})`);
  const statuses = task.containers.filter((c) => c.healthStatus).map((c) => `${c.name} ${c.healthStatus}`);
  if (statuses.length > 0) facts.add('Health status', statuses.join(', '));
  facts.add(
    'Health check output',
    'not reported outside the task (ECS keeps only HEALTHY/UNHEALTHY): run the command with ECS Exec in a running task to see it',
  );

  const earliestKill = timing ? Math.max(input.gracePeriodSeconds ?? 0, timing.timeToFail) : undefined;
  const neverHealthy =
    lived !== undefined && earliestKill !== undefined && timing
      ? lived <= earliestKill + timing.interval + SCHEDULER_REACTION_SECONDS
      : undefined;
  const verdict = check
    ? (commandVerdict(check, name) ??
      portVerdict(check, name, definition?.portMappings ?? [], neverHealthy) ??
      startPeriodVerdict(input, check, lived, timing, neverHealthy) ??
      becameUnhealthyVerdict(name, lived, timing, neverHealthy))
    : undefined;
  return { verdict, facts: facts.facts, nextSteps: orderedSteps(CONTAINER_HEALTH_CHECK_STEPS, verdict) };
}

function commandLine(command: string[]): string {
  const [form, ...rest] = command;
  return form === 'CMD-SHELL' ? `CMD-SHELL ${rest.join(' ')}` : JSON.stringify(command);
}

interface Timing {
  interval: number;
  timeToFail: number;
  retries: number;
  startPeriod: number;
  text: string;
}

function checkTiming(check: HealthCheckSettings): Timing {
  const interval = check.interval ?? DEFAULTS.interval;
  const timeout = check.timeout ?? DEFAULTS.timeout;
  const retries = check.retries ?? DEFAULTS.retries;
  const startPeriod = check.startPeriod ?? DEFAULTS.startPeriod;
  // Failures in the start period do not count; after it, `retries` failures in a row, one per interval.
  const timeToFail = startPeriod + retries * interval;
  const defaulted = (value: number | undefined) => (value === undefined ? ' (default)' : '');
  return {
    interval,
    timeToFail,
    retries,
    startPeriod,
    text:
      `every ${interval} s${defaulted(check.interval)}, timeout ${timeout} s${defaulted(check.timeout)}, ` +
      `${retries} retries${defaulted(check.retries)}, start period ${startPeriod} s${defaulted(check.startPeriod)}: ` +
      `needs ${formatDuration(timeToFail)} to fail (${startPeriod} + ${retries} × ${interval} s)`,
  };
}

function commandVerdict(check: HealthCheckSettings, name: string): Verdict | undefined {
  const mistake = execFormMistake(check.command);
  if (!mistake) return undefined;
  return {
    cause: 'check-command',
    short: `${name} health check cannot run`,
    line: `${mistake}: the check can never pass; use CMD-SHELL`,
    steps: [
      `Register a task definition revision whose ${name} health check starts with "CMD-SHELL" followed by the whole command line as one string.`,
    ],
  };
}

function portVerdict(
  check: HealthCheckSettings,
  name: string,
  portMappings: string[],
  neverHealthy: boolean | undefined,
): Verdict | undefined {
  const target = httpCheckTarget(check.command);
  const mapped = containerPorts(portMappings);
  if (!neverHealthy || target?.port === undefined || mapped.length === 0 || mapped.includes(target.port))
    return undefined;
  return {
    cause: 'check-command',
    short: `${name} check calls unmapped port ${target.port}`,
    line: `the health check calls port ${target.port}, but container ${name} maps only ${mapped.join(', ')}: it never passed`,
    steps: [`Make the health check call the port the app listens on (${mapped.join(' or ')}).`],
  };
}

function startPeriodVerdict(
  input: ContainerHealthCheckInput,
  check: HealthCheckSettings,
  lived: number | undefined,
  timing: Timing | undefined,
  neverHealthy: boolean | undefined,
): Verdict | undefined {
  if (!neverHealthy || lived === undefined || !timing) return undefined;
  const name = input.containerName ?? 'the container';
  const grace = input.gracePeriodSeconds ? `; grace period ${input.gracePeriodSeconds} s` : '';
  return {
    cause: 'start-period',
    short: `${name} killed before it could boot`,
    line: `killed ${formatDuration(lived)} after start; startPeriod ${timing.startPeriod} s${grace}; the check needs ${timing.timeToFail} s to fail: raise startPeriod to at least the boot time`,
    steps: [
      `Read the log excerpt for when the app is ready; register a revision of ${input.task.taskDefinition.split(':')[0]} whose health check startPeriod (now ${check.startPeriod ?? 0} s, at most 300) exceeds that boot time.`,
      'If the app never becomes ready, run the check command with ECS Exec: it may call the wrong port or path.',
    ],
  };
}

function becameUnhealthyVerdict(
  name: string,
  lived: number | undefined,
  timing: Timing | undefined,
  neverHealthy: boolean | undefined,
): Verdict | undefined {
  if (neverHealthy !== false || lived === undefined || !timing) return undefined;
  const ran = formatDuration(lived);
  return {
    cause: 'app-unhealthy',
    short: `${name} unhealthy after ${ran}`,
    line: `it passed its health check for ${ran}, then failed ${timing.retries} in a row: the app stopped answering (hung, overloaded, or a dependency the check calls is down), not a slow start`,
    steps: [
      'Read the log excerpt and the task’s CPU and memory before the stop: a saturated or hung process fails its checks.',
    ],
  };
}
