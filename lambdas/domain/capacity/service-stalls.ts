/**
 * Failures that send no event (pure): what the capacity scan can tell from the DescribeServices (and,
 * for lifecycle hooks, DescribeServiceDeployments) answers it already reads. A service that never
 * starts a task emits no stop event; a rolling deployment without a circuit breaker that never
 * finishes emits nothing more once it started. These are the conditions that hold at one scan; how
 * long each has held, and whether it pages, is decided by stall-incidents.ts against the stored state.
 */
import type { Severity } from '../stops/taxonomy';
import type { DeploymentFacts, LifecycleHookFacts, ServiceDeploymentFacts, ServiceFacts } from './facts';
import { tagOf } from './facts';

/** The checks: each keeps at most one incident per service (per deployment for the deployment ones). */
export type StallCheck = 'SHORTFALL' | 'SLOW_DEPLOYMENT' | 'LIFECYCLE_HOOK';

export const STALL_CATEGORIES = {
  notRunning: 'SERVICE_NOT_RUNNING',
  belowDesired: 'SERVICE_BELOW_DESIRED',
  slowDeployment: 'DEPLOYMENT_TOO_SLOW',
  hookWaiting: 'DEPLOYMENT_HOOK_WAITING',
  hookFailed: 'DEPLOYMENT_HOOK_FAILED',
  recovered: 'SERVICE_HEALTH_RESTORED',
} as const;

export type StallCategory = Exclude<
  (typeof STALL_CATEGORIES)[keyof typeof STALL_CATEGORIES],
  'SERVICE_HEALTH_RESTORED'
>;

export const STALL_SEVERITY: Record<StallCategory, Severity> = {
  SERVICE_NOT_RUNNING: 'CRITICAL',
  SERVICE_BELOW_DESIRED: 'HIGH',
  DEPLOYMENT_TOO_SLOW: 'HIGH',
  DEPLOYMENT_HOOK_FAILED: 'HIGH',
  DEPLOYMENT_HOOK_WAITING: 'MEDIUM',
};

/** The categories that page (the `severityOverrides` setting accepts them). */
export const STALL_CATEGORY_NAMES = Object.keys(STALL_SEVERITY) as StallCategory[];

/** A category's severity: the `severityOverrides` setting's, else the default. */
export function stallSeverity(
  category: StallCategory,
  overrides: Readonly<Partial<Record<string, Severity>>> = {},
): Severity {
  return overrides[category] ?? STALL_SEVERITY[category];
}

/** Hook statuses that mean the deployment waits on the hook, and those that mean it failed. */
const HOOK_WAITING = new Set(['IN_PROGRESS', 'AWAITING_ACTION']);
const HOOK_FAILED = new Set(['FAILED', 'TIMED_OUT']);

export interface StallObservation {
  /** The incident's identity: `shortfall:SERVICE_ARN`, `deployment:SERVICE_ARN:ID`, `hook:SERVICE_DEPLOYMENT_ARN`. */
  key: string;
  check: StallCheck;
  category: StallCategory;
  cluster: string;
  service: string;
  serviceArn: string;
  team?: string;
  /** ISO time the condition started when the data says so (a deployment's createdAt); else the scan's first sight. */
  startedAt?: string;
  /** Pages at the first scan that sees it: a hook that failed or timed out has nothing left to wait for. */
  immediate: boolean;
  /**
   * The condition holds but may not open an incident now: a service below desired (not at zero) while a
   * deployment progresses is expected to be replacing tasks. An incident already open stays open.
   */
  deferred: boolean;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  taskDefinitionArn?: string;
  deployment?: DeploymentFacts;
  hook?: { serviceDeploymentArn: string; lifecycleStage?: string; hooks: LifecycleHookFacts[] };
  /** The service's latest events (newest first, at most 3): what ECS said about it. */
  recentEvents: string[];
}

const RECENT_EVENTS = 3;

/** Whether a deployment of the service is under way (rolling: IN_PROGRESS; other controllers: more than one deployment). */
export function deploymentProgressing(service: Pick<ServiceFacts, 'deployments'>): boolean {
  if (service.deployments.some((d) => d.rolloutState === 'IN_PROGRESS')) return true;
  return service.deployments.length > 1 && service.deployments.every((d) => d.rolloutState === undefined);
}

