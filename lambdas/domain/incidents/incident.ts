/**
 * Incidents, not alert storms (docs/architecture.md, "The incident model"): one record per service (or standalone task family) that
 * turns a stream of stops into at most a few messages. Pure: time is an argument, no I/O.
 *
 * - The first actionable stop opens an incident. With a group wait (like Alertmanager's
 *   `group_wait`) its alert is held briefly, so that a crash loop pages once, as a loop.
 * - Further stops are absorbed: counted, never paged again, while the incident is open.
 * - `threshold` stops within `windowMs` make it a RESTART_LOOP: paged once (instead of the held
 *   alert, or as one escalation when the single-stop alert already went out).
 * - Steady state, or `quietMs` without stops, closes it; a closed loop announces RECOVERED. One
 *   quiet-period timer runs per incident: armed when it opens, re-armed when it fires too early.
 * - A stop of a newer task definition revision starts a new incident; stops of older revisions
 *   (still draining, or delivered late) join the open one.
 *
 * Transitions return decisions; {@link alertsOf} turns them into the alerts to queue, release or drop
 * (the outbox, README "Delivery"). Alerts never live in the state item, so it stays small (bounded by
 * the loop threshold, never by the number of stops or the length of an outage).
 */
import { type Alert, alertIdOf, bySeverity } from '../alerts/alert';
import { buildLoopAlert, buildRecoveredAlert, loopSeverity } from '../alerts/build-incident-alert';
import type { Severity } from '../stops/taxonomy';

/** The restart-loop settings (their defaults and ranges: lambdas/domain/settings/settings.ts). */
export interface LoopPolicy {
  /** Actionable stops within the window that make a restart loop (≥ 2). */
  threshold: number;
  windowMs: number;
  /** How long the first alert of an incident is held, waiting for a loop to form; 0 pages at once. */
  groupWaitMs: number;
  /** Without stops for this long, an open incident closes. */
  quietMs: number;
}

export interface StopRecord {
  eventId: string;
  /** ISO time the task stopped. */
  at: string;
  taskArn: string;
  taskDefinition: string;
  category: string;
  culprit?: string;
  reason?: string;
  exitCode?: number;
}

export type IncidentStatus = 'HELD' | 'OPEN';

/** Where the incident happens: copied from its first alert, reused by the loop and recovery alerts. */
export type IncidentScope = Pick<Alert, 'account' | 'region' | 'cluster' | 'service' | 'team' | 'links'>;

export interface Incident {
  id: string;
  scope: IncidentScope;
  status: IncidentStatus;
  kind: 'TASK_STOPPED' | 'RESTART_LOOP';
  openedAt: string;
  /** Event time of the latest stop. */
  lastSeenAt: string;
  /**
   * Wall-clock time the watchdog last recorded a stop. Timers run on it, not on event times: events
   * retried late by EventBridge must not open and close an incident in the same instant.
   */
  lastActivityAt: string;
  /** Wall-clock time the held alert is due, while one is held. */
  heldUntil?: string;
  /**
   * Due time of the one live quiet-period timer. A timer for another time is a stale copy (a
   * duplicate delivery re-armed it) and ends there, so copies never multiply into chains.
   */
  quietCheckAt?: string;
  taskDefinition: string;
  stopCount: number;
  categories: Record<string, number>;
  /** The last few stops, newest last: the loop alert's "last reasons". */
  recent: StopRecord[];
  /** The id of the first alert, while it is held for the group wait (the alert is an outbox item). */
  heldAlertId?: string;
  /** Written by releases before the outbox had items of its own; moved to the outbox when read. */
  heldAlert?: Alert;
  /** When the loop page went out, if it did. */
  loopPagedAt?: string;
  /** The severity of the incident's first alert (paged at once, or when the group wait ends). */
  firstSeverity?: Severity;
  /** The severities of the pages that went out for the incident: its all-clear carries them all. */
  pagedSeverities?: Severity[];
}

/** Everything the watchdog remembers about one service. */
export interface ServiceState {
  /** Actionable stops inside the window, for the current revision. */
  stops: StopRecord[];
  incident?: Incident;
  /** Written by releases that kept the outbox in this item; moved to the outbox's own items when read. */
  outbox?: { alert: Alert }[];
}

