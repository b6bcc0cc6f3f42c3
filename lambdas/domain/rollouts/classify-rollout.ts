import type { DeploymentStateChange } from '../events/deployment-event';

export const ROLLOUT_CATEGORIES = [
  'ROLLOUT_FAILED',
  'ROLLOUT_ROLLED_BACK',
  'ROLLOUT_COMPLETED',
  'ROLLOUT_IN_PROGRESS',
] as const;
export type RolloutCategory = (typeof ROLLOUT_CATEGORIES)[number];

/** Where a deployment event sits in the story of a rollout. */
export type RolloutStage =
  | 'failed'
  /** The circuit breaker started a rollback deployment (SERVICE_DEPLOYMENT_IN_PROGRESS, "rolling back to"). */
  | 'rollback-started'
  /** The rollback deployment reached a steady state (known only online, see isRollbackCompletion). */
  | 'rollback-completed'
  | 'completed'
  | 'in-progress';

export interface RolloutDiagnosis {
  category: RolloutCategory;
  stage: RolloutStage;
  /** Should a human act: only a failed deployment. */
  actionable: boolean;
  /** A deployment failed by the circuit breaker ("task failed to start" / "tasks failed to start"). */
  circuitBreaker: boolean;
  /** From a rollback event's reason: the deployment the service rolls back to. */
  rollbackTargetDeploymentId?: string;
}

/** Both wordings seen in real events: "task failed to start" (docs) and "tasks failed to start". */
const CIRCUIT_BREAKER_FAILURE = /circuit breaker:?\s*tasks? failed to start/i;
/** "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/123." */
const ROLLING_BACK = /rolling back to (?:deployment ?id|deployment)\s{0,20}:?\s{0,20}(\S{1,200}?)\.?\s{0,20}$/i;

export function isCircuitBreakerFailure(reason: string | undefined): boolean {
  return CIRCUIT_BREAKER_FAILURE.test(reason ?? '');
}

export function rollbackTargetOf(reason: string | undefined): string | undefined {
  return ROLLING_BACK.exec(reason ?? '')?.[1];
}

/** Rollout outcomes as data (docs/stop-rules.md): where each sits in the story, and whether a human acts. */
export const ROLLOUT_OUTCOMES: Readonly<Record<RolloutCategory, { stage: RolloutStage; actionable: boolean }>> = {
  ROLLOUT_FAILED: { stage: 'failed', actionable: true },
  ROLLOUT_ROLLED_BACK: { stage: 'rollback-started', actionable: false },
  ROLLOUT_COMPLETED: { stage: 'completed', actionable: false },
  ROLLOUT_IN_PROGRESS: { stage: 'in-progress', actionable: false },
};

/** Deployment event names (ecs_cwe_events docs) → outcome; SERVICE_DEPLOYMENT_IN_PROGRESS of a rollback is ROLLOUT_ROLLED_BACK. */
const DEPLOYMENT_EVENTS: Readonly<Record<string, RolloutCategory | undefined>> = {
  SERVICE_DEPLOYMENT_FAILED: 'ROLLOUT_FAILED',
  SERVICE_DEPLOYMENT_IN_PROGRESS: 'ROLLOUT_IN_PROGRESS',
  SERVICE_DEPLOYMENT_COMPLETED: 'ROLLOUT_COMPLETED',
};

/** Offline: what a deployment event says on its own (no AWS calls). */
export function classifyDeployment(event: DeploymentStateChange): RolloutDiagnosis {
  const target = rollbackTargetOf(event.reason);
  const rollback = event.eventName === 'SERVICE_DEPLOYMENT_IN_PROGRESS' && target !== undefined;
  // A deployment event ECS adds later: an ERROR is treated as a failure, anything else as progress.
  const category: RolloutCategory = rollback
    ? 'ROLLOUT_ROLLED_BACK'
    : (DEPLOYMENT_EVENTS[event.eventName] ?? (event.eventType === 'ERROR' ? 'ROLLOUT_FAILED' : 'ROLLOUT_IN_PROGRESS'));
  const diagnosis: RolloutDiagnosis = {
    category,
    ...ROLLOUT_OUTCOMES[category],
    circuitBreaker: rollback || isCircuitBreakerFailure(event.reason),
  };
  return rollback ? { ...diagnosis, rollbackTargetDeploymentId: target } : diagnosis;
}

/** A service event message (DescribeServices `events`) and when it was written. */
export interface ServiceEventFact {
  createdAt?: string;
  message: string;
}

const ROLLBACK_MESSAGE = /rolling back|circuit breaker|deployment failed/i;
const LOOKBACK_MS = 2 * 60_000;

/**
 * SERVICE_DEPLOYMENT_COMPLETED does not say whether the deployment was a rollback, and once the rollback is
 * steady the failed deployment is gone from DescribeServices. The service's own event log still has the
 * "deployment failed" / "rolling back" messages: a completion is a rollback completion when such a message
 * was written since shortly before the completed deployment was created.
 */
export function isRollbackCompletion(deploymentCreatedAt: string | undefined, events: ServiceEventFact[]): boolean {
  const since = deploymentCreatedAt ? Date.parse(deploymentCreatedAt) - LOOKBACK_MS : Number.NaN;
  if (Number.isNaN(since)) return false;
  return events.some((e) => ROLLBACK_MESSAGE.test(e.message) && e.createdAt && Date.parse(e.createdAt) >= since);
}

/**
 * One incident per rollout story (docs/architecture.md). The rollback deployment is the only id that both "rollback
 * started" and "rollback completed" carry, so it anchors the incident; the failed-deployment alert joins it
 * when DescribeServices shows the rollback deployment, and otherwise anchors on the failed deployment.
 * A state store (later) can map the failed deployment to the same incident when the lookup missed.
 */
export function rolloutIncidentId(cluster: string | undefined, service: string, anchorDeploymentId: string): string {
  return `rollout/${cluster ?? '-'}/${service}/${anchorDeploymentId}`;
}
