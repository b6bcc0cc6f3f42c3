import { DETAIL_TYPES, type EcsEnvelope, type EventOrigin } from './ecs-event';
import { InvalidEventError } from './invalid-event';
import { MAX_REASON_CHARS, optionalString, optionalTimestamp, requireString } from './read-fields';
import { type ServiceRef, serviceOfResources } from './service-arn';

/** One `ECS Deployment State Change` event (ecs_service_deployment_events docs). */
export interface DeploymentStateChange extends ServiceRef, EventOrigin {
  /** INFO or ERROR. */
  eventType: string;
  /** SERVICE_DEPLOYMENT_IN_PROGRESS, SERVICE_DEPLOYMENT_COMPLETED, SERVICE_DEPLOYMENT_FAILED, or a future name. */
  eventName: string;
  /** `ecs-svc/123...`: for a rollback, the new deployment that rolls back. */
  deploymentId: string;
  updatedAt?: string;
  reason?: string;
}

export function parseDeploymentStateChange(envelope: EcsEnvelope): DeploymentStateChange {
  if (envelope.detailType !== DETAIL_TYPES.deploymentStateChange) {
    throw new InvalidEventError(
      'event.detail-type',
      `expected "${DETAIL_TYPES.deploymentStateChange}", got "${envelope.detailType}"`,
    );
  }
  const service = serviceOfResources(envelope.resources);
  if (!service) throw new InvalidEventError('event.resources', 'expected the ARN of the ECS service');
  const d = envelope.detail;
  const missing = [...envelope.missing];
  // Written out, not spread: a spread ahead of the other fields made the object ~10x slower (bench/classify.ts).
  return {
    serviceArn: service.serviceArn,
    service: service.service,
    cluster: service.cluster,
    clusterArn: service.clusterArn,
    eventId: envelope.id,
    account: envelope.account,
    region: envelope.region,
    time: envelope.time,
    missing,
    eventType: requireString(d, 'eventType', 'detail'),
    eventName: requireString(d, 'eventName', 'detail'),
    deploymentId: requireString(d, 'deploymentId', 'detail'),
    updatedAt: optionalTimestamp(d, 'updatedAt', 'detail', missing),
    reason: optionalString(d, 'reason', 'detail', MAX_REASON_CHARS),
  };
}
