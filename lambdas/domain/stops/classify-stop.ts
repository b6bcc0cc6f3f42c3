import type { ContainerState, TaskStateChange } from '../events/task-event';
import { isStopSignal } from './exit-codes';
import {
  type FamilyMatch,
  looksLikeSidecar,
  matchFailure,
  matchTaskReason,
  normalizeReason,
  withoutNames,
} from './stop-reasons';
import { type ExitReading, STOP_RULES, STOPPED_FROM_OUTSIDE } from './stop-rules';
import type { StopCategory } from './taxonomy';

export interface StopDiagnosis {
  category: StopCategory;
  actionable: boolean;
  /** The container whose failure stopped the task, when one is at fault. */
  culprit?: ContainerState;
  /** Which fact decided the category, for the alert's evidence. */
  decidedBy: string;
  /** The evidence family that decided (stop-rules.ts): a text family id, `stopCode:CODE`, an exit reading, `status` or `none`. */
  family: string;
  /** When an AWS API error code given as the reason decided: the code (api-error-codes.ts). */
  apiErrorCode?: string;
}

export interface ClassifyOptions {
  /** Essential container names from the task definition, when enrichment found it. */
  essentialContainers?: ReadonlySet<string>;
}

/** 126: the command is not executable; 127: it does not exist. The container never ran its program. */
const COMMAND_NOT_RUNNABLE = new Set([126, 127]);

const ACTIVE_STATUSES = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING']);

/** Stop code → category, from the rules' `stopCodes`. */
const STOP_CODE_CATEGORIES: ReadonlyMap<string, StopCategory> = new Map(
  Object.entries(STOP_RULES).flatMap(([category, rule]) =>
    (rule.evidence.stopCodes ?? []).map((code) => [code, category as StopCategory] as const),
  ),
);

/**
 * Why did this task stop? Evidence is read in this order, the first that decides wins (docs/stop-rules.md):
 * 1. the task's status (not stopped yet);
 * 2. each container's reason, read for failure families (containers in order of suspicion);
 * 3. the task's stoppedReason: task-reason families first when the stop was decided outside the task (scheduler,
 *    user, Spot), failure families first otherwise;
 * 4. the stop code alone;
 * 5. the containers' exit codes, read with the task's group;
 * 6. UNKNOWN.
 */
export function classifyStop(task: TaskStateChange, options: ClassifyOptions = {}): StopDiagnosis {
  const isStop =
    task.lastStatus === 'STOPPED' || task.desiredStatus === 'STOPPED' || !ACTIVE_STATUSES.has(task.lastStatus);
  if (!isStop) {
    return diagnosis(
      'NOT_STOPPED',
      'status',
      `lastStatus ${task.lastStatus}, desiredStatus ${task.desiredStatus ?? '-'}`,
    );
  }

  const suspects = bySuspicion(task.containers, options.essentialContainers);
  for (const { container } of suspects) {
    const match = matchFailure(normalizeReason(container.reason));
    if (match) return fromText(match, `container ${container.name} reason`, container);
  }

  const reason = withoutNames(normalizeReason(task.stoppedReason));
  const fromOutside = STOPPED_FROM_OUTSIDE.has(task.stopCode ?? '');
  const taskReason = fromOutside
    ? (matchTaskReason(reason) ?? matchFailure(reason))
    : (matchFailure(reason) ?? matchTaskReason(reason));
  if (taskReason)
    return fromText(taskReason, 'task stoppedReason', culpritForTaskReason(taskReason.category, suspects));

  const byStopCode = STOP_CODE_CATEGORIES.get(task.stopCode ?? '');
  if (byStopCode) return diagnosis(byStopCode, `stopCode:${task.stopCode}`, `stopCode ${task.stopCode}`);

  return (
    diagnoseExit(task, suspects, reason) ??
    diagnosis(
      'UNKNOWN',
      'none',
      `no rule matched (stopCode ${task.stopCode ?? '-'}, stoppedReason ${JSON.stringify(task.stoppedReason ?? '')})`,
    )
  );
}

function diagnosis(category: StopCategory, family: string, decidedBy: string, culprit?: ContainerState): StopDiagnosis {
  return { category, actionable: STOP_RULES[category].actionable, culprit, decidedBy, family };
}

function fromText(match: FamilyMatch, where: string, culprit?: ContainerState): StopDiagnosis {
  const named = match.apiErrorCode ? `${match.family} ${match.apiErrorCode}` : match.family;
  const result = diagnosis(match.category, match.family, `${where} (${named})`, culprit);
  return match.apiErrorCode ? { ...result, apiErrorCode: match.apiErrorCode } : result;
}

