/**
 * The fault model's world (README "Delivery", `npm run bench:faults`): a simulated clock, invocations
 * that can die between any two of their calls, Lambda's asynchronous invocation semantics (attempt,
 * retry a minute later, again two minutes later, then the on-failure dead-letter queue), SQS timer
 * semantics (delay, visibility timeout, maxReceiveCount, then the dead-letter queue), and fakes of SNS
 * and SQS that can be down for a window or refuse the key. The real processing code runs inside it,
 * against the in-memory incident store, whose hooks inject throttling, conflicts and size limits.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { MemoryIncidentStore, type StoreOperation } from '../../../lambdas/adapters/memory-incident-store';
import type { TimerMessage } from '../../../lambdas/adapters/timer-queue';
import { type Alert, alertIdOf } from '../../../lambdas/domain/alerts/alert';
import { VersionConflictError } from '../../../lambdas/domain/incidents/incident-store';
import { seededRandom } from '../random';

export const T0 = Date.parse('2026-11-26T03:00:00Z');
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** Lambda's asynchronous retries (README "Delivery"): after 1 min, then 2 min more; then the DLQ. */
export const ASYNC_RETRY_DELAYS = [MINUTE, 2 * MINUTE];
/** infra/incidents.ts: visibility timeout 180 s, 5 receives, delays of at most 900 s. */
export const TIMER_VISIBILITY_MS = 180_000;
export const TIMER_MAX_RECEIVES = 5;
const MAX_DELAY_MS = 900_000;

export type InvocationKind = 'event' | 'timer' | 'sweep' | 'scan';

/** A window of simulated time, in ms after {@link T0}. */
export interface Window {
  from: number;
  to: number;
}

export interface Faults {
  /** SNS answers 5xx. */
  snsDown?: Window;
  /** The topic's KMS key refuses SNS (KMSAccessDenied). */
  kmsDenied?: Window;
  /** The timer queue refuses SendMessage. */
  sqsDown?: Window;
  /** Every `every`-th store call in the window is throttled (after the SDK's own retries). */
  throttle?: Window & { every: number };
  /** Every `every`-th conditional write (put, commit) in the window conflicts. */
  conflicts?: Window & { every: number };
  /** DynamoDB refuses alert items above this many bytes in the window (the alert is too big to keep). */
  itemLimit?: Window & { bytes: number };
  /**
   * Invocations die: before their `step`-th call to the store, SNS or SQS (or, with `step` = 'end',
   * after their last one, before Lambda hears of the success), or right after SNS accepted their
   * `publish`-th message. Only first attempts, or every attempt of the events named in `events`.
   */
  die?: {
    kind: InvocationKind;
    step?: number | 'end';
    afterPublish?: number;
    attempts: 'first' | 'all';
    events?: string[];
  };
  /** Every event is delivered twice by EventBridge: the copy this long after the original (0: together). */
  duplicateAfter?: number;
}

/** What on-call received: one line per message SNS accepted. */
export interface Delivery {
  alertId: string;
  group: string;
  at: number;
  /** The invocation that published it died right after SNS accepted it. */
  diedAfterAcceptance: boolean;
}

export class InvocationDied extends Error {
  override readonly name = 'InvocationDied';
}

interface Invocation {
  kind: InvocationKind;
  attempt: number;
  eventId?: string;
  steps: number;
  published: Delivery[];
  dead: boolean;
}

interface Task {
  at: number;
  seq: number;
  run: () => Promise<void>;
}

/** The group of an alert for counting pages "as on-call sees them": whose, what kind, what category. */
export function groupOf(alert: Alert): string {
  return `${alert.service ?? alert.cluster ?? 'account'}:${alert.kind}:${alert.category}`;
}

