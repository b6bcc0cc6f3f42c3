import { VersionConflictError } from '../adapters/state-store';
import type { Alert } from '../domain/alerts/alert';
import type { DeploymentStateChange } from '../domain/events/deployment-event';
import { parseDeploymentStateChange } from '../domain/events/deployment-event';
import { DETAIL_TYPES, parseEnvelope } from '../domain/events/ecs-event';
import { InvalidEventError } from '../domain/events/invalid-event';
import type { ServiceAction } from '../domain/events/service-action-event';
import { parseServiceAction } from '../domain/events/service-action-event';
import { closeOnSteadyState, foldIntoRollout } from '../domain/incidents/incident';
import { type FoldedDeployment, rolloutKey } from '../domain/rollouts/rollout-incident';
import { processDeployment } from './process-deployment';
import { processServiceAction } from './process-service-action';
import type { RolloutDeps } from './rollout-deps';
import { advance } from './shared/incident-flow';
import { rejectInvalid } from './shared/invalid-input';

export type { RolloutDeps } from './rollout-deps';

export type RolloutOutcome =
  | { status: 'published'; alert: Alert; messageId: string }
  | { status: 'routine' | 'duplicate'; alert?: Alert }
  | { status: 'invalid'; error: InvalidEventError };

const CLAIM_LEASE_SECONDS = 45;
const ROLLOUT_TTL_SECONDS = 7 * 24 * 3600;

/**
 * `ECS Deployment State Change` and `ECS Service Action` events: parse → classify → (worth telling only)
 * gather facts within the budget → publish one alert. Publish failures propagate (Lambda retries, then DLQ).
 * Dedupe and incident state (a later state store) slot in at {@link deliver}.
 */
export async function processRollout(raw: unknown, deps: RolloutDeps): Promise<RolloutOutcome> {
  let parsed: Parsed;
  try {
    const envelope = parseEnvelope(raw, new Date((deps.incidents?.now ?? Date.now)()).toISOString());
    if (envelope.detailType === DETAIL_TYPES.deploymentStateChange) {
      parsed = { kind: 'deployment', event: parseDeploymentStateChange(envelope) };
    } else if (envelope.detailType === DETAIL_TYPES.serviceAction) {
      parsed = { kind: 'service-action', event: parseServiceAction(envelope) };
    } else {
      throw new InvalidEventError(
        'event.detail-type',
        `expected "${DETAIL_TYPES.deploymentStateChange}" or "${DETAIL_TYPES.serviceAction}", got "${envelope.detailType}"`,
      );
    }
  } catch (error) {
    return { status: 'invalid', error: rejectInvalid(error, raw, deps.log, deps.counter) };
  }
  const incidents = deps.incidents;
  if (!incidents) return handle(parsed, deps);
  const eventId = parsed.event.eventId;
  if ((await incidents.store.claimEvent(eventId, CLAIM_LEASE_SECONDS)) === 'duplicate') {
    deps.counter.count('DuplicateEvents');
    deps.log.info('Duplicate event: already handled', { eventId });
    return { status: 'duplicate' };
  }
  try {
    const outcome = await handle(parsed, deps);
    await incidents.store.completeEvent(eventId);
    return outcome;
  } catch (error) {
    await incidents.store.releaseEvent(eventId).catch(() => undefined);
    throw error;
  }
}

type Parsed =
  | { kind: 'deployment'; event: ReturnType<typeof parseDeploymentStateChange> }
  | { kind: 'service-action'; event: ReturnType<typeof parseServiceAction> };