export const EMPTY_STATE: ServiceState = { stops: [] };

/** What the caller must do after a transition: publish, hold, schedule a check, or nothing. */
export type Effect =
  | { type: 'page-single' }
  | { type: 'hold'; incidentId: string; releaseAt: string; alert: Alert }
  | { type: 'page-loop'; incident: Incident }
  | { type: 'page-held'; alertId: string }
  | { type: 'drop-held'; alertId: string }
  | { type: 'page-recovered'; incident: Incident; closedAt: string; reason: string }
  | { type: 'check-quiet'; incidentId: string; checkAt: string }
  | { type: 'absorbed'; incidentId: string }
  | { type: 'duplicate' }
  | { type: 'closed-silently'; incidentId: string; reason: string };

export interface Transition {
  state: ServiceState;
  effects: Effect[];
}

const RECENT = 5;
/** A stop's reason is kept to this many characters: stop records are what the state item is made of. */
export const REASON_MAX = 256;

/** `incident/<cluster>/<service or family>/<revision>/<opened-at epoch ms>` */
export function incidentIdFor(scope: string, taskDefinition: string, openedAt: string): string {
  const revision = taskDefinition.split(':')[1] ?? taskDefinition;
  return `incident/${scope}/${revision}/${Date.parse(openedAt)}`;
}

/**
 * An actionable stop arrives. `firstAlert` is the alert this stop would page on its own; it is
 * held or paged only when the stop opens an incident.
 */
