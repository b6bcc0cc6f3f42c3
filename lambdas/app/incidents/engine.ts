/**
 * The incident engine (README "Incidents", "Delivery"): applies a decision of the pure incident model
 * to a scope's item with optimistic locking, writes it atomically with the alerts it queues (the
 * outbox) and the event claim it completes, then arms the group-wait timer and publishes its alerts.
 * Everything after the commit is best-effort: the sweep finishes what a failure or a crash left.
 */
import type { TimerMessage } from '../../adapters/timer-queue';
import { type Alert, alertIdOf } from '../../domain/alerts/alert';
import type { HistoryLog } from '../../domain/history/history-log';
import { incidentChanges } from '../../domain/history/incident-changes';
import { fitAlert, jsonBytes } from '../../domain/incidents/alert-size';
import {
  alertsOf,
  EMPTY_STATE,
  type LoopPolicy,
  type ServiceState,
  type Transition,
  upgradeState,
  wakeAt,
} from '../../domain/incidents/incident';
import {
  type Commit,
  type IncidentStore,
  ItemTooLargeError,
  type ItemWrite,
  type NewAlert,
  type Versioned,
} from '../../domain/incidents/incident-store';
import { EVENT_LEASE_SECONDS, STATE_TTL_SECONDS, scopeKey } from '../../domain/incidents/keys';
import type { MaintenanceWindow } from '../../domain/silences/maintenance-window';
import { recordHistory } from '../history';
import { errorMessage } from '../shared/budget';
import { clock, type DeliveryDeps, deliverPending, iso, leaseEnd, publishLeased } from './outbox';
import { type Pacing, throttled, withRetries } from './retry';
import { applySilences, reportSilenced, type SilenceContext, type SilencingDeps } from './silence-gate';

/** What the Lambda entries (or the tests, the fault suite) bring: the store, the timer queue, a clock. */
export interface IncidentAdapters extends Pacing {
  store: IncidentStore;
  /** Where stops, pages and incidents are recorded (the `historyRetentionDays` setting); absent: not recorded. */
  history?: HistoryLog;
  maintenanceWindows?: readonly MaintenanceWindow[];
  timers: { schedule(message: TimerMessage): Promise<void> };
  now?: () => number;
}

export interface IncidentDeps extends DeliveryDeps {
  timers: IncidentAdapters['timers'];
  policy: LoopPolicy;
}

/** The event a decision handles: its claim is completed in the same commit (which sets `done`). */
export interface ClaimedEvent {
  eventId: string;
  token: string;
  done?: boolean;
}

export function readState(scope: string, deps: Pick<DeliveryDeps, 'store'>) {
  return deps.store.get<ServiceState>(scopeKey(scope), EMPTY_STATE);
}

export interface AdvanceOptions {
  /** The alert of the stop being recorded, when there is one (its evidence goes into a loop page). */
  latest?: Alert;
  /** The state as the caller already read it: saves the first read. */
  known?: Versioned<ServiceState>;
  event?: ClaimedEvent;
  /** The policy the decision was made with, when not the deployment's (Spot storms). */
  policy?: LoopPolicy;
}

/**
 * Applies one transition to a scope's state: read, decide, commit (state, alerts, event claim)
 * atomically and only if nobody wrote since the read (else read and decide again), then deliver.
 */
export async function advance<T extends Transition>(
  scope: string,
  step: (state: ServiceState, now: string) => T,
  deps: IncidentDeps,
  options: AdvanceOptions = {},
): Promise<T> {
  const policy = options.policy ?? deps.policy;
  let known = options.known;
  const { transition, queued, before, decidedAt } = await withRetries(
    scope,
    async () => {
      const read = known ?? (await readState(scope, deps));
      known = undefined;
      const upgraded = upgradeState(read.value);
      const now = iso(clock(deps));
      const transition = step(upgraded.state, now);
      const out = alertsOf(transition, policy, options.latest);
      const changed = transition.state !== read.value;
      const writes: ItemWrite[] = changed
        ? [
            {
              key: scopeKey(scope),
              value: transition.state,
              expectedVersion: read.version,
              ttlSeconds: STATE_TTL_SECONDS,
              wakeAt: wakeAt(transition.state),
            },
          ]
        : [];
      const lease = leaseEnd(deps);
      const newAlerts: NewAlert[] = [
        ...upgraded.queue,
        ...out.queue.map((q) => ({ ...q, leaseUntil: q.status === 'PENDING' ? lease : undefined })),
      ];
      const release = out.release.map((alertId) => ({ alertId, leaseUntil: lease }));
      const queued = await commitAlerts({ now, writes, newAlerts, release, drop: out.drop }, deps, options.event, {
        scope,
        stopCount: transition.state.incident?.stopCount,
      });
      return { transition, queued, before: upgraded.state, decidedAt: now };
    },
    { ...deps, onConflict: () => deps.counter.count('StateWriteConflicts') },
  );
  await armHoldTimer(scope, transition, deps);
  await deliverQueued(queued, deps);
  await recordHistory(incidentChanges(scope, before, transition, decidedAt), deps);
  return transition;
}

/** Alerts this invocation committed and holds the lease of: the new ones with their content, released ones by id. */
export interface Queued {
  alerts: Alert[];
  released: string[];
}

