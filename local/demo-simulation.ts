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
 */
import type { TimerMessage } from '../lambdas/adapters/timer-queue';
import type { IncidentDeps } from '../lambdas/app/incidents/engine';
import { iso } from '../lambdas/app/incidents/outbox';
import { processSweep } from '../lambdas/app/process-sweep';
import { processTimer } from '../lambdas/app/process-timer';
import { ALERT_LEASE_MS } from '../lambdas/domain/incidents/keys';

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
