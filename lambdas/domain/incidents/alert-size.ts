import { type Alert, alertIdOf } from '../alerts/alert';
import { shrinkingVariants } from '../alerts/sns-message';

/**
 * An outbox item holds one alert: at most this many bytes of JSON, far below DynamoDB's 400 KB item
 * limit, so that no item of the store grows past 100 KB whatever a log excerpt holds.
 */
export const ALERT_ITEM_MAX_BYTES = 64 * 1024;

/** The alert as it fits in an outbox item: log lines dropped first, then the evidence cut (as for SNS). */
export function fitAlert(alert: Alert, maxBytes = ALERT_ITEM_MAX_BYTES): Alert {
  let last = alert;
  for (const candidate of shrinkingVariants(alert)) {
    last = candidate;
    if (jsonBytes(candidate) <= maxBytes) return candidate;
  }
  return { ...last, evidence: { facts: [] }, alertId: alertIdOf(alert) };
}

export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}
