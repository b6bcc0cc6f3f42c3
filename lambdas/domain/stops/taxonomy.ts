import { STOP_RULES } from './stop-rules';

/** Why a task stopped. Order here is documentation order, not precedence (docs/stop-rules.md). */
export const STOP_CATEGORIES = [
  'OOM_KILLED',
  'APP_CRASH',
  'HEALTH_CHECK_ELB',
  'HEALTH_CHECK_CONTAINER',
  'IMAGE_PULL',
  'SECRETS_PULL',
  'RESOURCE_INIT',
  'CONTAINER_START',
  'DEPENDENCY_EXITED',
  'TIMEOUT',
  'NO_CAPACITY',
  'HOST_FAILURE',
  'SPOT_INTERRUPTION',
  'PLATFORM_MAINTENANCE',
  'SCALE_IN_OR_DEPLOYMENT',
  'USER_STOPPED',
  'COMPLETED',
  'UNKNOWN',
  'NOT_STOPPED',
] as const;
export type StopCategory = (typeof STOP_CATEGORIES)[number];

export const ALERT_KINDS = [
  'TASK_STOPPED',
  'RESTART_LOOP',
  'RECOVERED',
  'ROLLOUT',
  'SERVICE_ACTION',
  'CAPACITY',
  'SERVICE_HEALTH',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Routine categories publish nothing on their own (each rule's `actionable`, stop-rules.ts). */
export function isActionable(category: StopCategory): boolean {
  return STOP_RULES[category].actionable;
}

export type SeverityOverrides = Partial<Record<string, Severity>>;

/** Standalone tasks (batch jobs) page one step lower than service tasks: no users wait on them. */
export function stopSeverity(category: StopCategory, inService: boolean, overrides: SeverityOverrides = {}): Severity {
  const override = overrides[category];
  if (override) return override;
  const base = STOP_RULES[category].severity;
  if (!inService && base === 'HIGH') return 'MEDIUM';
  return base;
}

export function isStopCategory(value: string): value is StopCategory {
  return (STOP_CATEGORIES as readonly string[]).includes(value);
}

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}
