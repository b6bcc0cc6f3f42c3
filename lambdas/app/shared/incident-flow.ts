import type { AlertPublisher } from '../../adapters/alert-publisher';
import { type StateStore, VersionConflictError, type Versioned } from '../../adapters/state-store';
import type { TimerQueue } from '../../adapters/timer-queue';
import type { Alert } from '../../domain/alerts/alert';
import {
  type Effect,
  EMPTY_STATE,
  type LoopPolicy,
  type OutboxEntry,
  type ServiceState,
  type Transition,
  timersOf,
  withPages,
} from '../../domain/incidents/incident';
import type { Counter, Log } from './telemetry';

export interface IncidentDeps {
  store: StateStore;
  timers: TimerQueue;
  publisher: AlertPublisher;
  policy: LoopPolicy;
  log: Log;
  counter: Counter;
  now?: () => number;
}

/** Incident items outlive any incident: a week after the last write, DynamoDB's TTL removes them. */
const STATE_TTL_SECONDS = 7 * 24 * 3600;
/**
 * An outbox entry older than a function's timeout (30 s) was left by an attempt that failed or died
 * before publishing it: any invocation flushes it. Lambda retries a failed event after a minute at
 * the earliest, so the retry always finds its own entries stale.
 */
const STALE_OUTBOX_MS = 30_000;
const MAX_ATTEMPTS = 10;

export const stateKey = (scope: string) => `scope#${scope}`;

export function readState(scope: string, deps: IncidentDeps) {
  return deps.store.get<ServiceState>(stateKey(scope), EMPTY_STATE);
}

/**
 * Applies one transition to a scope's state with optimistic locking (a concurrent writer makes us
 * re-read and re-decide, so two invocations never both open an incident), then publishes what the
 * transition queued in the outbox and arms its timers. `latest` is the alert of the stop being
 * recorded, when there is one.
 */
export async function advance<T extends Transition>(
  scope: string,
  step: (state: ServiceState, now: string) => T,
  deps: IncidentDeps,
  latest?: Alert,
  /** The state as the caller already read it: saves the first read. */
  known?: Versioned<ServiceState>,
): Promise<T> {
  const now = deps.now ?? Date.now;
  let fresh = known;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const { value, version } = fresh ?? (await readState(scope, deps));
    fresh = undefined;
    const nowIso = new Date(now()).toISOString();
    const transition = withPages(step(value, nowIso), deps.policy, nowIso, latest);
    // Timers are sent before the decision is written: if sending fails, nothing was written and the
    // retry (or the redelivered timer) decides again; a timer that turns out not to be needed does
    // nothing when it fires. Written first, a lost timer could leave an incident open for good.
    // A stop already recorded is a retry (or a concurrent duplicate): the attempt that recorded it may
    // have died before arming its timers, so they are re-armed from the state.
    const retry = transition.effects.some((e) => e.type === 'duplicate');
    await armTimers(scope, retry ? timersOf(transition.state, deps.policy) : transition.effects, deps);
    if (transition.state !== value) {
      try {
        await deps.store.put(stateKey(scope), transition.state, version, STATE_TTL_SECONDS);
      } catch (error) {
        if (error instanceof VersionConflictError) {
          deps.counter.count('StateWriteConflicts');
          await backOff(attempt);
          continue;
        }
        throw error;
      }
    }
    // What a failed attempt left in the outbox is stale by now and flushed below.
    const mine = new Set((transition.state.outbox ?? []).map((e) => e.alert.dedupeKey));
    for (const old of value.outbox ?? []) mine.delete(old.alert.dedupeKey);
    const written = { value: transition.state, version: transition.state !== value ? version + 1 : version };
    await flushOutbox(scope, written, mine, deps);
    return transition;
  }
  throw new ContentionError(`${scope}: gave up after ${MAX_ATTEMPTS} conflicting writes`);
}

