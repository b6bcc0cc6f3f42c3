import type { Fact } from '../alerts/alert';

/** Which runbook cause a verdict names; the generic next steps of the same cause give way to the verdict's. */
export type HealthCause =
  | 'grace-period'
  | 'check-config'
  | 'security-group'
  | 'app-unhealthy'
  | 'zone'
  | 'start-period'
  | 'check-command';

/** The one-line answer: what most likely made the health check fail. */
export interface Verdict {
  cause: HealthCause;
  /** A few words for the alert subject, in place of the category's generic cause, e.g. `404 on /healthz`. */
  short: string;
  /** The verdict line, e.g. `the target returned 404 on /healthz: the path or the matcher is wrong`. */
  line: string;
  /** Concrete steps for this cause, first in the alert. */
  steps: string[];
}

/** Evidence facts, the verdict when the evidence names a cause, and next steps ordered by it. */
export interface HealthCheckDiagnosis {
  verdict?: Verdict;
  facts: Fact[];
  nextSteps: string[];
}

interface GenericStep {
  cause: HealthCause;
  text: string;
}

/** The runbook's first checks when nothing narrower is known (README: what an alert looks like). */
export const ELB_HEALTH_CHECK_STEPS: readonly GenericStep[] = [
  {
    cause: 'check-config',
    text: 'Check the target group health check path, port and success codes match what the app serves.',
  },
  { cause: 'grace-period', text: 'If the app starts slowly, raise the service healthCheckGracePeriodSeconds.' },
  {
    cause: 'security-group',
    text: 'Check the task security group allows traffic from the load balancer on the container port.',
  },
];

export const CONTAINER_HEALTH_CHECK_STEPS: readonly GenericStep[] = [
  {
    cause: 'check-command',
    text: 'Run the container healthCheck command inside a running task (ECS Exec) and check it exits 0.',
  },
  {
    cause: 'check-command',
    text: 'Check the health check tool exists in the image (curl/wget are often missing in slim images).',
  },
  { cause: 'start-period', text: 'If the app starts slowly, raise the health check startPeriod.' },
];

/** The verdict's own steps first, then the generic checks of the other causes (all of them without a verdict). */
export function orderedSteps(generic: readonly GenericStep[], verdict: Verdict | undefined): string[] {
  if (!verdict) return generic.map((s) => s.text);
  return [...verdict.steps, ...generic.filter((s) => s.cause !== verdict.cause).map((s) => s.text)];
}

/** `38 s`, `4 min 10 s`, `2 h 5 min`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 120) return s % 60 === 0 ? `${minutes} min` : `${minutes} min ${s % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** Seconds between two ISO times, or undefined when either is missing or unreadable. */
export function secondsBetween(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

/**
 * How long after the earliest moment the check could have failed a task that never passed it still
 * counts as "killed at once": one more check interval, and time for ECS to see the target unhealthy
 * and act on it.
 */
export const SCHEDULER_REACTION_SECONDS = 30;
