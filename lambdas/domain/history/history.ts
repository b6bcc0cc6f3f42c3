/**
 * History (README "History"): every stop the functions see, every page (sent or silenced) and every
 * incident, recorded compactly with a retention (the `historyRetentionDays` setting), so that "what
 * happened last night?" has an answer after ECS has forgotten its stopped tasks. Pure: the entries,
 * their keys in the `history` index (`keys.ts`), and the queries as key ranges (never a scan).
 */
import type { Alert } from '../alerts/alert';
import type { Incident } from '../incidents/incident';

export interface StopEntry {
  kind: 'stop';
  /** ISO time the task stopped. */
  at: string;
  cluster: string;
  /** The service, or the task family of a standalone task. */
  service: string;
  task: string;
  revision: string;
  category: string;
  routine: boolean;
  culprit?: string;
  exitCode?: number;
  reason?: string;
}

export interface PageEntry {
  kind: 'page';
  at: string;
  cluster: string;
  service: string;
  alertId: string;
  alertKind: string;
  category: string;
  severity: string;
  title: string;
  state: 'SENT' | 'SILENCED';
  silenceId?: string;
  incidentId?: string;
}

export interface IncidentEntry {
  kind: 'incident';
  id: string;
  cluster: string;
  service: string;
  incidentKind: string;
  category: string;
  openedAt: string;
  closedAt?: string;
  closedBecause?: string;
  stops: number;
  revision: string;
}

export type HistoryEntry = StopEntry | PageEntry | IncidentEntry;

/** A stop's reason is cut to this: history is a log to skim, the page has the full story. */
export const HISTORY_REASON_MAX = 160;
/** Rows one query returns at most (the CLI's `--limit`). */
export const HISTORY_DEFAULT_LIMIT = 1000;

/** Where an entry sits: its own key, and its partition and sort key in the `history` index. */
export interface HistoryKeys {
  pk: string;
  partition: string;
  sort: string;
}

const day = (iso: string) => iso.slice(0, 10);

export function historyKeys(entry: HistoryEntry): HistoryKeys {
  const where = `${entry.cluster}/${entry.service}`;
  switch (entry.kind) {
    case 'stop':
      return {
        pk: `h#stop#${entry.task}#${entry.at}`,
        partition: `stops#${day(entry.at)}`,
        sort: `${where}#${entry.at}#${entry.task}`,
      };
    case 'page':
      return {
        pk: `h#page#${entry.alertId}`,
        partition: `pages#${day(entry.at)}`,
        sort: `${where}#${entry.at}#${entry.alertId}`,
      };
    case 'incident':
      return entry.closedAt
        ? {
            pk: `h#incident#${entry.id}`,
            partition: `incidents#closed#${day(entry.closedAt)}`,
            sort: `${entry.closedAt}#${entry.id}`,
          }
        : { pk: `h#incident#${entry.id}`, partition: OPEN_INCIDENTS, sort: `${entry.openedAt}#${entry.id}` };
  }
}

export const OPEN_INCIDENTS = 'incidents#open';

/** When the entry's time is: what its retention counts from. */
export function entryTime(entry: HistoryEntry): string {
  return entry.kind === 'incident' ? (entry.closedAt ?? entry.openedAt) : entry.at;
}

export interface HistoryQuery {
  kind: 'stop' | 'page';
  since: string;
  until: string;
  cluster?: string;
  service?: string;
  category?: string;
  limit?: number;
}

/** One Query of the `history` index: a partition and a sort-key range (`between`, both ends included). */
export interface KeyRange {
  partition: string;
  from?: string;
  to?: string;
}

/** The key ranges a query reads, one per day it spans: per service, exactly its rows; per cluster, its rows of those days. */
export function queryRanges(query: HistoryQuery): KeyRange[] {
  if (query.service && !query.cluster) throw new Error('a service is named with its cluster (--cluster)');
  const days: string[] = [];
  for (let t = Date.parse(day(query.since)); t <= Date.parse(query.until); t += 24 * 3600_000)
    days.push(new Date(t).toISOString().slice(0, 10));
  const prefix = query.kind === 'stop' ? 'stops#' : 'pages#';
  return days.map((d) => {
    const partition = `${prefix}${d}`;
    if (query.service) {
      const where = `${query.cluster}/${query.service}#`;
      return { partition, from: `${where}${query.since}`, to: `${where}${query.until}\uffff` };
    }
    if (query.cluster) return { partition, from: `${query.cluster}/`, to: `${query.cluster}/\uffff` };
    return { partition };
  });
}

/** The rows of a query among those its ranges read: in its time span and category, oldest first. */
export function selectRows<T extends StopEntry | PageEntry>(rows: T[], query: HistoryQuery): T[] {
  return rows
    .filter((r) => r.at >= query.since && r.at <= query.until)
    .filter(
      (r) => !query.category || r.category === query.category || (r.kind === 'page' && r.alertKind === query.category),
    )
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
    .slice(0, query.limit ?? HISTORY_DEFAULT_LIMIT);
}

export function pageEntry(alert: Alert, at: string, state: PageEntry['state'], silenceId?: string): PageEntry {
  return {
    kind: 'page',
    at,
    cluster: alert.cluster ?? '-',
    service: alert.service ?? alert.taskDefinition?.split(':')[0] ?? '-',
    alertId: alert.alertId ?? alert.dedupeKey,
    alertKind: alert.kind,
    category: alert.category,
    severity: alert.severity,
    title: alert.title,
    state,
    ...(silenceId ? { silenceId } : {}),
    ...(alert.incidentId ? { incidentId: alert.incidentId } : {}),
  };
}

export function incidentEntry(incident: Incident, closed?: { at: string; because: string }): IncidentEntry {
  const category = Object.entries(incident.categories).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'UNKNOWN';
  return {
    kind: 'incident',
    id: incident.id,
    cluster: incident.scope.cluster ?? '-',
    service: incident.scope.service ?? incident.taskDefinition.split(':')[0] ?? '-',
    incidentKind: incident.kind,
    category,
    openedAt: incident.openedAt,
    ...(closed ? { closedAt: closed.at, closedBecause: closed.because } : {}),
    stops: incident.stopCount,
    revision: incident.taskDefinition,
  };
}
