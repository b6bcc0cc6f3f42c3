import { errorMessage } from '../app/shared/budget';
import { classifyEvent } from '../domain/alerts/classify-event';
import { InvalidEventError } from '../domain/events/invalid-event';
import { type NdjsonLine, parseEventText, readEventFile } from './read-event-file';

/** One printed line of `ecs-watchdog classify`. */
export interface ClassifiedLine {
  file: string;
  index?: number;
  /** `classify -` (NDJSON on stdin): the line of the event, from 1. */
  line?: number;
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
        lines.push(classifiedLine(event, { file, ...(many ? { index } : {}) }));
      } catch (error) {
        problems.push({ file: many ? `${file}[${index}]` : file, problem: errorMessage(error) });
      }
    });
  }
  return { lines, problems };
}

/** Classifies one parsed event into its printed line; throws InvalidEventError for a bad event. */
function classifiedLine(event: unknown, where: Pick<ClassifiedLine, 'file' | 'index' | 'line'>): ClassifiedLine {
  const alert = classifyEvent(event);
  return {
    ...where,
    eventId: typeof event === 'object' && event && 'id' in event ? String(event.id) : undefined,
    kind: alert.kind,
    category: alert.category,
    actionable: alert.actionable,
    severity: alert.severity,
    culpritContainer: alert.culpritContainer ?? null,
    title: alert.title,
    summary: alert.summary,
    ...(alert.placementCause ? { placementCause: alert.placementCause } : {}),
  };
}

/**
 * `ecs-watchdog classify -`: one event a line (NDJSON, as an EventBridge archive export), classified as the lines
 * arrive. A bad line is reported (`-:LINE`) and the rest still classified. Returns the number of bad lines.
 */
export async function classifyNdjson(
  lines: AsyncIterable<NdjsonLine>,
  emit: (line: ClassifiedLine) => void | Promise<void>,
  report: (problem: FileProblem) => void,
): Promise<number> {
  let bad = 0;
  for await (const { line, text } of lines) {
    let classified: ClassifiedLine;
    try {
      classified = classifiedLine(parseEventText(text, ''), { file: '-', line });
    } catch (error) {
      bad += 1;
      report({ file: `-:${line}`, problem: error instanceof InvalidEventError ? error.message : errorMessage(error) });
      continue;
    }
    await emit(classified);
  }
  return bad;
}
