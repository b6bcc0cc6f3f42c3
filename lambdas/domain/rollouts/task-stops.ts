import type { TaskStateChange } from '../events/task-event';
import { classifyStop } from '../stops/classify-stop';
import { type StopSummary, summariseStops } from '../stops/stopped-task-summary';
import type { TaskDefinitionFacts } from '../stops/task-definition';

/**
 * Why the tasks of a deployment (or of a service) stopped: each classified with the task definition's
 * essential flags when it is known, summarised with the memory limits it sets (or, without it, those the
 * tasks report).
 */
export function summariseTaskStops(
  tasks: TaskStateChange[],
  taskDefinition: TaskDefinitionFacts | undefined,
  noun = 'new tasks',
): StopSummary {
  const essentialContainers = taskDefinition
    ? new Set(taskDefinition.containers.filter((c) => c.essential).map((c) => c.name))
    : undefined;
  const stops = tasks.map((task) => ({ task, diagnosis: classifyStop(task, { essentialContainers }) }));
  const limitOf = (container: string) =>
    taskDefinition?.containers.find((c) => c.name === container)?.memoryHardMiB ??
    tasks.flatMap((t) => t.containers).find((c) => c.name === container && c.memory !== undefined)?.memory;
  return summariseStops(stops, noun, limitOf);
}