export function recordStop(
  scope: string,
  state: ServiceState,
  stop: StopRecord,
  firstAlert: Alert,
  policy: LoopPolicy,
  options: {
    pageSingleStops?: boolean;
    now?: string;
    /** Count stops of every revision together (Spot interruptions take any revision's tasks). */
    anyRevision?: boolean;
  } = {},
): Transition {
  const pageSingleStops = options.pageSingleStops ?? true;
  const now = options.now ?? stop.at;
  if (state.stops.some((s) => s.eventId === stop.eventId)) return { state, effects: [{ type: 'duplicate' }] };
  stop = { ...stop, reason: stop.reason?.slice(0, REASON_MAX) };
  const effects: Effect[] = [];
  let incident = state.incident;
  let stops = state.stops;

  // A newer revision is a new story: the old incident ends without a recovery notice. Stops of an
  // older revision (still draining during a rolling deployment, or delivered late) join the open one.
  const superseded =
    !options.anyRevision && incident !== undefined && isNewerRevision(stop.taskDefinition, incident.taskDefinition);
  if (incident && superseded) {
    if (incident.heldAlertId) effects.push({ type: 'page-held', alertId: incident.heldAlertId });
    effects.push({ type: 'closed-silently', incidentId: incident.id, reason: `superseded by ${stop.taskDefinition}` });
    incident = undefined;
  }
  // The newest `threshold` stops decide whether there is a loop; keeping no more bounds the item size.
  stops = [...stops.filter((s) => !superseded || s.taskDefinition === stop.taskDefinition), stop]
    .filter((s) => Date.parse(stop.at) - Date.parse(s.at) < policy.windowMs)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .slice(-policy.threshold);
  const quietCheckAt = later(now, policy.quietMs);

  if (!incident) {
    const id = incidentIdFor(scope, stop.taskDefinition, stop.at);
    const hold = pageSingleStops && policy.groupWaitMs > 0;
    const opened: Incident = {
      id,
      scope: {
        account: firstAlert.account,
        region: firstAlert.region,
        cluster: firstAlert.cluster,
        service: firstAlert.service,
        team: firstAlert.team,
        links: firstAlert.links.filter((l) => !l.label.startsWith('Task') || l.label.startsWith('Task definition')),
      },
      status: hold ? 'HELD' : 'OPEN',
      kind: 'TASK_STOPPED',
      openedAt: stop.at,
      lastSeenAt: stop.at,
      lastActivityAt: now,
      heldUntil: hold ? later(now, policy.groupWaitMs) : undefined,
      taskDefinition: stop.taskDefinition,
      stopCount: 1,
      categories: { [stop.category]: 1 },
      recent: [stop],
      heldAlertId: hold ? alertIdOf(firstAlert) : undefined,
      quietCheckAt,
      firstSeverity: firstAlert.severity,
      pagedSeverities: pageSingleStops && !hold ? [firstAlert.severity] : [],
    };
    const first: Effect = hold
      ? {
          type: 'hold',
          incidentId: id,
          releaseAt: later(now, policy.groupWaitMs),
          alert: { ...firstAlert, incidentId: id },
        }
      : pageSingleStops
        ? { type: 'page-single' }
        : { type: 'absorbed', incidentId: id };
    effects.push(first, { type: 'check-quiet', incidentId: id, checkAt: quietCheckAt });
    return { state: { ...state, stops, incident: opened }, effects };
  }

  // An incident that never paged (a Spot count below the storm line) starts over once all its earlier
  // stops have left the window, so a storm page counts the burst, not hours of trickle before it.
  const restart = !pageSingleStops && incident.kind !== 'RESTART_LOOP' && stops.length === 1;
  const base: Incident = restart
    ? { ...incident, openedAt: stop.at, stopCount: 0, categories: {}, recent: [] }
    : incident;
  const updated: Incident = {
    ...base,
    lastSeenAt: maxTime(incident.lastSeenAt, stop.at),
    lastActivityAt: maxTime(incident.lastActivityAt ?? incident.lastSeenAt, now),
    stopCount: base.stopCount + 1,
    categories: { ...base.categories, [stop.category]: (base.categories[stop.category] ?? 0) + 1 },
    recent: [...base.recent, stop].slice(-RECENT),
  };
  if (updated.kind === 'TASK_STOPPED' && stops.length >= policy.threshold) {
    const loop: Incident = {
      ...updated,
      // The loop page names the team of its latest stop: the all-clear must reach the same subscriptions.
      scope: { ...updated.scope, team: firstAlert.team ?? updated.scope.team },
      kind: 'RESTART_LOOP',
      status: 'OPEN',
      heldAlertId: undefined,
      heldUntil: undefined,
      loopPagedAt: stop.at,
    };
    loop.pagedSeverities = bySeverity([...(updated.pagedSeverities ?? []), loopSeverity(loop)]);
    // The loop page replaces the held alert: on-call gets one page, as a loop.
    if (incident.heldAlertId) effects.push({ type: 'drop-held', alertId: incident.heldAlertId });
    effects.push({ type: 'page-loop', incident: loop });
    return { state: { ...state, stops, incident: loop }, effects };
  }
  effects.push({ type: 'absorbed', incidentId: updated.id });
  return { state: { ...state, stops, incident: updated }, effects };
}

/** The group wait is over: page the held alert unless a loop page replaced it. */
export function releaseHeld(state: ServiceState, incidentId: string): Transition {
  const incident = state.incident;
  if (!incident || incident.id !== incidentId || incident.status !== 'HELD' || !incident.heldAlertId) {
    return { state, effects: [] };
  }
  return {
    state: {
      ...state,
      incident: { ...withHeldPaged(incident), status: 'OPEN', heldAlertId: undefined, heldUntil: undefined },
    },
    effects: [{ type: 'page-held', alertId: incident.heldAlertId }],
  };
}

/** The held first alert goes out: its severity is one the incident paged at. */
function withHeldPaged(incident: Incident): Incident {
  if (!incident.firstSeverity) return incident;
  return { ...incident, pagedSeverities: bySeverity([...(incident.pagedSeverities ?? []), incident.firstSeverity]) };
}

/**
 * The sweep found the item due (README "Delivery"): whatever timer should have fired by `now` fires,
 * so an incident never depends on a timer message surviving.
 */
export function wakeUp(state: ServiceState, now: string, policy: LoopPolicy): Transition {
  const incident = state.incident;
  if (!incident) return { state, effects: [] };
  const released =
    incident.status === 'HELD' && incident.heldUntil && incident.heldUntil <= now
      ? releaseHeld(state, incident.id)
      : { state, effects: [] };
  const quietAt = released.state.incident?.quietCheckAt;
  if (!quietAt || quietAt > now) return released;
  const closed = closeIfQuiet(released.state, incident.id, now, policy, quietAt);
  return { state: closed.state, effects: [...released.effects, ...closed.effects] };
}

