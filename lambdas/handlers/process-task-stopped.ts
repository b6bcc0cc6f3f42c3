import type { AlertPublisher } from '../adapters/alert-publisher';
import type { Alert } from '../domain/alert';
import { buildTaskStoppedAlert } from '../domain/build-task-alert';
import { classifyStop } from '../domain/classify-stop';
import { parseEnvelope } from '../domain/ecs-event';
import type { InvalidEventError } from '../domain/invalid-event';
import { parseTaskStateChange, type TaskStateChange } from '../domain/task-event';
import { type EnrichDeps, enrichTask } from './enrich-task';
import { rejectInvalid } from './shared/invalid-input';
import type { Counter, Log } from './shared/telemetry';

export interface TaskStoppedDeps extends EnrichDeps {
  publisher: AlertPublisher;
  log: Log;
  counter: Counter;
}

export type TaskStoppedOutcome =
  | { status: 'published'; alert: Alert; messageId: string }
  | { status: 'routine' | 'muted'; alert: Alert }
  | { status: 'invalid'; error: InvalidEventError };

/** parse → classify → (actionable only) enrich within the budget → publish one alert. */
export async function processTaskStopped(raw: unknown, deps: TaskStoppedDeps): Promise<TaskStoppedOutcome> {
  const { config, log, counter } = deps;
  let task: TaskStateChange;
  try {
    task = parseTaskStateChange(parseEnvelope(raw));
  } catch (error) {
    return { status: 'invalid', error: rejectInvalid(error, raw, log, counter) };
  }

  const first = classifyStop(task);
  if (!first.actionable) {
    const alert = buildTaskStoppedAlert(task, first, undefined, config.severityOverrides);
    counter.count('RoutineStops');
    log.info('Routine stop: not alerting', {
      taskArn: task.taskArn,
      category: first.category,
      decidedBy: first.decidedBy,
    });
    return { status: 'routine', alert };
  }

  const { diagnosis, enrichment } = await enrichTask(task, first, deps);
  const alert = buildTaskStoppedAlert(task, diagnosis, enrichment, config.severityOverrides);

  if (config.mutedCategories.has(diagnosis.category)) {
    counter.count('MutedAlerts');
    log.info('Muted category: not alerting', { taskArn: task.taskArn, category: diagnosis.category });
    return { status: 'muted', alert };
  }
  if (enrichment.errors.length > 0) {
    counter.count('EnrichmentErrors', enrichment.errors.length);
    log.warn('Enrichment incomplete; alerting without it', {
      taskArn: task.taskArn,
      enrichmentErrors: enrichment.errors,
    });
  }
  const messageId = await deps.publisher.publish(alert);
  counter.count('AlertsPublished');
  log.info('Alert published', { taskArn: task.taskArn, category: alert.category, severity: alert.severity, messageId });
  return { status: 'published', alert, messageId };
}
