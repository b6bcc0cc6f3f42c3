import type { AlertPublisher } from '../adapters/alert-publisher';
import { type StateStore, VersionConflictError } from '../adapters/state-store';
import type { TimerQueue } from '../adapters/timer-queue';
import type { Alert } from '../domain/alert';
import { buildTaskStoppedAlert } from '../domain/build-task-alert';
import { classifyStop, type StopDiagnosis } from '../domain/classify-stop';
import { parseEnvelope } from '../domain/ecs-event';
import { pages, recordStop, type StopRecord } from '../domain/incident';
import type { InvalidEventError } from '../domain/invalid-event';
import { type FoldedDeployment, foldStop, rolloutKey } from '../domain/rollout-incident';
import { parseTaskStateChange, type TaskStateChange } from '../domain/task-event';
import { type EnrichDeps, enrichTask } from './enrich-task';
import { advance, type IncidentDeps, readState } from './shared/incident-flow';
import { rejectInvalid } from './shared/invalid-input';
import type { Counter, Log } from './shared/telemetry';

export interface TaskStoppedDeps extends EnrichDeps {
  publisher: AlertPublisher;
  log: Log;
  counter: Counter;
  /** The incident store and timers; without them every actionable stop pages on its own. */
  incidents?: { store: StateStore; timers: TimerQueue; now?: () => number };
}

export type TaskStoppedOutcome =
  | { status: 'published'; alert: Alert; messageId?: string }
  | { status: 'routine' | 'muted' | 'held' | 'absorbed' | 'folded' | 'duplicate'; alert: Alert }
  | { status: 'invalid'; error: InvalidEventError };

/** Spot interruptions of one service within the loop window that make a storm worth a page. */
export const SPOT_STORM_THRESHOLD = 5;

/** Claim lease: longer than one invocation (30 s timeout), shorter than Lambda's first retry. */
const CLAIM_LEASE_SECONDS = 45;

/** parse → classify → (actionable only) incident decision → enrich within the budget when it pages → publish. */
export async function processTaskStopped(raw: unknown, deps: TaskStoppedDeps): Promise<TaskStoppedOutcome> {
  const { config, log, counter } = deps;
  let task: TaskStateChange;
  try {
    task = parseTaskStateChange(parseEnvelope(raw));
  } catch (error) {
    return { status: 'invalid', error: rejectInvalid(error, raw, log, counter) };
  }

  const first = classifyStop(task);
  if (
    first.category === 'SPOT_INTERRUPTION' &&
    deps.incidents &&
    task.service &&
    !config.mutedCategories.has(first.category)
  ) {
    const storm = await recordSpotInterruption(task, first, deps);
    if (storm) return storm;
  }
  if (!first.actionable || config.mutedCategories.has(first.category)) {
    const alert = buildTaskStoppedAlert(task, first, undefined, config.severityOverrides);
    const status = first.actionable ? 'muted' : 'routine';
    counter.count(first.actionable ? 'MutedAlerts' : 'RoutineStops');
    log.info(first.actionable ? 'Muted category: not alerting' : 'Routine stop: not alerting', {
      taskArn: task.taskArn,
      category: first.category,
      decidedBy: first.decidedBy,
    });
    return { status, alert };
  }

  if (!deps.incidents) return publishAlone(task, first, deps);
  const incidents = incidentDeps(deps);
  const claim = await incidents.store.claimEvent(task.eventId, CLAIM_LEASE_SECONDS);
  if (claim === 'duplicate') {
    counter.count('DuplicateEvents');
    log.info('Duplicate event: already handled', { eventId: task.eventId, taskArn: task.taskArn });
    return { status: 'duplicate', alert: buildTaskStoppedAlert(task, first, undefined, config.severityOverrides) };
  }
  try {
    const outcome = await recordInIncident(task, first, deps, incidents);
    await incidents.store.completeEvent(task.eventId);
    return outcome;
  } catch (error) {
    // Give the claim back so that the retry is not mistaken for a duplicate; the lease covers a failed release.
    await incidents.store.releaseEvent(task.eventId).catch(() => undefined);
    throw error;
  }
}

async function publishAlone(
  task: TaskStateChange,
  first: StopDiagnosis,
  deps: TaskStoppedDeps,
): Promise<TaskStoppedOutcome> {
  const alert = await enrichedAlert(task, first, deps);
  const messageId = await deps.publisher.publish(alert);
  deps.counter.count('AlertsPublished');
  deps.log.info('Alert published', {
    taskArn: task.taskArn,
    category: alert.category,
    severity: alert.severity,
    messageId,
  });
  return { status: 'published', alert, messageId };
}

async function enrichedAlert(task: TaskStateChange, first: StopDiagnosis, deps: TaskStoppedDeps): Promise<Alert> {
  const { diagnosis, enrichment } = await enrichTask(task, first, deps);
  if (enrichment.errors.length > 0) {
    deps.counter.count('EnrichmentErrors', enrichment.errors.length);
    deps.log.warn('Enrichment incomplete; alerting without it', {
      taskArn: task.taskArn,
      enrichmentErrors: enrichment.errors,
    });
  }
  return buildTaskStoppedAlert(task, diagnosis, enrichment, deps.config.severityOverrides);
}

/**
 * One stop into its incident: folded into a rollout already reported, absorbed by an open incident,
 * held for the group wait, or paged (alone or as a restart loop). Enrichment runs only when it pages.
 */
async function recordInIncident(
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
  const alert = pages(preview) ? await enrichedAlert(task, first, deps) : bare;
  const transition = await advance(
    scope,
    (state, now) => recordStop(scope, state, stop, alert, incidents.policy, { now }),
    incidents,
    alert,
    current,
  );

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
async function recordSpotInterruption(
  task: TaskStateChange,
  first: StopDiagnosis,
  deps: TaskStoppedDeps,
): Promise<TaskStoppedOutcome | undefined> {
  const incidents = incidentDeps(deps);
  const scope = spotScope(task);
  const bare = buildTaskStoppedAlert(task, first, undefined, deps.config.severityOverrides);
  const stop = stopRecord(task, first);
  const policy = { ...incidents.policy, threshold: Math.max(SPOT_STORM_THRESHOLD, incidents.policy.threshold) };
  const transition = await advance(
    scope,
    (state, now) => recordStop(scope, state, stop, bare, policy, { pageSingleStops: false, now }),
    { ...incidents, policy },
    bare,
  );
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

function incidentDeps(deps: TaskStoppedDeps): IncidentDeps {
  const incidents = deps.incidents;
  const policy = deps.config.incidents?.policy;
  if (!incidents || !policy) throw new Error('incident tracking needs a state store, timers and a loop policy');
  return { ...incidents, publisher: deps.publisher, policy, log: deps.log, counter: deps.counter };
}
