/**
 * The outbox sweep (README "Delivery"), every minute: what no timer message and no retry finished is
 * finished here, found through the sparse `due` index (never a table scan):
 * - incidents whose group wait or quiet period is over (their timer message lost, late or dead-lettered);
 * - alerts still undelivered a lease after they were queued (SNS was down, or the invocation died);
 * - pages a silence held, once it ended: one page for each incident still open (`end-silences.ts`).
 * It publishes the age of the oldest undelivered alert, which the watchdog's ops alarm watches.
 */
import { wakeUp } from '../domain/incidents/incident';
import { ALERT_LEASE_MS, alertIdOfKey, scopeOfKey } from '../domain/incidents/keys';
import { endSilences } from './end-silences';
import { advance, type IncidentDeps } from './incidents/engine';
import { clock, deliverPending, iso } from './incidents/outbox';
import { throttled } from './incidents/retry';
import { activeSilences } from './incidents/silence-gate';
import { errorMessage } from './shared/budget';
import { ACTIVE_SILENCES_METRIC } from './shared/telemetry';

export interface SweepDeps extends IncidentDeps {
  /** Records a gauge (CloudWatch metric in seconds). */
  gauge(metric: string, seconds: number): void;
}

export interface SweepOutcome {
  woken: number;
  delivered: number;
  /** Silenced pages whose silence ended, and the "still open" pages that sent. */
  silencesEnded: { checked: number; paged: number };
  /** Seconds the oldest undelivered alert has waited (0: none). */
  oldestUndeliveredSeconds: number;
}

/** Items per kind one sweep handles; more wait for the next minute (each is at most a few calls). */
export const SWEEP_BATCH = 100;

export async function processSweep(deps: SweepDeps): Promise<SweepOutcome> {
  const now = clock(deps);
  let woken = 0;
  const due = (kind: 'wake' | 'alert', before: string, limit: number) =>
    throttled(`due ${kind}`, () => deps.store.due(kind, before, limit), deps);
  for (const item of await due('wake', iso(now), SWEEP_BATCH)) {
    const scope = scopeOfKey(item.key);
    try {
      await advance(scope, (state, at) => wakeUp(state, at, deps.policy), deps);
      woken += 1;
    } catch (error) {
      deps.counter.count('SweepFailures');
      deps.log.error('Sweep could not wake an incident; the next sweep tries again', {
        scope,
        reason: errorMessage(error),
      });
    }
  }
  const silencesEnded = await endSilences(deps);
  // Silences in force, for the dashboard (infra/dashboard.ts): a gauge, one point a minute.
  const silences = await activeSilences(deps, iso(now), true).catch(() => undefined);
  if (silences) deps.counter.count(ACTIVE_SILENCES_METRIC, silences.length);
  const waiting = await due('alert', iso(now - ALERT_LEASE_MS), SWEEP_BATCH);
  const delivered = await deliverPending(
    waiting.map((item) => alertIdOfKey(item.key)),
    deps,
  );
  const [oldest] = await due('alert', iso(clock(deps)), 1);
  const oldestUndeliveredSeconds = oldest ? Math.max(0, Math.round((clock(deps) - Date.parse(oldest.at)) / 1000)) : 0;
  deps.gauge('OldestUndeliveredAlertAgeSeconds', oldestUndeliveredSeconds);
  if (delivered > 0) deps.counter.count('AlertsDeliveredBySweep', delivered);
  if (oldestUndeliveredSeconds > 0)
    deps.log.warn('Alerts wait in the outbox', { oldestUndeliveredSeconds, deliveredNow: delivered });
  return { woken, delivered, silencesEnded, oldestUndeliveredSeconds };
}
