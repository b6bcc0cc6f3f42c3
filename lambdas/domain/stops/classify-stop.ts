import type { ContainerState, TaskStateChange } from '../events/task-event';
import { isStopSignal } from './exit-codes';
import {
  looksLikeSidecar,
  matchContainerFailure,
  matchTaskFailure,
  matchTaskReason,
  normalizeReason,
} from './stop-reasons';
import { isActionable, type StopCategory } from './taxonomy';

export interface StopDiagnosis {
  category: StopCategory;
  actionable: boolean;
  /** The container whose failure stopped the task, when one is at fault. */
  culprit?: ContainerState;
  /** Which fact decided the category, for the alert's evidence. */
  decidedBy: string;
}

export interface ClassifyOptions {
  /** Essential container names from the task definition, when enrichment found it. */
  essentialContainers?: ReadonlySet<string>;
}

/** Stop codes of stops decided outside the task: the scheduler, a user, the Spot service. */
const STOPPED_FROM_OUTSIDE = new Set([
  'ServiceSchedulerInitiated',
  'UserInitiated',
  'SpotInterruption',
  'TerminationNotice',
]);

/** Stop codes that decide the category when no reason text did. */
const STOP_CODE_CATEGORIES: Record<string, StopCategory> = {
  UserInitiated: 'USER_STOPPED',
  // The Spot two-minute warning arrives as TerminationNotice (desired STOPPED, last RUNNING).
  TerminationNotice: 'SPOT_INTERRUPTION',
  // Newer stop code: ECS replaced the task because the infrastructure under it was unhealthy.
  InfrastructureHealth: 'HOST_FAILURE',
};

/** 126: the command is not executable; 127: it does not exist. The container never ran its program. */
const COMMAND_NOT_RUNNABLE = new Set([126, 127]);

const ACTIVE_STATUSES = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING']);

/**
 * Why did this task stop? Trust order (README, "What it does"): each container's reason, then the task's
 * stop code and reason, then container exit codes read against the task's group.
 */
export function classifyStop(task: TaskStateChange, options: ClassifyOptions = {}): StopDiagnosis {
  const isStop =
    task.lastStatus === 'STOPPED' || task.desiredStatus === 'STOPPED' || !ACTIVE_STATUSES.has(task.lastStatus);
  if (!isStop)
    return diagnosis('NOT_STOPPED', `lastStatus ${task.lastStatus}, desiredStatus ${task.desiredStatus ?? '-'}`);

  const containers = orderBySuspicion(task.containers, options.essentialContainers);

  for (const container of containers) {
    const match = matchContainerFailure(container.reason);
    if (match)
      return withDependency(diagnosis(match.category, `container ${container.name} reason`, container), containers);
  }
  // When the scheduler, a user or Spot stopped the task, its reason is about that first.
  const scheduler = matchTaskReason(task.stoppedReason);
  if (scheduler && STOPPED_FROM_OUTSIDE.has(task.stopCode ?? '')) {
    return diagnosis(scheduler.category, 'task stoppedReason', culpritForTaskReason(scheduler.category, containers));
  }
  const taskFailure = matchTaskFailure(task.stoppedReason);
  if (taskFailure) {
    return diagnosis(taskFailure.category, 'task stoppedReason');
  }

  if (task.stopCode === 'SpotInterruption') return diagnosis('SPOT_INTERRUPTION', 'stopCode SpotInterruption');
  if (scheduler)
    return diagnosis(scheduler.category, 'task stoppedReason', culpritForTaskReason(scheduler.category, containers));
  const byStopCode = STOP_CODE_CATEGORIES[task.stopCode ?? ''];
  if (byStopCode) return diagnosis(byStopCode, `stopCode ${task.stopCode}`);

  const exited = diagnoseExit(task, containers);
  if (exited) return exited;

  return diagnosis('UNKNOWN', describeUnknown(task));
}

function diagnosis(category: StopCategory, decidedBy: string, culprit?: ContainerState): StopDiagnosis {
  return { category, actionable: isActionable(category), culprit, decidedBy };
}

/**
 * Essential, non-sidecar containers first: when a failure is reported by several containers
 * (an image pull for every container, say), the app container is the one to name.
 */
