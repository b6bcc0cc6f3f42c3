import { errorMessage } from '../app/shared/budget';
import type { Alert } from '../domain/alerts/alert';
import { classifyEvent } from '../domain/alerts/classify-event';
import { redactAlert } from '../domain/alerts/redact-alert';
import { renderChat } from '../domain/alerts/render-chat';
import { renderEmail } from '../domain/alerts/render-email';
import { InvalidEventError } from '../domain/events/invalid-event';
import { unwrapDeadLetter } from './dead-letter';
import { type NdjsonLine, parseEventText, readEventFile } from './read-event-file';

/**
 * What `classify` prints for each event: by default one classification line (the contract below); with
 * `--format`, the alert as on-call receives it, rendered offline (before enrichment) by the same code and
 * through the same redaction as the functions: `json` the alert JSON (SQS, Lambda and e-mail-json
 * subscribers), `text` the e-mail body, `chat` the chat notification.
 */
export const OUTPUT_FORMATS = ['json', 'text', 'chat'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const RENDERERS: Record<OutputFormat, (alert: Alert) => string> = {
  json: (alert) => JSON.stringify(alert),
  // A blank line after each e-mail, so that several read apart.
  text: (alert) => `${renderEmail(alert)}\n`,
  chat: (alert) => JSON.stringify(renderChat(alert)),
};

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

/** Reads one file holding an event or a JSON array of events (each may be a dead-letter record around one). */
export function readEvents(file: string): unknown[] {
  const parsed = readEventFile(file);
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** Classifies every event of every file, offline, into what is printed; problems are collected, never fatal. */
export function classifyFiles(files: string[], format?: OutputFormat): { lines: string[]; problems: FileProblem[] } {
  const lines: string[] = [];
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
        lines.push(output(event, { file, ...(many ? { index } : {}) }, format));
      } catch (error) {
        problems.push({ file: many ? `${file}[${index}]` : file, problem: errorMessage(error) });
      }
    });
  }
  return { lines, problems };
}

type Where = Pick<ClassifiedLine, 'file' | 'index' | 'line'>;

/** What is printed for one parsed event (a dead-letter record is unwrapped); throws InvalidEventError for a bad event. */
function output(raw: unknown, where: Where, format: OutputFormat | undefined): string {
  const event = unwrapDeadLetter(raw);
  return format ? RENDERERS[format](redactAlert(classifyEvent(event))) : JSON.stringify(classifiedLine(event, where));
}

/** The classification line of one event. */
function classifiedLine(event: unknown, where: Where): ClassifiedLine {
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
  emit: (output: string) => void | Promise<void>,
  report: (problem: FileProblem) => void,
  format?: OutputFormat,
): Promise<number> {
  let bad = 0;
  for await (const { line, text } of lines) {
    let classified: string;
    try {
      classified = output(parseEventText(text, ''), { file: '-', line }, format);
    } catch (error) {
      bad += 1;
      report({ file: `-:${line}`, problem: error instanceof InvalidEventError ? error.message : errorMessage(error) });
      continue;
    }
    await emit(classified);
  }
  return bad;
}