interface Suspect {
  container: ContainerState;
  sidecar: boolean;
}

/**
 * Essential, non-sidecar containers first: when a failure is reported by several containers
 * (an image pull for every container, say), the app container is the one to name.
 */
function bySuspicion(containers: ContainerState[], essential?: ReadonlySet<string>): Suspect[] {
  const suspects = containers.map((container) => {
    const sidecar = looksLikeSidecar(container.name, container.image);
    return { container, sidecar, rank: (essential && !essential.has(container.name) ? 2 : 0) + (sidecar ? 1 : 0) };
  });
  return suspects.sort((a, b) => a.rank - b.rank);
}

function culpritForTaskReason(category: StopCategory, suspects: Suspect[]): ContainerState | undefined {
  if (category === 'HEALTH_CHECK_CONTAINER') {
    return (suspects.find((s) => s.container.healthStatus === 'UNHEALTHY') ?? suspects[0])?.container;
  }
  if (category === 'HEALTH_CHECK_ELB') return suspects[0]?.container;
  return undefined;
}

function byExit(
  category: StopCategory,
  reading: ExitReading,
  decidedBy: string,
  culprit?: ContainerState,
): StopDiagnosis {
  return diagnosis(category, reading, decidedBy, culprit);
}

/**
 * "Essential container in task exited": find the container that exited on its own. A SIGTERM
 * (143), a SIGKILL after the stop timeout (137) or a clean exit (0) of a sidecar are usually ECS
 * stopping the rest of the task, so candidates are tried in this order of suspicion.
 */
function diagnoseExit(task: TaskStateChange, suspects: Suspect[], reason: string): StopDiagnosis | undefined {
  const allSidecars = suspects.every((s) => s.sidecar);
  // When every container looks like a sidecar, they are the app.
  const isApp = (s: Suspect) => allSidecars || !s.sidecar;
  const apps = suspects.filter(isApp);
  const sidecars = suspects.filter((s) => !isApp(s));
  const ordered = [...apps, ...sidecars];
  const essentialExited = task.stopCode === 'EssentialContainerExited' || reason.includes('essential container');

  const failed = ordered.find(
    ({ container: c }) => c.exitCode !== undefined && c.exitCode !== 0 && !isStopSignal(c.exitCode),
  );
  if (failed) {
    const c = failed.container;
    if (COMMAND_NOT_RUNNABLE.has(c.exitCode ?? -1)) {
      return byExit(
        'CONTAINER_START',
        'exit.command-not-runnable',
        `container ${c.name} exit ${c.exitCode}: its command could not run`,
        c,
      );
    }
    return isApp(failed)
      ? byExit('APP_CRASH', 'exit.failed-on-its-own', `container ${c.name} exit code`, c)
      : byExit('DEPENDENCY_EXITED', 'exit.sidecar-failed', `sidecar ${c.name} exit code`, c);
  }

  // Only sidecars report an exit code while the app reports none: the sidecar exited first (the app may never
  // have started, waiting on it), whatever its code.
  const reporting = ordered.filter((s) => s.container.exitCode !== undefined);
  if (reporting.length > 0 && reporting.every((s) => !isApp(s)) && apps.length > 0) {
    const c = (reporting[0] as Suspect).container;
    return byExit(
      'DEPENDENCY_EXITED',
      'exit.only-sidecar-exited',
      `sidecar ${c.name} exit ${c.exitCode}, the app reported none`,
      c,
    );
  }

  const killed = apps.find((s) => s.container.exitCode === 137)?.container;
  if (killed) return byExit('APP_CRASH', 'exit.killed', `container ${killed.name} was killed (exit 137)`, killed);

  const exitedZero = apps.find((s) => s.container.exitCode === 0)?.container;
  if (exitedZero) {
    return task.service === undefined
      ? byExit('COMPLETED', 'exit.zero-standalone', 'standalone task, essential containers exited 0')
      : byExit(
          'APP_CRASH',
          'exit.zero-in-service',
          'service task exited 0 (services are expected to run forever)',
          exitedZero,
        );
  }

  // A container that reported no exit code beside others stopped by signal is the likelier trigger.
  const silent = ordered.find((s) => s.container.exitCode === undefined);
  if (silent && essentialExited) {
    const c = silent.container;
    return isApp(silent)
      ? byExit('APP_CRASH', 'exit.none-reported', `container ${c.name} exited (no exit code reported)`, c)
      : byExit(
          'DEPENDENCY_EXITED',
          'exit.sidecar-none-reported',
          `sidecar ${c.name} exited (no exit code reported)`,
          c,
        );
  }

  // Only the exit codes of a stop (143, or 137 of a sidecar) and no reason: nothing says why.
  return undefined;
}
