import type { Alert } from './alert';
import { buildTaskStoppedAlert } from './build-task-alert';
import { classifyStop } from './classify-stop';
import { DETAIL_TYPES, parseEnvelope } from './ecs-event';
import { InvalidEventError } from './invalid-event';
import { parseTaskStateChange } from './task-event';
import type { SeverityOverrides } from './taxonomy';

/**
 * Offline classification of any supported ECS event into the alert it would produce before
 * enrichment: what `ecs-watchdog classify` prints. Throws InvalidEventError for bad input.
 */
export function classifyEvent(raw: unknown, severityOverrides: SeverityOverrides = {}): Alert {
  const envelope = parseEnvelope(raw);
  switch (envelope.detailType) {
    case DETAIL_TYPES.taskStateChange: {
      const task = parseTaskStateChange(envelope);
      return buildTaskStoppedAlert(task, classifyStop(task), undefined, severityOverrides);
    }
    default:
      throw new InvalidEventError(
        'event.detail-type',
        `unsupported detail-type "${envelope.detailType}" (supported: ${Object.values(DETAIL_TYPES).join(', ')})`,
      );
  }
}