/** When the sweep must look at a scope: its held alert's release, else its next quiet check. */
export function wakeAt(state: ServiceState): string | undefined {
  const incident = state.incident;
  if (!incident) return undefined;
  if (incident.status === 'HELD' && incident.heldUntil) return incident.heldUntil;
  return incident.quietCheckAt;
}

/** A quiet-period check fires: close the incident if no stop came for `quietMs`. */
export function closeIfQuiet(
  state: ServiceState,
  incidentId: string,
  now: string,
  policy: LoopPolicy,
  dueAt?: string,
): Transition {
  const incident = state.incident;
  if (!incident || incident.id !== incidentId) return { state, effects: [] };
  if (dueAt && incident.quietCheckAt && dueAt !== incident.quietCheckAt) return { state, effects: [] };
  const quietAt = new Date(Date.parse(incident.lastActivityAt ?? incident.lastSeenAt) + policy.quietMs).toISOString();
  if (Date.parse(now) < Date.parse(quietAt)) {
    // Stops came since the check was armed: check again when the last one has been quiet long enough.
    return {
      state: { ...state, incident: { ...incident, quietCheckAt: quietAt } },
      effects: [{ type: 'check-quiet', incidentId, checkAt: quietAt }],
    };
  }
  return close(state, now, `no further stops for ${Math.round(policy.quietMs / 60_000)} min`);
}

/**
 * The service reached a steady state: whatever was open is over. ECS also reports steady state
 * between the crashes of tasks that die minutes after starting, so one that comes within the grace
 * period of the last stop does not close the incident (the quiet-period timer will).
 */
export function closeOnSteadyState(
  state: ServiceState,
  eventTime: string,
  options: { onlyPaged?: boolean } = {},
): Transition {
  const incident = state.incident;
  if (!incident) return { state, effects: [] };
  // A Spot storm in the making is not over because ECS replaced the last reclaimed task.
  if (options.onlyPaged && incident.kind !== 'RESTART_LOOP') return { state, effects: [] };
  if (Date.parse(eventTime) - Date.parse(incident.lastSeenAt) < STEADY_STATE_GRACE_MS) return { state, effects: [] };
  return close(state, eventTime, 'the service reached a steady state');
}

export const STEADY_STATE_GRACE_MS = 2 * 60_000;

/**
 * A failed deployment is being reported as one rollout story: the open incident of the failed
 * revision (typically the restart loop its tasks made before the circuit breaker tripped) ends there,
 * without a recovery notice of its own. Returns the folded incident for the rollout alert to mention.
 */
export function foldIntoRollout(
  state: ServiceState,
  failedRevision: string,
  now: string,
): Transition & { folded?: Incident } {
  const incident = state.incident;
  if (!incident || incident.taskDefinition !== failedRevision) return { state, effects: [] };
  // A held alert is not paged: the rollout alert tells its story and names the folded incident.
  const effects: Effect[] = [];
  if (incident.heldAlertId) effects.push({ type: 'drop-held', alertId: incident.heldAlertId });
  effects.push({
    type: 'closed-silently',
    incidentId: incident.id,
    reason: `folded into the rollout of ${failedRevision} (${now})`,
  });
  return { state: { stops: [] }, effects, folded: incident };
}

function later(time: string, ms: number): string {
  return new Date(Date.parse(time) + ms).toISOString();
}

function close(state: ServiceState, now: string, reason: string): Transition {
  const incident = state.incident;
  if (!incident) return { state, effects: [] };
  const effects: Effect[] = [];
  // A held alert is never dropped: the stop happened, even if the service recovered since.
  if (incident.heldAlertId) effects.push({ type: 'page-held', alertId: incident.heldAlertId });
  effects.push(
    incident.kind === 'RESTART_LOOP'
      ? { type: 'page-recovered', incident, closedAt: now, reason }
      : { type: 'closed-silently', incidentId: incident.id, reason },
  );
  return { state: { stops: [] }, effects };
}

