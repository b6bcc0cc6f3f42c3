/**
 * Task stops under incident tracking: folded into a rollout already reported, recorded in the
 * service's incident (absorbed, held, or paged alone or as a restart loop), and Spot interruptions
 * counted towards a storm. Enrichment runs only when a stop pages.
 */
import { VersionConflictError } from '../adapters/state-store';
import { buildTaskStoppedAlert } from '../domain/alerts/build-task-alert';
import type { TaskStateChange } from '../domain/events/task-event';
import { pages, recordStop, type StopRecord, type Transition } from '../domain/incidents/incident';
import { type FoldedDeployment, foldStop, rolloutKey } from '../domain/rollouts/rollout-incident';
import type { StopDiagnosis } from '../domain/stops/classify-stop';
import { enrichedAlert } from './enrich-task';
import { errorMessage } from './shared/budget';
import { advance, ContentionError, type IncidentDeps, readState } from './shared/incident-flow';
import type { TaskStoppedDeps, TaskStoppedOutcome } from './task-stopped-deps';

/** Claim lease: longer than one invocation (30 s timeout), shorter than Lambda's first retry. */
export const CLAIM_LEASE_SECONDS = 45;

/** Spot interruptions of one service within the loop window that make a storm worth a page. */
export const SPOT_STORM_THRESHOLD = 5;

/**
 * One stop into its incident: folded into a rollout already reported, absorbed by an open incident,
 * held for the group wait, or paged (alone or as a restart loop). Enrichment runs only when it pages.
 */
export async function recordInIncident(
  task: TaskStateChange,
  first: StopDiagnosis,
  deps: TaskStoppedDeps,
  incidents: IncidentDeps,
): Promise<TaskStoppedOutcome> {
  const { config, log, counter } = deps;
  const bare = buildTaskStoppedAlert(task, first, undefined, config.severityOverrides);

  const deployment = task.startedBy?.startsWith('ecs-svc/') ? task.startedBy : undefined;
  if (deployment) {
    const rollout = await incidents.store.get<FoldedDeployment | undefined>(rolloutKey(deployment), undefined);
    if (rollout.value) {
      await advanceRollout(deployment, task, incidents);
      counter.count('StopsFolded');
      log.info('Stop folded into the rollout incident', {
        taskArn: task.taskArn,
        incidentId: rollout.value.incidentId,
      });
      return { status: 'folded', alert: { ...bare, incidentId: rollout.value.incidentId } };
    }
  }

  const scope = incidentScope(task);
  const stop = stopRecord(task, first);
  const current = await readState(scope, incidents);
  const preview = recordStop(scope, current.value, stop, bare, incidents.policy);
  let alert = pages(preview) ? await enrichedAlert(task, first, deps) : bare;
  const record = (known?: typeof current) =>
    advance(
      scope,
      (state, now) => {
        const decided = recordStop(scope, state, stop, alert, incidents.policy, { now });
        // Another invocation changed the incident since the preview, and now this stop pages.
        if (alert === bare && pages(decided)) throw new NeedsEnrichment();
        return decided;
      },
      incidents,
      alert,
      known,
    );
  let transition: Awaited<ReturnType<typeof record>>;
  try {
    transition = await record(current);
  } catch (error) {
    if (!(error instanceof NeedsEnrichment)) throw error;
    alert = await enrichedAlert(task, first, deps);
    transition = await record();
  }

  const effect = transition.effects.find(
    (e) => e.type !== 'check-quiet' && e.type !== 'closed-silently' && e.type !== 'page-held',
  );
  const incidentId = transition.state.incident?.id ?? alert.incidentId;
  switch (effect?.type) {
    case 'page-single':
    case 'page-loop':
      return { status: 'published', alert: { ...alert, incidentId } };
    case 'hold':
      counter.count('AlertsHeld');
      return { status: 'held', alert: { ...alert, incidentId } };
    case 'duplicate':
      counter.count('DuplicateEvents');
      return { status: 'duplicate', alert };
    default:
      counter.count('StopsAbsorbed');
      log.info('Stop absorbed by the open incident', { taskArn: task.taskArn, incidentId });
      return { status: 'absorbed', alert: { ...alert, incidentId } };
  }
}

/** Thrown out of a decision that pages with an alert not yet enriched: enrich, then decide again. */
class NeedsEnrichment extends Error {
  override readonly name = 'NeedsEnrichment';
}

