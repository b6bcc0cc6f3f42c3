import { DETAIL_TYPES, type EcsEnvelope, type EventOrigin } from './ecs-event';
import { InvalidEventError } from './invalid-event';
import {
  boundedText,
  MAX_REASON_CHARS,
  optionalArray,
  optionalString,
  optionalTimestamp,
  requireString,
} from './read-fields';
import { type ServiceRef, serviceOfResources } from './service-arn';
import { requireSegment } from './task-event';

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
  const capacityProviderArns = optionalArray(d, 'capacityProviderArns', 'detail')
    .filter((arn): arn is string => typeof arn === 'string')
    .map((arn) => boundedText(arn));
  const otherFields: Record<string, string> = {};
  for (const [key, value] of Object.entries(d).slice(0, 100)) {
    if (KNOWN_FIELDS.has(key)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      otherFields[boundedText(key, 100)] = boundedText(String(value), MAX_REASON_CHARS);
    } else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      otherFields[boundedText(key, 100)] = boundedText(value.slice(0, 50).join(', '), MAX_REASON_CHARS);
    }
  }
  const missing = [...envelope.missing];
  // Written out, not spread: a spread ahead of the other fields made the object ~10x slower (bench/classify.ts).
  return {
    eventId: envelope.id,
    account: envelope.account,
    region: envelope.region,
    time: envelope.time,
    missing,
    eventType: requireString(d, 'eventType', 'detail'),
    eventName: requireString(d, 'eventName', 'detail'),
    clusterArn,
    cluster: requireSegment(clusterArn, 'detail.clusterArn', 'a cluster ARN ending in cluster/NAME', 'cluster'),
    service: serviceOfResources(envelope.resources),
    createdAt: optionalTimestamp(d, 'createdAt', 'detail', missing),
    reason: optionalString(d, 'reason', 'detail', MAX_REASON_CHARS),
    capacityProviderArns,
    otherFields,
  };
}
