import type { HistoryEntry, KeyRange } from './history';

/**
 * The history's port: the DynamoDB adapter (`lambdas/adapters/history-table.ts`) and the in-memory one
 * (`lambdas/adapters/memory-history.ts`) implement it.
 */
export interface HistoryLog {
  /** Writes entries (an entry written again replaces itself: a redelivered stop is one row). */
  record(entries: HistoryEntry[]): Promise<void>;
  /** The entries of one key range of the `history` index, in key order, at most `limit`. */
  read(range: KeyRange, limit: number): Promise<HistoryEntry[]>;
}
