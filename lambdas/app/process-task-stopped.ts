import { buildTaskStoppedAlert } from '../domain/alerts/build-task-alert';
import { parseEnvelope } from '../domain/events/ecs-event';
import { parseTaskStateChange, type TaskStateChange } from '../domain/events/task-event';
import { classifyStop, type StopDiagnosis } from '../domain/stops/classify-stop';
import { enrichedAlert } from './enrich-task';
import { recordHistory, stopEntry } from './history';
import { rejectInvalid } from './shared/invalid-input';
import { countPage } from './shared/telemetry';
import { handleActionableStop, recordSpotStop } from './task-stop-incidents';
import type { TaskStoppedDeps, TaskStoppedOutcome } from './task-stopped-deps';

export type { TaskStoppedDeps, TaskStoppedOutcome } from './task-stopped-deps';

/** parse → classify → (actionable only) incident decision → enrich within the budget when it pages → publish. */
export async function processTaskStopped(raw: unknown, deps: TaskStoppedDeps): Promise<TaskStoppedOutcome> {
  const { config, log, counter } = deps;
  let task: TaskStateChange;
  try {
    task = parseTaskStateChange(parseEnvelope(raw, new Date((deps.incidents?.now ?? Date.now)()).toISOString()));
  } catch (error) {
    return { status: 'invalid', error: rejectInvalid(error, raw, log, counter) };
  }

  const first = classifyStop(task);
  await recordHistory([stopEntry(task, first)], { history: deps.incidents?.history, log, counter });
  if (
    first.category === 'SPOT_INTERRUPTION' &&
    deps.incidents &&
    task.service &&
    !config.mutedCategories.has(first.category)
  ) {
    const storm = await recordSpotStop(task, first, deps);
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

  counter.count('ActionableStops');
  if (!deps.incidents) return publishAlone(task, first, deps);
  return handleActionableStop(task, first, deps);
}

async function publishAlone(
  task: TaskStateChange,
  first: StopDiagnosis,
  deps: TaskStoppedDeps,
): Promise<TaskStoppedOutcome> {
  const alert = await enrichedAlert(task, first, deps);
  const messageId = await deps.publisher.publish(alert);
  deps.counter.count('AlertsPublished');
  countPage(deps.counter, alert);
  deps.log.info('Alert published', {
    taskArn: task.taskArn,
    category: alert.category,
    severity: alert.severity,
    messageId,
  });
  return { status: 'published', alert, messageId };
}
