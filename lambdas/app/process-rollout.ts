import type { Alert } from '../domain/alerts/alert';
import type { DeploymentStateChange } from '../domain/events/deployment-event';
import { parseDeploymentStateChange } from '../domain/events/deployment-event';
import { DETAIL_TYPES, parseEnvelope } from '../domain/events/ecs-event';
import { InvalidEventError } from '../domain/events/invalid-event';
import type { ServiceAction } from '../domain/events/service-action-event';
import { parseServiceAction } from '../domain/events/service-action-event';
import { closeOnSteadyState, foldIntoRollout } from '../domain/incidents/incident';
import type { ItemWrite } from '../domain/incidents/incident-store';
import { ROLLOUT_TTL_SECONDS } from '../domain/incidents/keys';
import { type FoldedDeployment, rolloutKey } from '../domain/rollouts/rollout-incident';
import { advance, type ClaimedEvent, type IncidentDeps, oncePerEvent, queueAndDeliver } from './incidents/engine';
import { withRetries } from './incidents/retry';
import { processDeployment } from './process-deployment';
import { processServiceAction } from './process-service-action';
import type { RolloutDeps } from './rollout-deps';
import { rejectInvalid } from './shared/invalid-input';

export type { RolloutDeps } from './rollout-deps';

export type RolloutOutcome =
  /** Queued in the outbox and published (`messageId`), or left for the sweep when SNS refused it. */
  | { status: 'published'; alert: Alert; messageId?: string }
  | { status: 'routine' | 'duplicate'; alert?: Alert }
  | { status: 'invalid'; error: InvalidEventError };

/**
 * `ECS Deployment State Change` and `ECS Service Action` events: parse → classify → (worth telling only)
 * gather facts within the budget → queue one alert in the outbox and publish it (README "Delivery"):
 * once per event, as for task stops; a publish that fails is retried by the sweep, not by Lambda.
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
  const flow = incidentFlow(deps);
  if (!flow) return handle(parsed, deps);
  return oncePerEvent(
    parsed.event.eventId,
    flow,
    (event) => handle(parsed, deps, { flow, event }),
    () => ({ status: 'duplicate' }),
  );
}

/** The incident engine's dependencies, when the deployment tracks incidents. */
function incidentFlow(deps: RolloutDeps): IncidentDeps | undefined {
  const policy = deps.config.incidents?.policy;
  if (!deps.incidents || !policy) return undefined;
  return { ...deps.incidents, publisher: deps.publisher, policy, log: deps.log, counter: deps.counter };
}

interface Tracking {
  flow: IncidentDeps;
  event: ClaimedEvent;
}

type Parsed =
  | { kind: 'deployment'; event: ReturnType<typeof parseDeploymentStateChange> }
  | { kind: 'service-action'; event: ReturnType<typeof parseServiceAction> };

async function handle(parsed: Parsed, deps: RolloutDeps, tracking?: Tracking): Promise<RolloutOutcome> {
  if (tracking && parsed.kind === 'service-action' && parsed.event.eventName === 'SERVICE_STEADY_STATE') {
    await closeServiceIncident(parsed.event, tracking.flow);
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
  let alert = result.alert;
  if (alert.enrichmentErrors.length > 0) {
    deps.counter.count('EnrichmentErrors', alert.enrichmentErrors.length);
    deps.log.warn('Enrichment incomplete; alerting without it', {
      incidentId: alert.incidentId,
      enrichmentErrors: alert.enrichmentErrors,
    });
  }
  if (!tracking) return publishAlone(alert, deps);
  const failed = parsed.kind === 'deployment' && parsed.event.eventName === 'SERVICE_DEPLOYMENT_FAILED';
  if (failed) alert = await foldServiceIncident(parsed.event as DeploymentStateChange, alert, tracking.flow);
  // The failed deployment is remembered in the commit that queues its alert: from then on, its task
  // stops fold into the rollout instead of paging one by one.
  const deploymentId = failed ? (parsed.event as DeploymentStateChange).deploymentId : undefined;
  const reported = await withRetries(
    alert.incidentId,
    async () => {
      const writes = deploymentId ? await rememberFailedDeployment(deploymentId, alert, tracking.flow) : [];
      if (writes === ALREADY_REPORTED) return true;
      await queueAndDeliver([alert], tracking.flow, { writes, event: tracking.event });
      return false;
    },
    tracking.flow,
  );
  if (reported) {
    // ECS can report one failure twice (two events, two wordings): the deployment pages once.
    deps.counter.count('RepeatedRolloutFailures');
    deps.log.info('Deployment failure already reported: not alerting again', {
      eventId: parsed.event.eventId,
      deploymentId,
      incidentId: alert.incidentId,
    });
    return { status: 'duplicate', alert };
  }
  return { status: 'published', alert };
}

/** The failed revision's open incident (a restart loop, usually) becomes part of the rollout story. */
async function foldServiceIncident(event: DeploymentStateChange, alert: Alert, flow: IncidentDeps): Promise<Alert> {
  const revision = alert.taskDefinition;
  if (!event.cluster || !revision) return alert;
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
async function closeServiceIncident(event: ServiceAction, flow: IncidentDeps): Promise<void> {
  const service = event.service?.service;
  if (!event.cluster || !service) return;
  const scope = `${event.cluster}/${service}`;
  // The service's failure incident and its Spot-storm incident (see task-stop-incidents).
  await advance(scope, (state) => closeOnSteadyState(state, event.time), flow);
  await advance(`${scope}#spot`, (state) => closeOnSteadyState(state, event.time, { onlyPaged: true }), flow);
}

const ALREADY_REPORTED = 'already reported';

/**
 * The rollout record task stops fold into, to write with the alert. A record already there was written
 * with the page of another event about the same deployment (a retry of this one is a duplicate claim).
 */
async function rememberFailedDeployment(
  deploymentId: string,
  alert: Alert,
  flow: IncidentDeps,
): Promise<ItemWrite[] | typeof ALREADY_REPORTED> {
  const existing = await flow.store.get<FoldedDeployment | undefined>(rolloutKey(deploymentId), undefined);
  if (existing.value) return ALREADY_REPORTED;
  const record: FoldedDeployment = {
    incidentId: alert.incidentId,
    deploymentId,
    reportedAt: alert.occurredAt,
    foldedStops: 0,
    recentTasks: [],
  };
  return [{ key: rolloutKey(deploymentId), value: record, expectedVersion: 0, ttlSeconds: ROLLOUT_TTL_SECONDS }];
}

/** Without incident tracking (the CLI's replay without a table): publish at once. */
async function publishAlone(alert: Alert, deps: RolloutDeps): Promise<RolloutOutcome> {
  const messageId = await deps.publisher.publish(alert);
  deps.counter.count('AlertsPublished');
  deps.log.info('Alert published', {
    kind: alert.kind,
    category: alert.category,
    severity: alert.severity,
    incidentId: alert.incidentId,
    messageId,
  });
  return { status: 'published', alert, messageId };
}