/**
 * Commits alerts (with any item writes and the event's claim) and returns what this invocation
 * must publish. Alerts a silence holds are committed SILENCED (the gate, `silence-gate.ts`). An alert
 * too large for its item is cut down (log lines, then evidence) and retried.
 */
export async function commitAlerts(
  commit: Omit<Commit, 'completeEvent'>,
  deps: SilencingDeps,
  event?: ClaimedEvent,
  context?: SilenceContext,
): Promise<Queued> {
  const gated = await applySilences(commit, deps, context);
  let pending: Commit = {
    ...gated.commit,
    newAlerts: gated.commit.newAlerts.map((a) => ({ ...a, alert: fitAlert(a.alert) })),
  };
  for (let attempt = 1; ; attempt++) {
    const alertIds = [
      ...pending.newAlerts.filter((a) => a.status === 'PENDING').map((a) => alertIdOf(a.alert)),
      ...pending.release.map((r) => r.alertId),
    ];
    try {
      const { skipped } = await deps.store.commit({
        ...pending,
        completeEvent: event && { ...event, alertIds },
      });
      if (event) event.done = true;
      const known = new Set(skipped);
      await reportSilenced(
        gated.silenced.filter((s) => !known.has(alertIdOf(s.alert))),
        commit.now,
        deps,
      );
      return {
        alerts: pending.newAlerts
          .filter((a) => a.status === 'PENDING' && a.leaseUntil && !known.has(alertIdOf(a.alert)))
          .map((a) => a.alert),
        released: pending.release.filter((r) => !known.has(r.alertId)).map((r) => r.alertId),
      };
    } catch (error) {
      if (!(error instanceof ItemTooLargeError) || !error.alertId || attempt > 3) throw error;
      // Half the size each time: log lines go first, then the evidence (never the alert itself).
      pending = {
        ...pending,
        newAlerts: pending.newAlerts.map((a) =>
          alertIdOf(a.alert) === error.alertId ? { ...a, alert: fitAlert(a.alert, jsonBytes(a.alert) / 2) } : a,
        ),
      };
    }
  }
}

/** Publishes what a commit queued under this invocation's lease; failures stay in the outbox. */
export async function deliverQueued(queued: Queued, deps: DeliveryDeps): Promise<void> {
  for (const alert of queued.alerts) await publishLeased(alert, deps);
  for (const alertId of queued.released) {
    const record = await deps.store.getAlert(alertId).catch(() => undefined);
    if (record) await publishLeased(record.alert, deps);
  }
}

/**
 * The group wait's timer: a delayed SQS message at the release time. Sent after the commit and
 * best-effort: if SQS refuses it (or the invocation dies first), the sweep finds the incident due.
 */
async function armHoldTimer(scope: string, transition: Transition, deps: IncidentDeps): Promise<void> {
  for (const effect of transition.effects) {
    if (effect.type !== 'hold') continue;
    try {
      await deps.timers.schedule({
        type: 'release-held',
        scope,
        incidentId: effect.incidentId,
        dueAt: effect.releaseAt,
      });
    } catch (error) {
      deps.counter.count('TimerSendFailures');
      deps.log.warn('Arming the group-wait timer failed: the sweep releases the alert instead', {
        scope,
        reason: errorMessage(error),
      });
    }
  }
}

/** Queues alerts (with any item writes, and the event's claim) and publishes them: the rollout and capacity paths. */
export async function queueAndDeliver(
  alerts: Alert[],
  deps: DeliveryDeps,
  options: { writes?: ItemWrite[]; event?: ClaimedEvent } = {},
): Promise<Queued> {
  const lease = leaseEnd(deps);
  const newAlerts: NewAlert[] = alerts.map((alert) => ({
    alert: { ...alert, alertId: alertIdOf(alert) },
    status: 'PENDING',
    leaseUntil: lease,
  }));
  const queued = await commitAlerts(
    { now: iso(clock(deps)), writes: options.writes ?? [], newAlerts, release: [], drop: [] },
    deps,
    options.event,
  );
  await deliverQueued(queued, deps);
  return queued;
}

/**
 * Handles an event once for the life of its claim (README "Delivery"): a duplicate, a retry after
 * the decision was committed, a replayed or redriven copy only finishes delivering the alerts the
 * first handling queued. A failure before the commit gives the claim back, so the retry decides.
 */
export async function oncePerEvent<T>(
  eventId: string,
  deps: DeliveryDeps,
  handle: (event: ClaimedEvent) => Promise<T>,
  duplicate: () => T,
): Promise<T> {
  const claim = await throttled(eventId, () => deps.store.claimEvent(eventId, EVENT_LEASE_SECONDS), deps);
  if (claim.status === 'duplicate') {
    await deliverPending(claim.alertIds, deps);
    deps.counter.count('DuplicateEvents');
    deps.log.info('Duplicate event: already handled', { eventId });
    return duplicate();
  }
  const event: ClaimedEvent = { eventId, token: claim.token };
  try {
    const outcome = await handle(event);
    if (!event.done)
      await commitAlerts({ now: iso(clock(deps)), writes: [], newAlerts: [], release: [], drop: [] }, deps, event);
    return outcome;
  } catch (error) {
    await deps.store.releaseEvent(eventId, claim.token).catch(() => undefined);
    throw error;
  }
}
