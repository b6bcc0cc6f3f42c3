import { type HistoryEntry, historyKeys, type KeyRange } from '../domain/history/history';
import type { HistoryLog } from '../domain/history/history-log';

/** The history in memory, with the index's key order and ranges: for unit tests and the fault suite. */
export class MemoryHistory implements HistoryLog {
  readonly items = new Map<string, { partition: string; sort: string; entry: HistoryEntry }>();
  /** Queries run (each a key range of one partition): what a test checks a read cost. */
  queries = 0;

  async record(entries: HistoryEntry[]): Promise<void> {
    for (const entry of entries) {
      const { pk, partition, sort } = historyKeys(entry);
      this.items.set(pk, { partition, sort, entry: structuredClone(entry) });
    }
  }

  async read(range: KeyRange, limit: number): Promise<HistoryEntry[]> {
    this.queries += 1;
    return [...this.items.values()]
      .filter((i) => i.partition === range.partition)
      .filter((i) => range.from === undefined || (i.sort >= range.from && i.sort <= (range.to ?? '\uffff')))
      .sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0))
      .slice(0, limit)
      .map((i) => i.entry);
  }
}
