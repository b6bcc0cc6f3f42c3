import type { ServiceState, Transition } from '../incidents/incident';
import { type IncidentEntry, incidentEntry } from './history';

/**
 * The history rows a transition writes: an incident when it opens or becomes a restart loop, and when
 * it closes (with its final count). Stops it absorbs are rows of their own, so they write nothing here.
 * Spot interruptions counted towards a storm are an incident only once they page as one.
 */
export function incidentChanges(
  scope: string,
  before: ServiceState,
  transition: Transition,
  now: string,
): IncidentEntry[] {
  const rows: IncidentEntry[] = [];
  const old = before.incident;
  const spot = scope.endsWith('#spot');
  for (const effect of transition.effects) {
    if (effect.type === 'page-recovered')
      rows.push(incidentEntry(effect.incident, { at: effect.closedAt, because: effect.reason }));
    if (effect.type === 'closed-silently' && old?.id === effect.incidentId && (!spot || old.kind === 'RESTART_LOOP'))
      rows.push(incidentEntry(old, { at: now, because: effect.reason }));
  }
  const after = transition.state.incident;
  if (after && (old?.id !== after.id || old.kind !== after.kind) && (!spot || after.kind === 'RESTART_LOOP'))
    rows.push(incidentEntry(after));
  return rows;
}
