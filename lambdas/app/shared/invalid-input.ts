import { InvalidEventError } from '../../domain/events/invalid-event';
import { isObject } from '../../domain/events/read-fields';
import type { Counter, Log } from './telemetry';

const MAX_LOGGED_CHARS = 4000;

/**
 * Malformed or unexpected events are logged with the reason and counted (metric InvalidEvents,
 * alarmed on), never thrown: a retry cannot fix them. Task overrides can hold environment values,
 * so they are left out of the logged copy.
 */
export function rejectInvalid(error: unknown, raw: unknown, log: Log, counter: Counter): InvalidEventError {
  if (!(error instanceof InvalidEventError)) throw error;
  counter.count('InvalidEvents');
  log.error('Rejected malformed ECS event', {
    reason: error.message,
    eventId: isObject(raw) ? raw.id : undefined,
    detailType: isObject(raw) ? raw['detail-type'] : undefined,
    event: loggableCopy(raw),
  });
  return error;
}

function loggableCopy(raw: unknown): string {
  const text = JSON.stringify(raw, (key, value) => (key === 'overrides' ? '[omitted]' : value)) ?? String(raw);
  return text.length > MAX_LOGGED_CHARS ? `${text.slice(0, MAX_LOGGED_CHARS)}…` : text;
}
