/**
 * The incident store's port (README "Delivery"): what the incident engine needs from its memory, free
 * of any SDK. The DynamoDB adapter (`lambdas/adapters/state-store.ts`) and the in-memory one
 * (`lambdas/adapters/memory-incident-store.ts`, for tests and the fault suite) implement it.
 *
 * Three kinds of record:
 * - versioned JSON items (a service's incident, a folded rollout, the capacity scan's state), written
 *   only if nobody wrote since they were read (optimistic locking);
 * - one claim per event id, so that a retried, redriven or duplicated event is handled once;
 * - one item per alert (the outbox): HELD while a group wait runs, PENDING until SNS accepted it,
 *   then DELIVERED (kept as long as event claims, so that nothing re-creates and re-sends it).
 */
import type { Alert } from '../alerts/alert';

/** A JSON value and the version it was read at (0: never written). */
export interface Versioned<T> {
  value: T;
  version: number;
}

export type AlertStatus = 'HELD' | 'PENDING' | 'DELIVERED' | 'DROPPED' | 'SILENCED';

/**
 * Why an alert was not paged: the silence (or maintenance window occurrence) that held it, and what the
 * sweep needs when that silence ends (README "Silences and maintenance windows").
 */
export interface SilenceMark {
  silenceId: string;
  /** ISO time the silence ends: the sweep looks at the alert then. */
  endsAt: string;
  /** The incident scope the alert belongs to, when it has one (task stops, loops, recoveries). */
  scope?: string;
  /** Stops the scope's incident had counted when this alert was silenced. */
  stopCount?: number;
}

export interface AlertRecord {
  alertId: string;
  status: AlertStatus;
  alert: Alert;
  /** ISO time it became due (queued, or released from a hold): the sweep's order and the age metric. */
  queuedAt: string;
  /** While an invocation publishes it, others leave it alone until this ISO time. */
  leaseUntil?: string;
  /** Publish attempts started. */
  attempts: number;
  /** While SILENCED: the silence that held it. */
  silence?: SilenceMark;
}

export type ClaimResult =
  | { status: 'claimed'; token: string }
  /** Handled (its alerts are listed, to finish delivering them), or being handled right now. */
  | { status: 'duplicate'; alertIds: string[] };

/** A versioned item written by a commit: only if it is still at `expectedVersion`. */
export interface ItemWrite {
  key: string;
  value: unknown;
  expectedVersion: number;
  ttlSeconds: number;
  /** ISO time the sweep must look at this item (an overdue group wait or quiet period); absent: never. */
  wakeAt?: string;
}

export interface NewAlert {
  alert: Alert;
  /** SILENCED: recorded, never published; the sweep looks at it again when its silence ends. */
  status: 'HELD' | 'PENDING' | 'SILENCED';
  silence?: SilenceMark;
  /** Leased to the committing invocation, which publishes it right after the commit. */
  leaseUntil?: string;
}

/**
 * Everything one decision changes, written atomically: a crash before it leaves nothing, a crash
 * after it leaves the alerts in the outbox for the retry or the sweep.
 */
export interface Commit {
  /** ISO time of the decision (the alerts' queue time). */
  now: string;
  writes: ItemWrite[];
  /** Created only if absent: an alert id already known (delivered, pending or held) is not sent again. */
  newAlerts: NewAlert[];
  /** Held alerts whose group wait is over: HELD → PENDING (skipped if no longer held). */
  release: { alertId: string; leaseUntil?: string }[];
  /** Held alerts that will never be sent (the incident folded into a rollout alert). */
  drop: string[];
  /** Held alerts whose group wait is over while a silence holds them: HELD → SILENCED (skipped if no longer held). */
  silence?: { alertId: string; mark: SilenceMark }[];
  /** The event this decision handles: its claim becomes DONE, with the alerts it queued. */
  completeEvent?: { eventId: string; token: string; alertIds: string[] };
}

export interface CommitResult {
  /** Alerts of {@link Commit.newAlerts} / {@link Commit.release} that were already known, so not queued. */
  skipped: string[];
}

/** `silenced`: silenced alerts, due when their silence ends. */
export type DueKind = 'alert' | 'wake' | 'silenced';

export interface DueItem {
  key: string;
  /** The ISO time it became due. */
  at: string;
}

export interface IncidentStore {
  get<T>(key: string, fallback: T): Promise<Versioned<T>>;
  /** Several items in one round trip (consistent reads); missing ones get `fallback`. */
  getMany<T>(keys: string[], fallback: T): Promise<Versioned<T>[]>;
  /** Writes one versioned item alone (no alerts, no claim): a {@link commit} of one write. */
  put(write: ItemWrite): Promise<void>;
  commit(commit: Commit): Promise<CommitResult>;

  /** Claims an event id for processing (the lease covers an invocation that dies). */
  claimEvent(eventId: string, leaseSeconds: number): Promise<ClaimResult>;
  /** Gives a claim back after a failure, if it is still ours and not done. */
  releaseEvent(eventId: string, token: string): Promise<void>;

  /**
   * Leases a PENDING alert for publishing, unless another invocation holds a live lease or
   * MAX_UNRECORDED_ATTEMPTS attempts in a row ended without a recorded result. `uncertain`: the
   * previous attempt's lease ran out without a result (it died, perhaps after SNS accepted).
   */
  leaseAlert(
    alertId: string,
    now: string,
    leaseUntil: string,
  ): Promise<{ record: AlertRecord; uncertain: boolean } | undefined>;
  markDelivered(alertId: string, ttlSeconds: number): Promise<void>;
  /** A publish failed: the lease is given back so that the next sweep tries again. */
  markFailed(alertId: string): Promise<void>;
  getAlert(alertId: string): Promise<AlertRecord | undefined>;

  /** A silenced alert whose silence ended and was looked at: it leaves the `due` index and expires. */
  settleSilenced(alertId: string, ttlSeconds: number): Promise<void>;
  /** A silenced alert's silence ended early (`silence expire`): the sweep looks at it at `dueAt`. */
  rescheduleSilenced(alertId: string, dueAt: string): Promise<void>;

  /** The oldest items due at or before `before`, oldest first, from the sparse index (never a scan). */
  due(kind: DueKind, before: string, limit: number): Promise<DueItem[]>;
}

/** Someone wrote the item since it was read: read again and decide again. */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
}

/** The store refused a write for its size (DynamoDB: 400 KB per item). */
export class ItemTooLargeError extends Error {
  override readonly name = 'ItemTooLargeError';
  constructor(
    message: string,
    /** The alert whose item was too large, when it was one. */
    readonly alertId?: string,
  ) {
    super(message);
  }
}

/** The event's claim was taken over (its lease ran out): the decision is not ours to write. */
export class ClaimLostError extends Error {
  override readonly name = 'ClaimLostError';
}