export class World {
  now = T0;
  readonly deliveries: Delivery[] = [];
  /** Every event delivered through EventBridge, for the end-of-scenario late duplicates. */
  readonly events: Record<string, unknown>[] = [];
  readonly deadLetters: (
    | { kind: 'event'; event: Record<string, unknown>; handle: (event: Record<string, unknown>) => Promise<unknown> }
    | { kind: 'timer'; body: string }
  )[] = [];
  /** Invocations that died after SNS accepted a message whose delivery they had not recorded yet. */
  deathsAfterAcceptance = 0;
  readonly store: MemoryIncidentStore;
  private readonly tasks: Task[] = [];
  private seq = 0;
  private readonly context = new AsyncLocalStorage<Invocation>();
  private storeCalls = 0;
  private writeCalls = 0;

  constructor(readonly faults: Faults = {}) {
    this.store = new MemoryIncidentStore(() => this.now, {
      before: (operation) => this.beforeStoreCall(operation),
    });
  }

  /** Simulated time passes while a retry backs off. */
  readonly pacing = {
    sleep: async (ms: number) => {
      this.now += ms;
    },
    random: seededRandom(42),
  };

  at(time: number, run: () => Promise<void>): void {
    this.tasks.push({ at: time, seq: this.seq++, run });
  }

  /** Runs every task due by `end`, in time order; tasks due at the same instant run concurrently. */
  async runUntil(end: number): Promise<void> {
    for (;;) {
      this.tasks.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const first = this.tasks[0];
      if (!first || first.at > end) break;
      const batch = this.tasks.filter((t) => t.at === first.at);
      for (const t of batch) this.tasks.splice(this.tasks.indexOf(t), 1);
      this.now = Math.max(this.now, first.at);
      await Promise.all(batch.map((t) => t.run()));
    }
    this.now = Math.max(this.now, end);
  }

  /** EventBridge → Lambda (asynchronous): attempts with Lambda's retries, then the dead-letter queue. */
  deliverEvent(
    at: number,
    event: Record<string, unknown>,
    handle: (event: Record<string, unknown>) => Promise<unknown>,
    kind: InvocationKind = 'event',
  ) {
    if (kind === 'event') this.events.push(event);
    const attempt = async (n: number): Promise<void> => {
      const ok = await this.invoke({ kind, attempt: n, eventId: String(event.id) }, () => handle(event));
      if (ok) return;
      const delay = ASYNC_RETRY_DELAYS[n - 1];
      if (delay === undefined) this.deadLetters.push({ kind: 'event', event, handle });
      else this.at(this.now + delay, () => attempt(n + 1));
    };
    this.at(at, () => attempt(1));
    const copy = this.faults.duplicateAfter;
    if (copy !== undefined && kind === 'event') this.at(at + copy, () => attempt(1));
  }

  /**
   * An EventBridge schedule → Lambda without retries (the sweep: the next run comes a minute later).
   * Faults of `first` attempts hit every other run: a run dies, the next one does not.
   */
  every(from: number, to: number, stepMs: number, kind: InvocationKind, run: () => Promise<unknown>) {
    let runs = 0;
    for (let t = from; t <= to; t += stepMs) {
      const attempt = (runs++ % 2) + 1;
      this.at(t, async () => void (await this.invoke({ kind, attempt }, run)));
    }
  }

  /** The timer queue: what the real code schedules, delivered to `consume` with SQS's redelivery rules. */
  timerQueue(consume: (body: string) => Promise<unknown>) {
    const deliver = (body: string, visibleAt: number, receives: number) =>
      this.at(visibleAt, async () => {
        const ok = await this.invoke({ kind: 'timer', attempt: receives + 1 }, () => consume(body));
        if (ok) return;
        if (receives + 1 >= TIMER_MAX_RECEIVES) this.deadLetters.push({ kind: 'timer', body });
        else deliver(body, this.now + TIMER_VISIBILITY_MS, receives + 1);
      });
    return {
      redrive: (body: string) => deliver(body, this.now, 0),
      schedule: async (message: TimerMessage): Promise<void> => {
        this.step();
        if (inside(this.faults.sqsDown, this.elapsed())) throw named('SQS unavailable', 'ServiceUnavailable');
        const delay = Math.min(MAX_DELAY_MS, Math.max(0, Date.parse(message.dueAt) - this.now));
        deliver(JSON.stringify(message), this.now + delay, 0);
      },
    };
  }

