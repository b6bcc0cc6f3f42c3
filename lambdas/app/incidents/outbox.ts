/**
 * Delivery from the outbox (README "Delivery"): an alert is published only under a lease, and its
 * delivery recorded, so that a retried or redriven invocation, a replayed event or the sweep never
 * publishes it again. A failed publish does not fail the invocation: the alert stays in the outbox,
 * and the sweep tries it again every minute until SNS takes it.
 */
import type { AlertPublisher } from '../../adapters/alert-publisher';
import { type Alert, alertIdOf } from '../../domain/alerts/alert';
import type { HistoryLog } from '../../domain/history/history-log';
import type { IncidentStore } from '../../domain/incidents/incident-store';
import { ALERT_LEASE_MS, DELIVERED_TTL_SECONDS } from '../../domain/incidents/keys';
import type { MaintenanceWindow } from '../../domain/silences/maintenance-window';
import { recordPage } from '../history';
import { errorMessage } from '../shared/budget';
import { type Counter, countPage, type Log } from '../shared/telemetry';
import { type Pacing, throttled, withRetries } from './retry';

export interface DeliveryDeps extends Pacing {
  store: IncidentStore;
  publisher: Pick<AlertPublisher, 'publish'>;
  log: Log;
  counter: Counter;
  now?: () => number;
  /** The recurring windows of the `maintenanceWindows` setting, honoured by the silence gate. */
  maintenanceWindows?: readonly MaintenanceWindow[];
  /** Where pages (sent and silenced) and incidents are recorded; absent: not recorded. */
  history?: HistoryLog;
}

export type Delivery = { delivered: true } | { delivered: false; error: unknown };

export const iso = (ms: number) => new Date(ms).toISOString();
export const clock = (deps: { now?: () => number }) => (deps.now ?? Date.now)();
export const leaseEnd = (deps: { now?: () => number }) => iso(clock(deps) + ALERT_LEASE_MS);

/** Publishes an alert this invocation holds the lease of, then records the delivery. */
export async function publishLeased(alert: Alert, deps: DeliveryDeps): Promise<Delivery> {
  const alertId = alertIdOf(alert);
  let messageId: string;
  try {
    messageId = await deps.publisher.publish({ ...alert, alertId });
  } catch (error) {
    deps.counter.count('AlertDeliveryFailures');
    deps.log.warn('Publishing an alert failed: it stays in the outbox, the sweep retries it', {
      alertId,
      reason: errorMessage(error),
    });
    // Without this the lease runs out by itself (a minute): giving it back only lets the next sweep in sooner.
    await throttled(alertId, () => deps.store.markFailed(alertId), deps).catch(() => undefined);
    return { delivered: false, error };
  }
  deps.counter.count('AlertsPublished');
  countPage(deps.counter, alert);
  deps.log.info('Alert published', {
    alertId,
    kind: alert.kind,
    category: alert.category,
    severity: alert.severity,
    incidentId: alert.incidentId,
    messageId,
  });
  await recordPage({ ...alert, alertId }, iso(clock(deps)), deps);
  try {
    await withRetries(
      `record delivery of ${alertId}`,
      () => deps.store.markDelivered(alertId, DELIVERED_TTL_SECONDS),
      deps,
    );
  } catch (error) {
    // SNS has it; when the lease runs out the sweep will send it again (counted there as uncertain).
    deps.counter.count('DeliveriesNotRecorded');
    deps.log.error('Alert published but its delivery could not be recorded', { alertId, reason: errorMessage(error) });
  }
  return { delivered: true };
}

/**
 * Publishes the alerts of the given ids that are still waiting and not leased by a live invocation:
 * what a retried event, a duplicate of it or the sweep finishes. Stops at the first failure that
 * looks like the topic's (SNS or its key down), since the next ones would fail the same way.
 */
export async function deliverPending(alertIds: string[], deps: DeliveryDeps): Promise<number> {
  let delivered = 0;
  for (const alertId of alertIds) {
    const now = clock(deps);
    const leased = await throttled(
      alertId,
      () => deps.store.leaseAlert(alertId, iso(now), iso(now + ALERT_LEASE_MS)),
      deps,
    );
    if (!leased) continue;
    if (leased.uncertain) {
      // The last attempt ran out of time without a result: SNS may have taken it before it died.
      deps.counter.count('AlertsRepublishedAfterUncertainAttempt');
      deps.log.warn('Publishing an alert whose last attempt ended without a result', { alertId });
    }
    const result = await publishLeased(leased.record.alert, deps);
    if (result.delivered) delivered += 1;
    else if (!isPoison(result.error)) break;
  }
  return delivered;
}

/** An error of this one message (SNS refused its content), not of the topic: the next alerts may go through. */
function isPoison(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return name === 'InvalidParameterException' || name === 'InvalidParameterValueException' || name === 'Error';
}
