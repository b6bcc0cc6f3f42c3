/**
 * Every key, time-to-live and lease of the incident store, in one place (README "Delivery").
 * Times are chosen against the functions' 30 s timeout and Lambda's retries (+1 min, +2 min).
 */

/** A service's (or standalone task family's) incident item. */
export const scopeKey = (scope: string) => `scope#${scope}`;
/** The claim of one event id. */
export const eventKey = (eventId: string) => `event#${eventId}`;
/** One alert of the outbox. */
export const alertKey = (alertId: string) => `alert#${alertId}`;

/** The silence book: every silence of the account, in one small item (README "Silences and maintenance windows"). */
export const SILENCES_KEY = 'silences';
/** The silence book is kept a quarter after its last write (its silences last at most 90 days). */
export const SILENCES_TTL_SECONDS = 100 * 24 * 3600;

/** The scope or alert id a key of the `due` index names. */
export const scopeOfKey = (key: string) => key.replace(/^scope#/, '');
export const alertIdOfKey = (key: string) => key.replace(/^alert#/, '');

/** Incident items outlive any incident: a week after the last write, DynamoDB's TTL removes them. */
export const STATE_TTL_SECONDS = 7 * 24 * 3600;
/**
 * Claims outlive the dead-letter queue's 14 days: a replayed or redriven event, or a late duplicate
 * after its incident closed, is recognised for as long as it can come back.
 */
export const CLAIM_TTL_SECONDS = 15 * 24 * 3600;
/** A delivered alert is remembered as long as the claims of the events that could re-create it. */
export const DELIVERED_TTL_SECONDS = CLAIM_TTL_SECONDS;
/** A failed rollout that task stops fold into is remembered a week after its last write. */
export const ROLLOUT_TTL_SECONDS = STATE_TTL_SECONDS;
/** A held alert lives as long as its incident item could. */
export const HELD_TTL_SECONDS = STATE_TTL_SECONDS;

/** A silenced alert is kept this long after its silence ended (as long as a delivered one). */
export const SILENCED_TTL_SECONDS = 15 * 24 * 3600;

/** Claim lease: longer than one invocation (30 s timeout), shorter than Lambda's first retry (1 min). */
export const EVENT_LEASE_SECONDS = 45;
/**
 * Publishing lease of one alert: twice a function's timeout, so the holder has published (or died)
 * by the time anyone else may try. The sweep looks only at alerts queued at least this long ago.
 */
export const ALERT_LEASE_MS = 60_000;

/**
 * Publish attempts of one alert that may end without a recorded result (the invocation died, or could
 * not record the delivery) before the alert is left alone: SNS may have taken every one of them, and
 * a watchdog that cannot record its deliveries must not page every minute. The alert stays in the
 * outbox, and the undelivered-alert alarm tells ops (README "Watching the watchdog").
 */
export const MAX_UNRECORDED_ATTEMPTS = 3;
/** After that, one more attempt an hour: what could not be recorded during a store outage still goes out. */
export const UNRECORDED_RETRY_MS = 3600_000;

/** Attempts of one optimistic write (conflicts, throttling) before the invocation gives up and fails. */
export const MAX_WRITE_ATTEMPTS = 8;

/** The sparse index of items the sweep must look at: `due` = "alert" or "wake", sorted by `dueAt`. */
export const DUE_INDEX = 'due';
export const DUE_ATTRIBUTE = 'due';
export const DUE_AT_ATTRIBUTE = 'dueAt';

/**
 * History (`lambdas/domain/history/history.ts`): one item per stop, page and incident (`h#…`), found
 * through the `history` index: partition `hk` (`stops#DAY`, `pages#DAY`, `incidents#open`,
 * `incidents#closed#DAY`), sort `hs` (`CLUSTER/SERVICE#TIME#…` for stops and pages, `TIME#ID` for
 * incidents). A day's partition holds the account's rows of that day, sorted by service then time: one
 * service's rows are one key range, a cluster's one prefix. Items expire `historyRetentionDays` after
 * their time.
 */
export const HISTORY_INDEX = 'history';
export const HISTORY_PARTITION_ATTRIBUTE = 'hk';
export const HISTORY_SORT_ATTRIBUTE = 'hs';
/** The entry itself, as compact JSON. */
export const HISTORY_ENTRY_ATTRIBUTE = 'h';
