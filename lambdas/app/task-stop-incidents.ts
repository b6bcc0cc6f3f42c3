/**
 * Task stops under incident tracking: folded into a rollout already reported, recorded in the
 * service's incident (absorbed, held, or paged alone or as a restart loop), and Spot interruptions
 * counted towards a storm. Enrichment runs only when a stop pages.
 */
import { buildTaskStoppedAlert } from '../domain/alerts/build-task-alert';
import type { TaskStateChange } from '../domain/events/task-event';
import {
  EMPTY_STATE,
  pages,
  recordSpotInterruption,
  recordStop,
  type ServiceState,
  type StopRecord,
  spotStormPolicy,
} from '../domain/incidents/incident';
import type { Versioned } from '../domain/incidents/incident-store';
import { ROLLOUT_TTL_SECONDS, scopeKey } from '../domain/incidents/keys';
import { type FoldedDeployment, foldStop, rolloutKey } from '../domain/rollouts/rollout-incident';
import type { StopDiagnosis } from '../domain/stops/classify-stop';
import { enrichedAlert } from './enrich-task';
import { advance, type ClaimedEvent, commitAlerts, type IncidentDeps, oncePerEvent } from './incidents/engine';
import { clock, iso } from './incidents/outbox';
import { ContentionError, throttled, withRetries } from './incidents/retry';
import { errorMessage } from './shared/budget';
import type { TaskStoppedDeps, TaskStoppedOutcome } from './task-stopped-deps';

/**
 * One actionable stop, once per event: folded into a rollout already reported, absorbed by an open
 * incident, held for the group wait, or paged (alone or as a restart loop).
 */
export function handleActionableStop(
  task: TaskStateChange,
  first: StopDiagnosis,
  deps: TaskStoppedDeps,
): Promise<TaskStoppedOutcome> {
  const incidents = incidentDeps(deps);
  const bare = buildTaskStoppedAlert(task, first, undefined, deps.config.severityOverrides);
  return oncePerEvent(
    task.eventId,
    incidents,
    (event) => recordInIncident(task, first, deps, incidents, event),
    () => ({ status: 'duplicate', alert: bare }),
  );
}