async function advanceRollout(deployment: string, task: TaskStateChange, incidents: IncidentDeps): Promise<void> {
  for (let attempt = 1; attempt <= 10; attempt++) {
    const { value, version } = await incidents.store.get<FoldedDeployment | undefined>(
      rolloutKey(deployment),
      undefined,
    );
    if (!value) return;
    try {
      await incidents.store.put(rolloutKey(deployment), foldStop(value, task.taskArn), version, 7 * 24 * 3600);
      return;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
    }
  }
}

/**
 * Spot interruptions are routine one by one, but counted per service: `threshold` of them within the
 * window page once as a Spot storm. Returns the outcome when this interruption paged, else undefined.
 */
export async function recordSpotInterruption(
  task: TaskStateChange,
  first: StopDiagnosis,
  deps: TaskStoppedDeps,
): Promise<TaskStoppedOutcome | undefined> {
  const incidents = incidentDeps(deps);
  // Claimed like any counted stop: a redelivery must not count twice towards a storm.
  if ((await incidents.store.claimEvent(task.eventId, CLAIM_LEASE_SECONDS)) === 'duplicate') return undefined;
  const scope = spotScope(task);
  // The team, so that a storm page reaches the team's filtered subscription (one cached lookup).
  const team = await deps.ecs
    .serviceTags(task.clusterArn, task.service ?? '', AbortSignal.timeout(deps.config.enrichmentBudgetMs))
    .then((tags) => tags[deps.config.teamTagKey] || undefined)
    .catch(() => undefined);
  const bare = { ...buildTaskStoppedAlert(task, first, undefined, deps.config.severityOverrides), team };
  const stop = stopRecord(task, first);
  const policy = { ...incidents.policy, threshold: Math.max(SPOT_STORM_THRESHOLD, incidents.policy.threshold) };
  let transition: Transition;
  try {
    transition = await advance(
      scope,
      (state, now) => recordStop(scope, state, stop, bare, policy, { pageSingleStops: false, now, anyRevision: true }),
      { ...incidents, policy },
      bare,
    );
  } catch (error) {
    await incidents.store.releaseEvent(task.eventId).catch(() => undefined);
    // A burst of interruptions of one service contends for its item; an interruption that could not
    // be counted is still routine: log and count it, never dead-letter it. Anything else (a storm page
    // that SNS refused, a timer SQS refused) fails the invocation, so that Lambda's retry finishes it.
    if (!(error instanceof ContentionError)) throw error;
    deps.counter.count('SpotInterruptionsNotCounted');
    deps.log.warn('Spot interruption not counted towards a storm', {
      taskArn: task.taskArn,
      reason: errorMessage(error),
    });
    return undefined;
  }
  await incidents.store.completeEvent(task.eventId).catch(() => undefined);
  if (!transition.effects.some((e) => e.type === 'page-loop')) return undefined;
  deps.log.info('Spot storm paged', { taskArn: task.taskArn, incidentId: transition.state.incident?.id });
  return { status: 'published', alert: { ...bare, incidentId: transition.state.incident?.id ?? bare.incidentId } };
}

/** Spot interruptions of a service are counted apart from its failures: they are another story. */
export function spotScope(task: TaskStateChange): string {
  return `${incidentScope(task)}#spot`;
}

/** Stops of one service (or one standalone task family) in one cluster share an incident. */
export function incidentScope(task: TaskStateChange): string {
  return `${task.cluster}/${task.service ?? task.group ?? task.taskDefinition.split(':')[0]}`;
}

function stopRecord(task: TaskStateChange, diagnosis: StopDiagnosis): StopRecord {
  return {
    eventId: task.eventId,
    at: task.stoppedAt ?? task.time,
    taskArn: task.taskArn,
    taskDefinition: task.taskDefinition,
    category: diagnosis.category,
    culprit: diagnosis.culprit?.name,
    reason: diagnosis.culprit?.reason ?? task.stoppedReason,
    exitCode: diagnosis.culprit?.exitCode,
  };
}

export function incidentDeps(deps: TaskStoppedDeps): IncidentDeps {
  const incidents = deps.incidents;
  const policy = deps.config.incidents?.policy;
  if (!incidents || !policy) throw new Error('incident tracking needs a state store, timers and a loop policy');
  return { ...incidents, publisher: deps.publisher, policy, log: deps.log, counter: deps.counter };
}
