/**
 * Which task definition revisions a failed deployment is compared with (pure): the revision the
 * circuit breaker rolls back to, else the one another listed deployment runs.
 */
import type { DeploymentFacts, ServiceFacts } from '../capacity/facts';

/** The deployment the circuit breaker started to roll back to: the PRIMARY one, when rollback is on. */
export function rollbackDeployment(
  service: Pick<ServiceFacts, 'circuitBreaker' | 'deployments'> | undefined,
  failedId: string,
): DeploymentFacts | undefined {
  if (!service || service.circuitBreaker?.rollback === false) return undefined;
  return service.deployments.find((d) => d.id !== failedId && d.status === 'PRIMARY');
}

export interface FailedDeploymentRevisions {
  /** The failed deployment's task definition (from the service, else from one of its stopped tasks). */
  failedArn?: string;
  /** What it is compared with: the rollback's revision, else another deployment's other revision. */
  previousArn?: string;
  rollback?: DeploymentFacts;
}

export function failedDeploymentRevisions(
  service: Pick<ServiceFacts, 'circuitBreaker' | 'deployments'> | undefined,
  failedId: string,
  stoppedTaskDefinitionArn?: string,
): FailedDeploymentRevisions {
  const failed = service?.deployments.find((d) => d.id === failedId);
  const rollback = rollbackDeployment(service, failedId);
  const failedArn = failed?.taskDefinitionArn ?? stoppedTaskDefinitionArn;
  const previousArn =
    rollback?.taskDefinitionArn ??
    service?.deployments.find((d) => d.id !== failedId && d.taskDefinitionArn !== failedArn)?.taskDefinitionArn;
  return { failedArn, previousArn, rollback };
}
