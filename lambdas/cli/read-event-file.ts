import { readFileSync } from 'node:fs';
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
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidEventError('file', `not valid JSON: ${errorMessage(error)}`);
  }
}
