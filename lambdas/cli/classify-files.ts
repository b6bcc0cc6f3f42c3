import { errorMessage } from '../app/shared/budget';
import { classifyEvent } from '../domain/alerts/classify-event';
import { InvalidEventError } from '../domain/events/invalid-event';
import { readEventFile } from './read-event-file';

/** One printed line of `ecs-watchdog classify`. */
export interface ClassifiedLine {
  file: string;
  index?: number;
  eventId?: string;
  kind: string;
  category: string;
  actionable: boolean;
  severity: string;
  culpritContainer: string | null;
  title: string;
  summary: string;
  /** SERVICE_TASK_PLACEMENT_FAILURE only: why ECS could not place the task (e.g. RESOURCE:CPU). */
  placementCause?: string;
}

export interface FileProblem {
  file: string;
  problem: string;
}

/** Reads one file holding an event or a JSON array of events. */
export function readEvents(file: string): unknown[] {
  const parsed = readEventFile(file);
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** Classifies every event of every file, offline; problems are collected, never fatal. */
export function classifyFiles(files: string[]): { lines: ClassifiedLine[]; problems: FileProblem[] } {
  const lines: ClassifiedLine[] = [];
  const problems: FileProblem[] = [];
  for (const file of files) {
    let events: unknown[];
    try {
      events = readEvents(file);
    } catch (error) {
      problems.push({ file, problem: error instanceof InvalidEventError ? error.problem : errorMessage(error) });
      continue;
    }
    const many = events.length > 1;
    events.forEach((event, index) => {
      try {
        const alert = classifyEvent(event);
        lines.push({
          file,
          ...(many ? { index } : {}),
          eventId: typeof event === 'object' && event && 'id' in event ? String(event.id) : undefined,
          kind: alert.kind,
          category: alert.category,
          actionable: alert.actionable,
          severity: alert.severity,
          culpritContainer: alert.culpritContainer ?? null,
          title: alert.title,
          summary: alert.summary,
          ...(alert.placementCause ? { placementCause: alert.placementCause } : {}),
        });
      } catch (error) {
        problems.push({ file: many ? `${file}[${index}]` : file, problem: errorMessage(error) });
      }
    });
  }
  return { lines, problems };
}