function maxTime(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** What a transition means for the outbox: alerts to queue (or hold), held alerts to release or drop. */
export interface Outgoing {
  queue: { alert: Alert; status: 'HELD' | 'PENDING' }[];
  release: string[];
  drop: string[];
}

/**
 * Turns a transition's page effects into outbox changes. `latest` is the alert of the stop being
 * recorded (its evidence goes into a loop page); absent for timer and steady-state transitions, which
 * page only held or recovery alerts. Every alert gets its stable id here.
 */
export function alertsOf(transition: Transition, policy: LoopPolicy, latest?: Alert): Outgoing {
  const out: Outgoing = { queue: [], release: [], drop: [] };
  const queue = (alert: Alert, status: 'HELD' | 'PENDING') =>
    out.queue.push({ alert: { ...alert, alertId: alertIdOf(alert) }, status });
  for (const effect of transition.effects) {
    if (effect.type === 'page-single' && latest)
      queue({ ...latest, incidentId: transition.state.incident?.id ?? latest.incidentId }, 'PENDING');
    if (effect.type === 'hold') queue(effect.alert, 'HELD');
    if (effect.type === 'page-loop' && latest) queue(buildLoopAlert(effect.incident, latest, policy), 'PENDING');
    if (effect.type === 'page-held') out.release.push(effect.alertId);
    if (effect.type === 'drop-held') out.drop.push(effect.alertId);
    if (effect.type === 'page-recovered')
      queue(buildRecoveredAlert(effect.incident, effect.closedAt, effect.reason), 'PENDING');
  }
  return out;
}

/**
 * A state written by an earlier release kept its alerts inside the item (a held alert, an outbox):
 * they move to the outbox's own items, as held and pending alerts.
 */
export function upgradeState(state: ServiceState): { state: ServiceState; queue: Outgoing['queue'] } {
  const legacyHeld = state.incident?.heldAlert;
  if (!legacyHeld && !state.outbox) return { state, queue: [] };
  const queue: Outgoing['queue'] = (state.outbox ?? []).map((e) => ({
    alert: { ...e.alert, alertId: alertIdOf(e.alert) },
    status: 'PENDING' as const,
  }));
  const { outbox: _outbox, ...rest } = state;
  if (!legacyHeld || !rest.incident) return { state: rest, queue };
  const { heldAlert: _held, ...incident } = rest.incident;
  queue.push({ alert: { ...legacyHeld, alertId: alertIdOf(legacyHeld) }, status: 'HELD' });
  return { state: { ...rest, incident: { ...incident, heldAlertId: alertIdOf(legacyHeld) } }, queue };
}

/** Whether a transition pages (and so needs the stop's alert, enrichment included). */
export function pages(transition: Transition): boolean {
  return transition.effects.some((e) => e.type === 'page-single' || e.type === 'page-loop' || e.type === 'hold');
}

/**
 * Whether `candidate` is a newer revision than `current`: of the same family with a higher number,
 * or of another family (a service moved to a new task definition family).
 */
export function isNewerRevision(candidate: string, current: string): boolean {
  if (candidate === current) return false;
  const [family, revision] = candidate.split(':');
  const [currentFamily, currentRevision] = current.split(':');
  if (family !== currentFamily) return true;
  return Number(revision) > Number(currentRevision);
}

/** Spot interruptions of one service within the loop window that make a storm worth a page. */
export const SPOT_STORM_THRESHOLD = 5;

/** The loop policy Spot interruptions are counted by: at least {@link SPOT_STORM_THRESHOLD} make a storm. */
export function spotStormPolicy(policy: LoopPolicy): LoopPolicy {
  return { ...policy, threshold: Math.max(SPOT_STORM_THRESHOLD, policy.threshold) };
}

/**
 * A Spot interruption is routine one by one, but counted per service (every revision together): a
 * storm of them pages once, as a RESTART_LOOP of category SPOT_INTERRUPTION. `policy` is the Spot one.
 */
export function recordSpotInterruption(
  scope: string,
  state: ServiceState,
  stop: StopRecord,
  alert: Alert,
  policy: LoopPolicy,
  now: string,
): Transition {
  return recordStop(scope, state, stop, alert, policy, { pageSingleStops: false, now, anyRevision: true });
}
