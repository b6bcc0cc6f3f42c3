import { DETAIL_TYPES, type EcsEnvelope, type EventOrigin } from './ecs-event';
import { InvalidEventError } from './invalid-event';
import { optionalArray, optionalString, requireString } from './read-fields';
import { type ServiceRef, serviceOfResources } from './service-arn';
import { lastSegment } from './task-event';

/** One `ECS Service Action` event (ecs_service_events docs). */
export interface ServiceAction extends EventOrigin {
  /** INFO, WARN or ERROR. */
  eventType: string;
  /** SERVICE_TASK_PLACEMENT_FAILURE, SERVICE_STEADY_STATE, ... or a name ECS adds later. */
  eventName: string;
  clusterArn: string;
  cluster: string;
  /** The service the event is about, from `resources` (absent for events about other resources). */
  service?: ServiceRef;
  createdAt?: string;
  /** Placement and configuration failures: e.g. `RESOURCE:FARGATE`, `RESOURCE:CPU`. */
  reason?: string;
  capacityProviderArns: string[];
  /** Every other scalar field of `detail`, as given: the raw facts for events we do not know yet. */
  otherFields: Record<string, string>;
}

const KNOWN_FIELDS = new Set(['eventType', 'eventName', 'clusterArn', 'createdAt', 'reason', 'capacityProviderArns']);

export function parseServiceAction(envelope: EcsEnvelope): ServiceAction {
  if (envelope.detailType !== DETAIL_TYPES.serviceAction) {
    throw new InvalidEventError(
      'event.detail-type',
      `expected "${DETAIL_TYPES.serviceAction}", got "${envelope.detailType}"`,
    );
  }
  const d = envelope.detail;
  const clusterArn = requireString(d, 'clusterArn', 'detail');
  const capacityProviderArns = optionalArray(d, 'capacityProviderArns', 'detail').filter(
    (arn): arn is string => typeof arn === 'string',
  );
  const otherFields: Record<string, string> = {};
  for (const [key, value] of Object.entries(d)) {
    if (KNOWN_FIELDS.has(key)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      otherFields[key] = String(value);
    } else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      otherFields[key] = value.join(', ');
    }
  }
  // Written out, not spread: a spread ahead of the other fields made the object ~10x slower (bench/classify.ts).
  return {
    eventId: envelope.id,
    account: envelope.account,
    region: envelope.region,
    time: envelope.time,
    eventType: requireString(d, 'eventType', 'detail'),
    eventName: requireString(d, 'eventName', 'detail'),
    clusterArn,
    cluster: lastSegment(clusterArn),
    service: serviceOfResources(envelope.resources),
    createdAt: optionalString(d, 'createdAt', 'detail'),
    reason: optionalString(d, 'reason', 'detail'),
    capacityProviderArns,
    otherFields,
  };
}