function orderBySuspicion(containers: ContainerState[], essential?: ReadonlySet<string>): ContainerState[] {
  const rank = (c: ContainerState) =>
    (essential && !essential.has(c.name) ? 2 : 0) + (looksLikeSidecar(c.name, c.image) ? 1 : 0);
  return [...containers].sort((a, b) => rank(a) - rank(b));
}

/** A sidecar that failed while an app container ran beside it took the task down: name the sidecar. */
function withDependency(result: StopDiagnosis, containers: ContainerState[]): StopDiagnosis {
  const culprit = result.culprit;
  if (!culprit || result.category !== 'APP_CRASH') return result;
  const sidecarDied = looksLikeSidecar(culprit.name, culprit.image);
  const appPresent = containers.some((c) => c !== culprit && !looksLikeSidecar(c.name, c.image));
  return sidecarDied && appPresent ? { ...result, category: 'DEPENDENCY_EXITED' } : result;
}

function culpritForTaskReason(category: StopCategory, containers: ContainerState[]): ContainerState | undefined {
  if (category === 'HEALTH_CHECK_CONTAINER') {
    return containers.find((c) => c.healthStatus === 'UNHEALTHY') ?? containers[0];
  }
  if (category === 'HEALTH_CHECK_ELB') return containers[0];
  return undefined;
}

/**
 * "Essential container in task exited": find the container that exited on its own. A SIGTERM
 * (143), a SIGKILL after the stop timeout (137) or a clean exit (0) of a sidecar are usually ECS
 * stopping the rest of the task, so candidates are tried in this order of suspicion.
 */
function diagnoseExit(task: TaskStateChange, containers: ContainerState[]): StopDiagnosis | undefined {
  const sidecars = containers.filter((c) => looksLikeSidecar(c.name, c.image));
  const apps = sidecars.length === containers.length ? containers : containers.filter((c) => !sidecars.includes(c));
  const essentialExited =
    task.stopCode === 'EssentialContainerExited' || normalizeReason(task.stoppedReason).includes('essential container');
  const exitedOnItsOwn = (c: ContainerState) =>
    c.exitCode !== undefined && c.exitCode !== 0 && !isStopSignal(c.exitCode);

  const failed = [...apps, ...sidecars].find(exitedOnItsOwn);
  if (failed && COMMAND_NOT_RUNNABLE.has(failed.exitCode ?? -1)) {
    return diagnosis(
      'CONTAINER_START',
      `container ${failed.name} exit ${failed.exitCode}: its command could not run`,
      failed,
    );
  }
  if (failed) return withDependency(diagnosis('APP_CRASH', `container ${failed.name} exit code`, failed), containers);

  const killed = apps.find((c) => c.exitCode === 137);
  if (killed) return diagnosis('APP_CRASH', `container ${killed.name} was killed (exit 137)`, killed);

  const exitedZero = apps.find((c) => c.exitCode === 0);
  if (exitedZero) {
    return task.service === undefined
      ? diagnosis('COMPLETED', 'standalone task, essential containers exited 0')
      : diagnosis('APP_CRASH', 'service task exited 0 (services are expected to run forever)', exitedZero);
  }

  // A container that reported no exit code beside others stopped by signal is the likelier trigger.
  const silent = [...apps, ...sidecars].find((c) => c.exitCode === undefined);
  if (silent && essentialExited) {
    return withDependency(
      diagnosis('APP_CRASH', `container ${silent.name} exited (no exit code reported)`, silent),
      containers,
    );
  }

  const stopped = [...apps, ...sidecars].find((c) => c.exitCode !== undefined);
  if (stopped)
    return withDependency(diagnosis('APP_CRASH', `container ${stopped.name} exit code`, stopped), containers);
  return essentialExited
    ? diagnosis('APP_CRASH', 'essential container exited (no exit code reported)', containers[0])
    : undefined;
}

function describeUnknown(task: TaskStateChange): string {
  return `no rule matched (stopCode ${task.stopCode ?? '-'}, stoppedReason ${JSON.stringify(task.stoppedReason ?? '')})`;
}