/** Every condition that holds at this scan, for every active service. */
export function observeStalls(
  services: readonly ServiceFacts[],
  serviceDeployments: readonly ServiceDeploymentFacts[],
  teamTagKey: string,
): StallObservation[] {
  const hooksByService = new Map<string, ServiceDeploymentFacts[]>();
  for (const d of serviceDeployments) {
    hooksByService.set(d.serviceArn, [...(hooksByService.get(d.serviceArn) ?? []), d]);
  }
  const observations: StallObservation[] = [];
  for (const service of services) {
    if (service.status !== undefined && service.status !== 'ACTIVE') continue;
    const base = baseOf(service, teamTagKey);
    const shortfall = shortfallOf(service, base);
    if (shortfall) observations.push(shortfall);
    for (const deployment of service.deployments) {
      if (deployment.rolloutState !== 'IN_PROGRESS') continue;
      observations.push({
        ...base,
        key: `deployment:${service.serviceArn}:${deployment.id}`,
        check: 'SLOW_DEPLOYMENT',
        category: STALL_CATEGORIES.slowDeployment,
        startedAt: deployment.createdAt,
        immediate: false,
        deferred: false,
        deployment,
        taskDefinitionArn: deployment.taskDefinitionArn ?? service.taskDefinitionArn,
      });
    }
    for (const d of hooksByService.get(service.serviceArn) ?? []) {
      const hook = hookObservation(d, base);
      if (hook) observations.push(hook);
    }
  }
  return observations;
}

type Base = Omit<StallObservation, 'key' | 'check' | 'category' | 'immediate' | 'deferred'>;

function baseOf(service: ServiceFacts, teamTagKey: string): Base {
  return {
    cluster: service.cluster,
    service: service.service,
    serviceArn: service.serviceArn,
    team: tagOf(service, teamTagKey),
    desiredCount: service.desiredCount,
    runningCount: service.runningCount,
    pendingCount: service.pendingCount,
    taskDefinitionArn: service.taskDefinitionArn,
    recentEvents: service.events
      .slice(0, RECENT_EVENTS)
      .map((e) => (e.createdAt ? `${e.createdAt} ${e.message}` : e.message)),
  };
}

function shortfallOf(service: ServiceFacts, base: Base): StallObservation | undefined {
  if (service.desiredCount <= 0 || service.runningCount >= service.desiredCount) return undefined;
  const none = service.runningCount === 0;
  const progressing = deploymentProgressing(service);
  return {
    ...base,
    key: `shortfall:${service.serviceArn}`,
    check: 'SHORTFALL',
    category: none ? STALL_CATEGORIES.notRunning : STALL_CATEGORIES.belowDesired,
    immediate: false,
    // Nothing running is an outage whatever is deploying; a partial shortfall is what a deployment does.
    deferred: !none && progressing,
    deployment: service.deployments.find((d) => d.status === 'PRIMARY'),
  };
}

function hookObservation(d: ServiceDeploymentFacts, base: Base): StallObservation | undefined {
  const failed = d.hooks.filter((h) => HOOK_FAILED.has(h.status ?? ''));
  const waiting = d.hooks.filter((h) => HOOK_WAITING.has(h.status ?? ''));
  if (failed.length === 0 && waiting.length === 0) return undefined;
  return {
    ...base,
    key: `hook:${d.serviceDeploymentArn}`,
    check: 'LIFECYCLE_HOOK',
    category: failed.length > 0 ? STALL_CATEGORIES.hookFailed : STALL_CATEGORIES.hookWaiting,
    immediate: failed.length > 0,
    deferred: false,
    hook: {
      serviceDeploymentArn: d.serviceDeploymentArn,
      lifecycleStage: d.lifecycleStage,
      hooks: [...failed, ...waiting],
    },
  };
}

/** Services whose lifecycle hooks the scan must read: hooks configured and a deployment under way. */
export function servicesWithHooksToRead(services: readonly ServiceFacts[]): ServiceFacts[] {
  return services.filter(
    (s) => (s.lifecycleHooks ?? 0) > 0 && s.currentServiceDeployment !== undefined && deploymentProgressing(s),
  );
}
