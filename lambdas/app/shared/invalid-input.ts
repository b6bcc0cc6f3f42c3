import { redact } from '../../domain/alerts/redact';
import { boundedJson } from '../../domain/events/bounded-json';
import { InvalidEventError } from '../../domain/events/invalid-event';
import { boundedText, isObject } from '../../domain/events/read-fields';
import type { Counter, Log } from './telemetry';

const MAX_LOGGED_CHARS = 4000;

/**
 * Malformed or unexpected events are logged with the reason and counted (metric InvalidEvents,
 * alarmed on), never thrown: a retry cannot fix them. Task overrides can hold environment values,
 * so they are left out of the logged copy, which is also bounded (any depth, any size) and redacted.
 */
export function rejectInvalid(error: unknown, raw: unknown, log: Log, counter: Counter): InvalidEventError {
  if (!(error instanceof InvalidEventError)) throw error;
  counter.count('InvalidEvents');
  log.error('Rejected malformed ECS event', {
    reason: redact(boundedText(error.message, MAX_LOGGED_CHARS)),
    eventId: isObject(raw) && typeof raw.id === 'string' ? boundedText(raw.id, 256) : undefined,
    detailType:
      isObject(raw) && typeof raw['detail-type'] === 'string' ? boundedText(raw['detail-type'], 256) : undefined,
    event: loggableCopy(raw),
  });
  return error;
}

const OMITTED = new Set(['overrides']);

function loggableCopy(raw: unknown): string {
  return redact(boundedText(boundedJson(raw, { maxChars: MAX_LOGGED_CHARS, omit: OMITTED }), MAX_LOGGED_CHARS + 1));
}
