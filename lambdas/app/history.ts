/**
 * Recording and reading the history (README "History"). Recording is best-effort: a failed write is
 * logged and counted (`HistoryWriteFailures`), never a reason to fail or delay a page. Reading is by
 * key ranges of the `history` index (`domain/history/history.ts`), never a scan.
 */
import type { Alert } from '../domain/alerts/alert';
import type { TaskStateChange } from '../domain/events/task-event';
import {
  HISTORY_DEFAULT_LIMIT,
  HISTORY_REASON_MAX,
  type HistoryEntry,
  type HistoryQuery,
  type IncidentEntry,
  OPEN_INCIDENTS,
  type PageEntry,
  pageEntry,
  queryRanges,
  type StopEntry,
  selectRows,
} from '../domain/history/history';
import type { HistoryLog } from '../domain/history/history-log';
import type { StopDiagnosis } from '../domain/stops/classify-stop';
import { errorMessage } from './shared/budget';
import type { Counter, Log } from './shared/telemetry';

export interface HistoryDeps {
  history?: HistoryLog;
  log?: Log;
  counter?: Counter;
}

/** Writes entries, best-effort. */
export async function recordHistory(entries: HistoryEntry[], deps: HistoryDeps): Promise<void> {
  if (!deps.history || entries.length === 0) return;
  try {
    await deps.history.record(entries);
  } catch (error) {
    deps.counter?.count('HistoryWriteFailures', entries.length);
    deps.log?.warn('Recording history failed (the alert path is not affected)', {
      entries: entries.length,
      reason: errorMessage(error),
    });
  }
}

/** The history row of a stop the function saw (routine ones too). */
export function stopEntry(task: TaskStateChange, diagnosis: StopDiagnosis): StopEntry {
  const culprit = diagnosis.culprit;
  const reason = (culprit?.reason ?? task.stoppedReason)?.slice(0, HISTORY_REASON_MAX);
  return {
    kind: 'stop',
    at: task.stoppedAt ?? task.time,
    cluster: task.cluster,
    service: task.service ?? task.group ?? task.taskDefinition.split(':')[0] ?? '-',
    task: task.taskArn.split('/').at(-1) ?? task.taskArn,
    revision: task.taskDefinition,
    category: diagnosis.category,
    routine: !diagnosis.actionable,
    ...(culprit?.name ? { culprit: culprit.name } : {}),
    ...(culprit?.exitCode !== undefined ? { exitCode: culprit.exitCode } : {}),
    ...(reason ? { reason } : {}),
  };
}

export function recordPage(alert: Alert, at: string, deps: HistoryDeps, silenceId?: string): Promise<void> {
  return recordHistory([pageEntry(alert, at, silenceId ? 'SILENCED' : 'SENT', silenceId)], deps);
}

/** Stops or pages in a time span, of a cluster or a service, oldest first. */
export async function queryHistory(query: HistoryQuery, history: HistoryLog): Promise<(StopEntry | PageEntry)[]> {
  const limit = query.limit ?? HISTORY_DEFAULT_LIMIT;
  const rows: (StopEntry | PageEntry)[] = [];
  for (const range of queryRanges(query)) {
    const read = await history.read(range, query.service ? limit : Number.MAX_SAFE_INTEGER);
    rows.push(...read.filter((e): e is StopEntry | PageEntry => e.kind === query.kind));
  }
  return selectRows(rows, query);
}

/** Incidents open now, and (unless `openOnly`) those closed since `since`; newest first. */
export async function queryIncidents(
  options: { since: string; until: string; openOnly?: boolean },
  history: HistoryLog,
): Promise<IncidentEntry[]> {
  const ranges = [{ partition: OPEN_INCIDENTS }];
  if (!options.openOnly) {
    for (let t = Date.parse(options.since.slice(0, 10)); t <= Date.parse(options.until); t += 24 * 3600_000)
      ranges.push({ partition: `incidents#closed#${new Date(t).toISOString().slice(0, 10)}` });
  }
  const rows: IncidentEntry[] = [];
  for (const range of ranges) {
    for (const entry of await history.read(range, HISTORY_DEFAULT_LIMIT))
      if (entry.kind === 'incident' && (!entry.closedAt || entry.closedAt >= options.since)) rows.push(entry);
  }
  return rows.sort((a, b) => (a.openedAt < b.openedAt ? 1 : -1));
}
