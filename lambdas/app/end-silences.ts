/**
 * When a silence ends (its time is up, or `silence expire`), the sweep looks at each page it held:
 * if the incident that page was about is still open, one page says so ("still looping: 14 stops while
 * silenced"); otherwise nothing is sent. Found through the sparse `due` index (`silenced`, due at the
 * silence's end), never a scan. The page passes the silence gate again: another silence may hold it.
 */
import { buildSilenceEndedAlert } from '../domain/alerts/build-silence-ended-alert';
import { alertIdOfKey, SILENCED_TTL_SECONDS } from '../domain/incidents/keys';
import { commitAlerts, deliverQueued, type IncidentDeps, readState } from './incidents/engine';
import { clock, iso, leaseEnd } from './incidents/outbox';
import { throttled } from './incidents/retry';
import { errorMessage } from './shared/budget';

/** Silenced pages one sweep looks at; more wait for the next minute. */
export const SILENCE_BATCH = 100;

export async function endSilences(deps: IncidentDeps): Promise<{ checked: number; paged: number }> {
  const now = iso(clock(deps));
  const due = await throttled('due silenced', () => deps.store.due('silenced', now, SILENCE_BATCH), deps);
  let paged = 0;
  for (const item of due) {
    const alertId = alertIdOfKey(item.key);
    try {
      paged += await endSilence(alertId, now, deps);
    } catch (error) {
      deps.counter.count('SweepFailures');
      deps.log.error('Sweep could not look at a silenced page; the next sweep tries again', {
        alertId,
        reason: errorMessage(error),
      });
    }
  }
  if (paged > 0) deps.counter.count('SilenceEndedPages', paged);
  return { checked: due.length, paged };
}

async function endSilence(alertId: string, now: string, deps: IncidentDeps): Promise<number> {
  const record = await throttled(alertId, () => deps.store.getAlert(alertId), deps);
  const mark = record?.silence;
  if (!record || !mark) return 0;
  let paged = 0;
  if (mark.scope) {
    const incident = (await readState(mark.scope, deps)).value.incident;
    if (incident && incident.id === record.alert.incidentId) {
      const alert = buildSilenceEndedAlert(incident, record.alert, mark, mark.endsAt < now ? mark.endsAt : now);
      const queued = await commitAlerts(
        {
          now,
          writes: [],
          newAlerts: [{ alert: { ...alert, alertId: alert.dedupeKey }, status: 'PENDING', leaseUntil: leaseEnd(deps) }],
          release: [],
          drop: [],
        },
        deps,
        undefined,
        { scope: mark.scope, stopCount: incident.stopCount, fresh: true },
      );
      await deliverQueued(queued, deps);
      paged = queued.alerts.length;
      deps.log.info('Silence ended with the incident still open', {
        alertId,
        silenceId: mark.silenceId,
        incidentId: incident.id,
        paged: paged > 0,
      });
    }
  }
  await throttled(alertId, () => deps.store.settleSilenced(alertId, SILENCED_TTL_SECONDS), deps);
  return paged;
}
