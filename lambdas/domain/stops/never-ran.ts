import type { TaskStateChange } from '../events/task-event';

/**
 * Whether a container of a stopped task never ran: the task failed to start (stop code
 * `TaskFailedToStart`: the image, its secrets, a volume or the network could not be set up) and the
 * container reports no exit code. Such a container wrote no log line: there is no log stream to read.
 */
export function neverRan(task: Pick<TaskStateChange, 'stopCode' | 'containers'>, container: string): boolean {
  if (task.stopCode !== 'TaskFailedToStart') return false;
  const state = task.containers.find((c) => c.name === container);
  return state !== undefined && state.exitCode === undefined;
}
