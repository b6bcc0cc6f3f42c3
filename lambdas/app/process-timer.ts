import type { TimerMessage } from '../adapters/timer-queue';
import { InvalidEventError } from '../domain/events/invalid-event';
import { isObject } from '../domain/events/read-fields';
import { closeIfQuiet, releaseHeld } from '../domain/incidents/incident';
import { advance, type IncidentDeps } from './incidents/engine';
import { clock } from './incidents/outbox';

export type TimerOutcome = 'done' | 'rearmed';

/**
 * A timer fired: release an incident's held alert after the group wait (or, for a message armed by an
 * earlier release, close a quiet incident). SQS delays at most 15 minutes, so a timer that arrives early
 * is re-armed. Both are idempotent, and the sweep does the same for a timer that never arrives.
 */
export async function processTimer(body: string, deps: IncidentDeps): Promise<TimerOutcome> {
  const timer = parseTimer(body);
  const now = clock(deps);
  if (Date.parse(timer.dueAt) > now + 1000) {
    await deps.timers.schedule(timer);
    return 'rearmed';
  }
  await advance(
    timer.scope,
    (state, nowIso) =>
      timer.type === 'release-held'
        ? releaseHeld(state, timer.incidentId)
        : closeIfQuiet(state, timer.incidentId, nowIso, deps.policy, timer.dueAt),
    deps,
  );
  return 'done';
}

export function parseTimer(body: string): TimerMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new InvalidEventError('timer', 'the message body is not JSON');
  }
  if (!isObject(parsed)) throw new InvalidEventError('timer', 'expected an object');
  const { type, scope, incidentId, dueAt } = parsed;
  if (type !== 'release-held' && type !== 'check-quiet') {
    throw new InvalidEventError('timer.type', `expected "release-held" or "check-quiet", got ${JSON.stringify(type)}`);
  }
  for (const [name, value] of Object.entries({ scope, incidentId, dueAt })) {
    if (typeof value !== 'string' || value === '')
      throw new InvalidEventError(`timer.${name}`, 'expected a non-empty string');
  }
  if (Number.isNaN(Date.parse(dueAt as string))) throw new InvalidEventError('timer.dueAt', 'expected an ISO time');
  return { type, scope: scope as string, incidentId: incidentId as string, dueAt: dueAt as string };
}
