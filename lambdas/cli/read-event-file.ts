import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { errorMessage } from '../app/shared/budget';
import { InvalidEventError } from '../domain/events/invalid-event';

/** One event per file. Unreadable or non-JSON content is an InvalidEventError naming the problem. */
export function readEventFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidEventError('file', `cannot read: ${errorMessage(error)}`);
  }
  return parseEventText(text, 'file');
}

export function parseEventText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidEventError(where, `not valid JSON: ${errorMessage(error)}`);
  }
}

/** One non-blank line of an NDJSON stream (an EventBridge archive export: one event a line), numbered from 1. */
export interface NdjsonLine {
  line: number;
  text: string;
}

/** The non-blank lines of an NDJSON stream, as they arrive (the stream is never held whole in memory). */
export async function* ndjsonLines(input: NodeJS.ReadableStream): AsyncGenerator<NdjsonLine> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    line += 1;
    if (text.trim()) yield { line, text };
  }
}