async function recordInIncident(
  task: TaskStateChange,
  first: StopDiagnosis,
  deps: TaskStoppedDeps,
  incidents: IncidentDeps,
  event: ClaimedEvent,
): Promise<TaskStoppedOutcome> {
  const { config, log, counter } = deps;
  const bare = buildTaskStoppedAlert(task, first, undefined, config.severityOverrides);
  const scope = incidentScope(task);
  const deployment = task.startedBy?.startsWith('ecs-svc/') ? task.startedBy : undefined;
  // The incident and the rollout it may fold into, in one round trip.
  const keys = [scopeKey(scope), ...(deployment ? [rolloutKey(deployment)] : [])];
  const [current, rollout] = (await throttled(
    scope,
    () => incidents.store.getMany<unknown>(keys, undefined),
    incidents,
  )) as [Versioned<ServiceState | undefined>, Versioned<FoldedDeployment | undefined>?];
  if (deployment && rollout?.value) {
    await foldIntoDeployment(deployment, task, rollout as Versioned<FoldedDeployment>, incidents, event);
    counter.count('StopsFolded');
    log.info('Stop folded into the rollout incident', { taskArn: task.taskArn, incidentId: rollout.value.incidentId });
    return { status: 'folded', alert: { ...bare, incidentId: rollout.value.incidentId } };
  }

  const known = { value: current.value ?? EMPTY_STATE, version: current.version };
  const stop = stopRecord(task, first);
  const preview = recordStop(scope, known.value, stop, bare, incidents.policy);
  let alert = pages(preview) ? await enrichedAlert(task, first, deps) : bare;
  const record = (state?: Versioned<ServiceState>) =>
    advance(
      scope,
      (state, now) => {
        const decided = recordStop(scope, state, stop, alert, incidents.policy, { now });
        // Another invocation changed the incident since the preview, and now this stop pages.
        if (alert === bare && pages(decided)) throw new NeedsEnrichment();
        return decided;
      },
      incidents,
      { latest: alert, known: state, event },
    );
  let transition: Awaited<ReturnType<typeof record>>;
  try {
    transition = await record(known);
  } catch (error) {
    if (!(error instanceof NeedsEnrichment)) throw error;
    alert = await enrichedAlert(task, first, deps);
    transition = await record();
  }

  const effect = transition.effects.find(
    (e) => e.type !== 'check-quiet' && e.type !== 'closed-silently' && e.type !== 'page-held' && e.type !== 'drop-held',
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

/** Counts the stop in the rollout incident, in the same commit that completes the event. */
async function foldIntoDeployment(
  deployment: string,
  task: TaskStateChange,
  known: Versioned<FoldedDeployment>,
  incidents: IncidentDeps,
  event: ClaimedEvent,
): Promise<void> {
  let read: Versioned<FoldedDeployment | undefined> | undefined = known;
  await withRetries(
    deployment,
    async () => {
      const { value, version } =
        read ?? (await incidents.store.get<FoldedDeployment | undefined>(rolloutKey(deployment), undefined));
      read = undefined;
      const folded = value && foldStop(value, task.taskArn);
      const writes =
        folded && folded !== value
          ? [{ key: rolloutKey(deployment), value: folded, expectedVersion: version, ttlSeconds: ROLLOUT_TTL_SECONDS }]
          : [];
      await commitAlerts(
        { now: iso(clock(incidents)), writes, newAlerts: [], release: [], drop: [] },
        incidents,
        event,
      );
    },
    incidents,
  );
}

/**
 * Spot interruptions are routine one by one, but counted per service: a storm of them pages once.
 * Returns the outcome when this interruption paged, else undefined.
 */
export async function recordSpotStop(
  task: TaskStateChange,
  first: StopDiagnosis,
  deps: TaskStoppedDeps,
): Promise<TaskStoppedOutcome | undefined> {
  const incidents = incidentDeps(deps);
  // Claimed like any counted stop: a redelivery must not count twice towards a storm.
  return oncePerEvent(
    task.eventId,
    incidents,
    async (event) => {
      const scope = spotScope(task);
      // The team, so that a storm page reaches the team's filtered subscription (one cached lookup).
      const team = await deps.ecs
        .serviceTags(task.clusterArn, task.service ?? '', AbortSignal.timeout(deps.config.enrichmentBudgetMs))
        .then((tags) => tags[deps.config.teamTagKey] || undefined)
        .catch(() => undefined);
      const bare = { ...buildTaskStoppedAlert(task, first, undefined, deps.config.severityOverrides), team };
      const stop = stopRecord(task, first);
      const policy = spotStormPolicy(incidents.policy);
      try {
        const transition = await advance(
          scope,
          (state, now) => recordSpotInterruption(scope, state, stop, bare, policy, now),
          incidents,
          { latest: bare, event, policy },
        );
        if (!transition.effects.some((e) => e.type === 'page-loop')) return undefined;
        deps.log.info('Spot storm paged', { taskArn: task.taskArn, incidentId: transition.state.incident?.id });
        const incidentId = transition.state.incident?.id ?? bare.incidentId;
        return { status: 'published' as const, alert: { ...bare, incidentId } };
      } catch (error) {
        // A burst of interruptions of one service contends for its item; an interruption that could not
        // be counted is still routine: log and count it, never dead-letter it.
        if (!(error instanceof ContentionError)) throw error;
        deps.counter.count('SpotInterruptionsNotCounted');
        deps.log.warn('Spot interruption not counted towards a storm', {
          taskArn: task.taskArn,
          reason: errorMessage(error),
        });
        return undefined;
      }
    },
    () => undefined,
  );
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