async function handle(parsed: Parsed, deps: RolloutDeps): Promise<RolloutOutcome> {
  if (parsed.kind === 'service-action' && parsed.event.eventName === 'SERVICE_STEADY_STATE') {
    await closeServiceIncident(parsed.event, deps);
  }
  const result =
    parsed.kind === 'deployment'
      ? await processDeployment(parsed.event, deps)
      : await processServiceAction(parsed.event, deps);
  if (!result.publish) {
    deps.counter.count(parsed.kind === 'deployment' ? 'RoutineDeploymentEvents' : 'InformationalServiceActions');
    deps.log.info('Nothing to report: not alerting', {
      eventId: parsed.event.eventId,
      eventName: parsed.event.eventName,
      category: result.alert.category,
    });
    return { status: 'routine', alert: result.alert };
  }
  // Remembered before publishing: the record is idempotent, so a failed publish retried later finds it
  // already there, and the deployment's task stops fold into the rollout from the start.
  let alert = result.alert;
  if (parsed.kind === 'deployment' && parsed.event.eventName === 'SERVICE_DEPLOYMENT_FAILED') {
    await rememberFailedDeployment(parsed.event.deploymentId, alert, deps);
    alert = await foldServiceIncident(parsed.event, alert, deps);
  }
  return deliver(alert, deps);
}

/** The failed revision's open incident (a restart loop, usually) becomes part of the rollout story. */
async function foldServiceIncident(event: DeploymentStateChange, alert: Alert, deps: RolloutDeps): Promise<Alert> {
  const incidents = deps.incidents;
  const policy = deps.config.incidents?.policy;
  const revision = alert.taskDefinition;
  if (!incidents || !policy || !event.cluster || !revision) return alert;
  const flow = { ...incidents, publisher: deps.publisher, policy, log: deps.log, counter: deps.counter };
  const transition = await advance(
    `${event.cluster}/${event.service}`,
    (state, now) => foldIntoRollout(state, revision, now),
    flow,
  );
  const folded = transition.folded;
  if (!folded) return alert;
  const fact = {
    label: 'Folded in',
    value: `${folded.kind === 'RESTART_LOOP' ? 'restart loop' : 'incident'} ${folded.id}: ${folded.stopCount} stops of ${revision} since ${folded.openedAt}`,
  };
  return { ...alert, evidence: { ...alert.evidence, facts: [...alert.evidence.facts, fact] } };
}

/** A steady state ends the service's open incident: a restart loop announces its recovery. */
async function closeServiceIncident(event: ServiceAction, deps: RolloutDeps): Promise<void> {
  const incidents = deps.incidents;
  const policy = deps.config.incidents?.policy;
  const service = event.service?.service;
  if (!incidents || !policy || !event.cluster || !service) return;
  const scope = `${event.cluster}/${service}`;
  const flow = { ...incidents, publisher: deps.publisher, policy, log: deps.log, counter: deps.counter };
  // The service's failure incident and its Spot-storm incident (see process-task-stopped).
  await advance(scope, (state) => closeOnSteadyState(state, event.time), flow);
  await advance(`${scope}#spot`, (state) => closeOnSteadyState(state, event.time, { onlyPaged: true }), flow);
}

/** Task stops of a failed deployment fold into its rollout incident instead of paging one by one. */
async function rememberFailedDeployment(deploymentId: string, alert: Alert, deps: RolloutDeps): Promise<void> {
  const store = deps.incidents?.store;
  if (!store) return;
  const record: FoldedDeployment = {
    incidentId: alert.incidentId,
    deploymentId,
    reportedAt: alert.occurredAt,
    foldedStops: 0,
    recentTasks: [],
  };
  try {
    await store.put(rolloutKey(deploymentId), record, 0, ROLLOUT_TTL_SECONDS);
  } catch (error) {
    // Already remembered (a retry of this event): keep the stops folded so far.
    if (!(error instanceof VersionConflictError)) throw error;
  }
}

/** The one place an alert leaves: where a state store will dedupe by dedupeKey and update incidents. */
async function deliver(alert: Alert, deps: RolloutDeps): Promise<RolloutOutcome> {
  const { log, counter } = deps;
  if (alert.enrichmentErrors.length > 0) {
    counter.count('EnrichmentErrors', alert.enrichmentErrors.length);
    log.warn('Enrichment incomplete; alerting without it', {
      incidentId: alert.incidentId,
      enrichmentErrors: alert.enrichmentErrors,
    });
  }
  const messageId = await deps.publisher.publish(alert);
  counter.count('AlertsPublished');
  log.info('Alert published', {
    kind: alert.kind,
    category: alert.category,
    severity: alert.severity,
    incidentId: alert.incidentId,
    messageId,
  });
  return { status: 'published', alert, messageId };
}
