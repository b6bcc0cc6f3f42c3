import type { Alert } from '../domain/alert';
import { parseDeploymentStateChange } from '../domain/deployment-event';
import { DETAIL_TYPES, parseEnvelope } from '../domain/ecs-event';
import { InvalidEventError } from '../domain/invalid-event';
import { parseServiceAction } from '../domain/service-action-event';
import { processDeployment } from './process-deployment';
import { processServiceAction } from './process-service-action';
import type { RolloutDeps } from './rollout-deps';
import { rejectInvalid } from './shared/invalid-input';

export type { RolloutDeps } from './rollout-deps';

export type RolloutOutcome =
  | { status: 'published'; alert: Alert; messageId: string }
  | { status: 'routine'; alert: Alert }
  | { status: 'invalid'; error: InvalidEventError };

/**
 * `ECS Deployment State Change` and `ECS Service Action` events: parse → classify → (worth telling only)
 * gather facts within the budget → publish one alert. Publish failures propagate (Lambda retries, then DLQ).
 * Dedupe and incident state (a later state store) slot in at {@link deliver}.
 */
export async function processRollout(raw: unknown, deps: RolloutDeps): Promise<RolloutOutcome> {
  let parsed:
    | { kind: 'deployment'; event: ReturnType<typeof parseDeploymentStateChange> }
    | { kind: 'service-action'; event: ReturnType<typeof parseServiceAction> };
  try {
    const envelope = parseEnvelope(raw);
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
  return deliver(result.alert, deps);
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
