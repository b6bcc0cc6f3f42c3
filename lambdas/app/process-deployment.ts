import type { EnrichmentError } from '../domain/alerts/alert';
import { buildRolloutAlert, type RolloutFacts } from '../domain/alerts/build-rollout-alert';
import { type ServiceFacts, tagOf } from '../domain/capacity/facts';
import type { DeploymentStateChange } from '../domain/events/deployment-event';
import { lastSegment, type TaskStateChange } from '../domain/events/task-event';
import { classifyDeployment, isRollbackCompletion, type RolloutDiagnosis } from '../domain/rollouts/classify-rollout';
import { failedDeploymentRevisions } from '../domain/rollouts/deployment-revisions';
import { summariseTaskStops } from '../domain/rollouts/task-stops';
import type { TaskDefinitionFacts } from '../domain/stops/task-definition';
import { diffRevisions } from '../domain/stops/task-definition-diff';
import { enrichmentDeadline, type Processed, type RolloutDeps } from './rollout-deps';
import { withinBudget } from './shared/budget';

/**
 * A failed deployment gets the whole story; a rollback start or completion is reported on the same
 * incident; a routine progress or completion publishes nothing.
 */
export async function processDeployment(event: DeploymentStateChange, deps: RolloutDeps): Promise<Processed> {
  const diagnosis = classifyDeployment(event);
  const build = (d: RolloutDiagnosis, facts?: RolloutFacts) =>
    buildRolloutAlert(event, d, facts, deps.config.severityOverrides);
  switch (diagnosis.stage) {
    case 'failed':
      return { alert: build(diagnosis, await failureFacts(event, deps)), publish: true };
    case 'rollback-started':
      return { alert: build(diagnosis, await rollbackFacts(event, deps)), publish: true };
    case 'completed': {
      const { facts, rollback } = await completionFacts(event, deps);
      if (!rollback) return { alert: build(diagnosis, facts), publish: false };
      const completed: RolloutDiagnosis = {
        ...diagnosis,
        category: 'ROLLOUT_ROLLED_BACK',
        stage: 'rollback-completed',
      };
      return { alert: build(completed, facts), publish: true };
    }
    default:
      return { alert: build(diagnosis), publish: false };
  }
}

const revisionOf = (arn: string | undefined) => (arn ? lastSegment(arn) : undefined);

function teamOf(service: ServiceFacts | undefined, deps: RolloutDeps): string | undefined {
  return service && tagOf(service, deps.config.teamTagKey);
}

function noCluster(event: DeploymentStateChange): EnrichmentError[] {
  return [
    {
      lookup: 'service',
      message: `the service ARN ${event.serviceArn} does not name its cluster (short ARN format): nothing could be looked up`,
    },
  ];
}

/** The failed deployment: its revision, why its tasks died, what changed, and where it rolled back to. */
async function failureFacts(event: DeploymentStateChange, deps: RolloutDeps): Promise<RolloutFacts> {
  const { cluster } = event;
  if (!cluster) return { serviceEvents: [], errors: noCluster(event) };
  const remaining = enrichmentDeadline(deps);
  const first = await withinBudget<{ service: ServiceFacts; 'stopped tasks': TaskStateChange[] }>(
    {
      service: (signal) => deps.services.service(cluster, event.service, signal),
      'stopped tasks': (signal) =>
        deps.services.stoppedTasksStartedBy(cluster, event.deploymentId, event.account, event.region, signal),
    },
    remaining(),
  );
  const service = first.results.service;
  const tasks = first.results['stopped tasks'];
  const { failedArn, previousArn, rollback } = failedDeploymentRevisions(
    service,
    event.deploymentId,
    tasks?.[0]?.taskDefinitionArn,
  );

  const second = await withinBudget<{
    'failed revision': TaskDefinitionFacts;
    'previous revision': TaskDefinitionFacts;
  }>(
    {
      'failed revision': failedArn ? (signal) => deps.ecs.taskDefinition(failedArn, signal) : undefined,
      'previous revision': previousArn ? (signal) => deps.ecs.taskDefinition(previousArn, signal) : undefined,
    },
    remaining(),
  );
  const failedSettings = second.results['failed revision'];
  const previousSettings = second.results['previous revision'];
  const errors = [...first.errors, ...second.errors];
  if (service && !previousArn) errors.push({ lookup: 'previous revision', message: 'no other deployment is listed' });

  return {
    revision: failedSettings?.taskDefinition ?? revisionOf(failedArn),
    previousRevision: previousSettings?.taskDefinition ?? revisionOf(previousArn),
    rollback: rollback ? { deploymentId: rollback.id, revision: revisionOf(rollback.taskDefinitionArn) } : undefined,
    circuitBreaker: service?.circuitBreaker,
    changes: failedSettings && previousSettings ? diffRevisions(previousSettings, failedSettings) : undefined,
    stops: tasks ? summariseTaskStops(tasks, failedSettings) : undefined,
    serviceEvents: service?.events ?? [],
    runningCount: service?.runningCount,
    desiredCount: service?.desiredCount,
    team: teamOf(service, deps),
    errors,
  };
}

/** Rollback started: the rollback deployment's revision, and the failed deployment still draining. */
async function rollbackFacts(event: DeploymentStateChange, deps: RolloutDeps): Promise<RolloutFacts> {
  const { cluster } = event;
  if (!cluster) return { serviceEvents: [], errors: noCluster(event) };
  const { results, errors } = await withinBudget<{ service: ServiceFacts }>(
    { service: (signal) => deps.services.service(cluster, event.service, signal) },
    enrichmentDeadline(deps)(),
  );
  const service = results.service;
  const self = service?.deployments.find((d) => d.id === event.deploymentId);
  const failed = service?.deployments.find((d) => d.rolloutState === 'FAILED');
  return {
    revision: revisionOf(self?.taskDefinitionArn),
    failed: failed ? { deploymentId: failed.id, revision: revisionOf(failed.taskDefinitionArn) } : undefined,
    circuitBreaker: service?.circuitBreaker,
    serviceEvents: service?.events ?? [],
    runningCount: service?.runningCount,
    desiredCount: service?.desiredCount,
    team: teamOf(service, deps),
    errors,
  };
}

/** A completion is reported only when it completes a rollback (see isRollbackCompletion). */
async function completionFacts(
  event: DeploymentStateChange,
  deps: RolloutDeps,
): Promise<{ facts: RolloutFacts; rollback: boolean }> {
  const { cluster } = event;
  if (!cluster) return { facts: { serviceEvents: [], errors: noCluster(event) }, rollback: false };
  const { results, errors } = await withinBudget<{ service: ServiceFacts }>(
    { service: (signal) => deps.services.service(cluster, event.service, signal) },
    enrichmentDeadline(deps)(),
  );
  const service = results.service;
  const self = service?.deployments.find((d) => d.id === event.deploymentId);
  const events = service?.events ?? [];
  return {
    facts: {
      revision: revisionOf(self?.taskDefinitionArn ?? service?.taskDefinitionArn),
      serviceEvents: events,
      runningCount: service?.runningCount,
      desiredCount: service?.desiredCount,
      team: teamOf(service, deps),
      errors,
    },
    rollback: isRollbackCompletion(self?.createdAt, events),
  };
}
