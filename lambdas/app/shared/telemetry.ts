/** The slice of Powertools Logger and Metrics the processing code uses; the CLI passes its own. */
export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface Counter {
  count(metric: string, value?: number): void;
}

export const silentLog: Log = { info() {}, warn() {}, error() {} };

/** Counts in memory: used by the CLI, the demo and tests to report what happened. */
export class MemoryCounter implements Counter {
  readonly counts: Record<string, number> = {};
  count(metric: string, value = 1): void {
    this.counts[metric] = (this.counts[metric] ?? 0) + value;
  }
}
