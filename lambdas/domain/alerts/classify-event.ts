import { parseDeploymentStateChange } from '../events/deployment-event';
import { DETAIL_TYPES, parseEnvelope } from '../events/ecs-event';
import { InvalidEventError } from '../events/invalid-event';
import { parseServiceAction } from '../events/service-action-event';
import { parseTaskStateChange } from '../events/task-event';
import { classifyDeployment } from '../rollouts/classify-rollout';
import { classifyStop } from '../stops/classify-stop';
import type { SeverityOverrides } from '../stops/taxonomy';
import { buildRolloutAlert } from './build-rollout-alert';
import { buildServiceActionAlert, type ServiceActionAlert } from './build-service-action-alert';
import { buildTaskStoppedAlert } from './build-task-alert';

/**
 * Offline classification of any supported ECS event into the alert it would produce before
 * enrichment: what `ecs-watchdog classify` prints. Throws InvalidEventError for bad input.
 */
export function classifyEvent(raw: unknown, severityOverrides: SeverityOverrides = {}): ServiceActionAlert {
  const envelope = parseEnvelope(raw);
  switch (envelope.detailType) {
    case DETAIL_TYPES.taskStateChange: {
      const task = parseTaskStateChange(envelope);
      return buildTaskStoppedAlert(task, classifyStop(task), undefined, severityOverrides);
    }
    case DETAIL_TYPES.deploymentStateChange: {
      const deployment = parseDeploymentStateChange(envelope);
      return buildRolloutAlert(deployment, classifyDeployment(deployment), undefined, severityOverrides);
    }
    case DETAIL_TYPES.serviceAction:
      return buildServiceActionAlert(parseServiceAction(envelope), undefined, severityOverrides);
    default:
      throw new InvalidEventError(
        'event.detail-type',
        `unsupported detail-type "${envelope.detailType}" (supported: ${Object.values(DETAIL_TYPES).join(', ')})`,
      );
  }
}