/** Publishes this transition's alerts and any stale leftovers, removing each from the outbox once SNS took it. */
async function flushOutbox(
  scope: string,
  written: Versioned<ServiceState>,
  mine: Set<string>,
  deps: IncidentDeps,
): Promise<void> {
  const now = (deps.now ?? Date.now)();
  const outbox = written.value.outbox ?? [];
  const stale = (e: OutboxEntry) =>
    now - Date.parse(e.queuedAt) >= STALE_OUTBOX_MS && (!e.claimedUntil || Date.parse(e.claimedUntil) <= now);
  const due = outbox.filter((e) => mine.has(e.alert.dedupeKey) || stale(e));
  let known: Versioned<ServiceState> | undefined = written;
  for (const entry of due) {
    if (!mine.has(entry.alert.dedupeKey)) {
      // Left behind by a failed attempt, and visible to every invocation: only the one that claims it publishes.
      known = await claimStale(scope, entry.alert.dedupeKey, now, deps, known);
      if (!known) continue;
    }
    const messageId = await deps.publisher.publish(entry.alert);
    deps.counter.count('AlertsPublished');
    deps.log.info('Alert published', {
      kind: entry.alert.kind,
      category: entry.alert.category,
      incidentId: entry.alert.incidentId,
      messageId,
    });
    known = await removeFromOutbox(scope, entry.alert.dedupeKey, deps, known);
  }
}

/** Too many invocations wrote the same item at once (a burst of stops of one service). */
export class ContentionError extends Error {
  override readonly name = 'ContentionError';
}

/** Marks a stale entry as being published by this invocation; undefined when another claimed it first. */
async function claimStale(
  scope: string,
  dedupeKey: string,
  now: number,
  deps: IncidentDeps,
  known?: Versioned<ServiceState>,
): Promise<Versioned<ServiceState> | undefined> {
  const { value, version } = known ?? (await readState(scope, deps));
  const entry = value.outbox?.find((e) => e.alert.dedupeKey === dedupeKey);
  if (!entry || (entry.claimedUntil && Date.parse(entry.claimedUntil) > now)) return undefined;
  // Twice a function's timeout: the claimant has published or died by then, SDK retries included.
  const claimedUntil = new Date(now + 2 * STALE_OUTBOX_MS).toISOString();
  const next = {
    ...value,
    outbox: (value.outbox ?? []).map((e) => (e.alert.dedupeKey === dedupeKey ? { ...e, claimedUntil } : e)),
  };
  try {
    await deps.store.put(stateKey(scope), next, version, STATE_TTL_SECONDS);
    return { value: next, version: version + 1 };
  } catch (error) {
    if (error instanceof VersionConflictError) return undefined;
    throw error;
  }
}

/** Jittered exponential backoff between conflicting writes (a burst of stops of one service). */
function backOff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(1000, 20 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Removes one published entry; tries the state this invocation wrote last before reading it again. */
async function removeFromOutbox(
  scope: string,
  dedupeKey: string,
  deps: IncidentDeps,
  known?: Versioned<ServiceState>,
): Promise<Versioned<ServiceState> | undefined> {
  let fresh = known;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const { value, version } = fresh ?? (await readState(scope, deps));
    fresh = undefined;
    const outbox = value.outbox ?? [];
    if (!outbox.some((e) => e.alert.dedupeKey === dedupeKey)) return undefined;
    const next = { ...value, outbox: outbox.filter((e) => e.alert.dedupeKey !== dedupeKey) };
    try {
      await deps.store.put(stateKey(scope), next, version, STATE_TTL_SECONDS);
      return { value: next, version: version + 1 };
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      await backOff(attempt);
    }
  }
  throw new Error(`${scope}: could not clear ${dedupeKey} from the outbox`);
}

async function armTimers(scope: string, effects: Effect[], deps: IncidentDeps): Promise<void> {
  for (const effect of effects) {
    if (effect.type === 'hold') {
      await deps.timers.schedule({
        type: 'release-held',
        scope,
        incidentId: effect.incidentId,
        dueAt: effect.releaseAt,
      });
    } else if (effect.type === 'check-quiet') {
      await deps.timers.schedule({ type: 'check-quiet', scope, incidentId: effect.incidentId, dueAt: effect.checkAt });
    }
  }
}
