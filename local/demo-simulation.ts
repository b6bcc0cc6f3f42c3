/**
 * The watchdog's clock-driven parts on a simulated clock, as in the storm benchmark (bench/storm.ts)
 * and the fault suite's world (test/support/faults/world.ts), so that six weeks replay in seconds:
 *
 * - Group-wait timers: what SQS would deliver after a delay is kept in process and handed to the
 *   timer processing (processTimer) when simulated time reaches it.
 * - The minute sweep (processSweep) runs at every simulated minute at which the emulator's state table
 *   has something due (found through its `due` index, as the sweep finds it); the minutes in which
 *   nothing is due are skipped, since a sweep then does nothing.
 *
 * Everything else (the state table, its index, the alert topic and its subscribers) is the emulator's.
 * `playStory` plays the demo's story on it.
 */
import type { TimerMessage } from '../lambdas/adapters/timer-queue';
import type { IncidentDeps } from '../lambdas/app/incidents/engine';
import { iso } from '../lambdas/app/incidents/outbox';
import { processSweep } from '../lambdas/app/process-sweep';
import { processTimer } from '../lambdas/app/process-timer';
import { type EventContext, type ProcessorsByDetailType, replayEvent, replayFiles } from '../lambdas/cli/replay';
import { ALERT_LEASE_MS } from '../lambdas/domain/incidents/keys';
import type { DeliveryRecord } from './demo-report';
import type { Step } from './demo-story';

const MINUTE = 60_000;
/** More sweeps than this between two deliveries means something stays due that the sweep cannot finish. */
const MAX_SWEEPS = 5_000;

/** What the clock did on its own (a timer fired, a sweep woke incidents), for the verbose timeline. */
export interface ClockEntry {
  at: number;
  text: string;
}

export class SimulatedClock {
  private readonly pending: TimerMessage[] = [];
  private lastSweep = Number.NEGATIVE_INFINITY;
  /** The timer queue the processing arms (in place of the SQS adapter). */
  readonly timers = {
    schedule: async (message: TimerMessage): Promise<void> => {
      this.pending.push(message);
    },
  };

  constructor(
    public now: number,
    private readonly record: (entry: ClockEntry) => void = () => {},
  ) {}

  /** Runs every timer and sweep due up to `end`, in time order, then sets the clock to `end`. */
  async runUntil(end: number, deps: IncidentDeps): Promise<void> {
    for (let sweeps = 0; ; ) {
      const timer = this.nextTimer();
      const sweepAt = await this.nextSweep(deps);
      const timerAt = timer ? Date.parse(timer.dueAt) : Number.POSITIVE_INFINITY;
      if (Math.min(timerAt, sweepAt) > end) break;
      if (timer && timerAt <= sweepAt) {
        this.pending.splice(this.pending.indexOf(timer), 1);
        this.now = Math.max(this.now, timerAt);
        const outcome = await processTimer(JSON.stringify(timer), deps);
        this.record({ at: this.now, text: `timer ${timer.type} ${timer.scope}: ${outcome}` });
      } else {
        if (++sweeps > MAX_SWEEPS) throw new Error(`the sweep keeps finding items due (last sweep ${iso(sweepAt)})`);
        this.now = Math.max(this.now, sweepAt);
        this.lastSweep = sweepAt;
        const swept = await processSweep({ ...deps, gauge: () => {} });
        this.record({
          at: this.now,
          text: `sweep: ${swept.woken} incident(s) woken, ${swept.delivered} alert(s) delivered from the outbox`,
        });
      }
    }
    this.now = Math.max(this.now, end);
  }

  private nextTimer(): TimerMessage | undefined {
    return [...this.pending].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
  }

  /** The first minute after the last sweep at which the state table has something due. */
  private async nextSweep(deps: IncidentDeps): Promise<number> {
    const horizon = '9999-12-31T23:59:59.999Z';
    const [wake] = await deps.store.due('wake', horizon, 1);
    const [alert] = await deps.store.due('alert', horizon, 1);
    const dueAt = Math.min(
      wake ? Date.parse(wake.at) : Number.POSITIVE_INFINITY,
      alert ? Date.parse(alert.at) + ALERT_LEASE_MS : Number.POSITIVE_INFINITY,
    );
    if (dueAt === Number.POSITIVE_INFINITY) return dueAt;
    return Math.max(Math.ceil(dueAt / MINUTE) * MINUTE, this.lastSweep + MINUTE);
  }
}

/** What playing the story needs: the routes of the processing, and each delivery's telemetry. */
export interface Player {
  processors: ProcessorsByDetailType;
  /** The incident engine's dependencies for timers and sweeps. */
  timerDeps: IncidentDeps;
  /** The telemetry of one delivery; its log lines are collected in `lines`. */
  contextFor(label: string, lines: string[]): EventContext;
}

/**
 * Plays the story in time order: before each moment, the timers and sweeps due by then; at it, the
 * world's changes one after another, then its deliveries concurrently, like parallel invocations.
 * Then simulated time runs on until every incident has had its quiet period and every timer fired.
 */
export async function playStory(
  steps: Step[],
  clock: SimulatedClock,
  player: Player,
): Promise<{ deliveries: DeliveryRecord[]; notes: { at: number; text: string }[] }> {
  const deliveries: DeliveryRecord[] = [];
  const notes: { at: number; text: string }[] = [];
  const deliver = async (step: Extract<Step, { kind: 'event' | 'file' }>): Promise<void> => {
    const logs: string[] = [];
    const context = player.contextFor(step.label, logs);
    const outcome =
      step.kind === 'file'
        ? ((await replayFiles([step], player.processors, { contextFor: () => context }))[0]?.outcome ?? {
            status: 'failed' as const,
            error: 'not replayed',
          })
        : await replayEvent(step.event(), player.processors, context);
    deliveries.push({ at: clock.now, label: step.label, outcome, logs });
  };
  for (const batch of byMoment(steps)) {
    const at = batch[0]?.at ?? clock.now;
    await clock.runUntil(at, player.timerDeps);
    clock.now = at;
    for (const step of batch) {
      if (step.kind !== 'world') continue;
      await step.run();
      if (step.note) notes.push({ at, text: step.note });
    }
    await Promise.all(batch.flatMap((s) => (s.kind === 'world' ? [] : [deliver(s)])));
  }
  await clock.runUntil(clock.now + player.timerDeps.policy.quietMs + 5 * MINUTE, player.timerDeps);
  return { deliveries, notes };
}

/** Steps grouped by their moment, in time order. */
function byMoment(steps: Step[]): Step[][] {
  const batches: Step[][] = [];
  for (const step of [...steps].sort((a, b) => a.at - b.at)) {
    const last = batches.at(-1);
    if (last && last[0]?.at === step.at) last.push(step);
    else batches.push([step]);
  }
  return batches;
}
