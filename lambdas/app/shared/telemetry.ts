/** The slice of Powertools Logger and Metrics the processing code uses; the CLI passes its own. */
export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface Counter {
  count(metric: string, value?: number): void;
  /** A count with its own dimensions (e.g. `Pages` by severity and category); absent: not counted so. */
  countBy?(metric: string, dimensions: Readonly<Record<string, string>>, value?: number): void;
}

/** The metric of every page delivered, by `severity` and `category` (the dashboard graphs it, infra/dashboard.ts). */
export const PAGES_METRIC = 'Pages';
/** Silences (and maintenance windows) in force: counted by the minute sweep, graphed by the dashboard at its maximum. */
export const ACTIVE_SILENCES_METRIC = 'ActiveSilences';

export function countPage(counter: Counter, alert: { severity: string; category: string }): void {
  counter.countBy?.(PAGES_METRIC, { severity: alert.severity, category: alert.category });
}

export const silentLog: Log = { info() {}, warn() {}, error() {} };

/** Counts in memory: used by the CLI, the demo and tests to report what happened. */
export class MemoryCounter implements Counter {
  readonly counts: Record<string, number> = {};
  /** Dimensioned counts, by `METRIC{name=value,...}`. */
  readonly dimensioned: Record<string, number> = {};
  count(metric: string, value = 1): void {
    this.counts[metric] = (this.counts[metric] ?? 0) + value;
  }
  countBy(metric: string, dimensions: Readonly<Record<string, string>>, value = 1): void {
    const key = `${metric}{${Object.entries(dimensions)
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}}`;
    this.dimensioned[key] = (this.dimensioned[key] ?? 0) + value;
  }
}