  /** SNS: accepts (and records) a message unless it is down; an invocation may die right after. */
  readonly publisher = {
    publish: async (alert: Alert): Promise<string> => {
      this.step();
      const elapsed = this.elapsed();
      if (inside(this.faults.snsDown, elapsed)) throw named('Service unavailable', 'InternalErrorException');
      if (inside(this.faults.kmsDenied, elapsed))
        throw named('KMS key access denied for the topic', 'KMSAccessDeniedException');
      const delivery: Delivery = {
        alertId: alertIdOf(alert),
        group: groupOf(alert),
        at: this.now,
        diedAfterAcceptance: false,
      };
      this.deliveries.push(delivery);
      const invocation = this.context.getStore();
      if (invocation) {
        invocation.published.push(delivery);
        const die = this.faults.die;
        if (die?.afterPublish === invocation.published.length && this.fated(invocation)) {
          this.die(invocation);
          throw new InvocationDied('died after SNS accepted');
        }
      }
      return `m-${this.deliveries.length}`;
    },
  };

  /** Runs one invocation; false when it failed or died (the caller applies the retry rules). */
  async invoke(shape: Pick<Invocation, 'kind' | 'attempt' | 'eventId'>, run: () => Promise<unknown>): Promise<boolean> {
    const invocation: Invocation = { ...shape, steps: 0, published: [], dead: false };
    return this.context.run(invocation, async () => {
      try {
        await run();
        if (this.faults.die?.step === 'end' && this.fated(invocation)) return false;
        return !invocation.dead;
      } catch {
        return false;
      }
    });
  }

  private elapsed(): number {
    return this.now - T0;
  }

  /** One call to the store, SNS or SQS by the current invocation: where it may die. */
  private step(): void {
    const invocation = this.context.getStore();
    if (!invocation) return;
    if (invocation.dead) throw new InvocationDied('the invocation is dead');
    invocation.steps += 1;
    const die = this.faults.die;
    if (die && die.step === invocation.steps && this.fated(invocation)) {
      this.die(invocation);
      throw new InvocationDied(`died before step ${invocation.steps}`);
    }
  }

  /**
   * The invocation dies. What it published but had not recorded as delivered yet may be published
   * again (the one unavoidable repeat): those deliveries are marked, the rest are not.
   */
  private die(invocation: Invocation): void {
    invocation.dead = true;
    const unrecorded = invocation.published.filter((d) => this.store.statusOf(d.alertId) !== 'DELIVERED');
    for (const delivery of unrecorded) delivery.diedAfterAcceptance = true;
    if (unrecorded.length > 0) this.deathsAfterAcceptance += 1;
  }

  private fated(invocation: Invocation): boolean {
    const die = this.faults.die;
    if (!die || die.kind !== invocation.kind) return false;
    if (die.events && !die.events.includes(invocation.eventId ?? '')) return false;
    return die.attempts === 'all' || invocation.attempt === 1;
  }

  private beforeStoreCall(operation: StoreOperation): void {
    this.step();
    const elapsed = this.elapsed();
    const { throttle, conflicts, itemLimit } = this.faults;
    this.store.alertItemLimit = itemLimit && inside(itemLimit, elapsed) ? itemLimit.bytes : undefined;
    if (!this.context.getStore()) return;
    this.storeCalls += 1;
    if (throttle && inside(throttle, elapsed) && this.storeCalls % throttle.every === 0)
      throw named('Rate of requests exceeds the allowed throughput', 'ThrottlingException');
    if (operation === 'put' || operation === 'commit') {
      this.writeCalls += 1;
      if (conflicts && inside(conflicts, elapsed) && this.writeCalls % conflicts.every === 0)
        throw new VersionConflictError('injected conflict');
    }
  }
}

function inside(window: Window | undefined, elapsed: number): boolean {
  return !!window && elapsed >= window.from && elapsed < window.to;
}

function named(message: string, name: string): Error {
  return Object.assign(new Error(message), { name });
}
