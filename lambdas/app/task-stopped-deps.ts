import type { AlertPublisher } from '../adapters/alert-publisher';
import type { Alert } from '../domain/alerts/alert';
import type { InvalidEventError } from '../domain/events/invalid-event';
import type { EnrichDeps } from './enrich-task';
import type { IncidentAdapters } from './incidents/engine';
import type { Counter, Log } from './shared/telemetry';

/**
 * What the task-stopped processing needs and what it decides: apart from process-task-stopped.ts so
 * that the modules it calls (task-stop-incidents.ts) need not import the entry they serve.
 */
export interface TaskStoppedDeps extends EnrichDeps {
  publisher: Pick<AlertPublisher, 'publish'>;
  log: Log;
  counter: Counter;
  /** The incident store and timers; without them every actionable stop pages on its own. */
  incidents?: IncidentAdapters;
}

export type TaskStoppedOutcome =
  | { status: 'published'; alert: Alert; messageId?: string }
  | { status: 'routine' | 'muted' | 'held' | 'absorbed' | 'folded' | 'duplicate'; alert: Alert }
  | { status: 'invalid'; error: InvalidEventError };
