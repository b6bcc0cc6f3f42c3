/**
 * `ecs-watchdog history` and `ecs-watchdog incidents` (README "History"): what the watchdog recorded,
 * read from its state table by key-based queries of the `history` index (never a scan).
 */
import { HistoryTable } from '../adapters/history-table';
import { queryHistory, queryIncidents } from '../app/history';
import { HISTORY_DEFAULT_LIMIT } from '../domain/history/history';
import { parseDuration } from '../domain/silences/silence';
import { parseCommandLine } from './command-line';
import { formatOf, openStateTable, renderRows, TABLE_HELP, TABLE_OPTIONS, UsageError } from './state-table';

export const HISTORY_HELP = `Usage: ecs-watchdog history [--cluster C [--service S]] [--since 24h] [--until TIME] [--category X] [--pages]

What the watchdog saw, from its state table (key-based queries of its history index, never a
scan): every stop it recorded (routine ones too while history is on), oldest first, with time,
cluster, service or family, task, revision, category, culprit, exit code and reason; with --pages,
the pages instead (sent or silenced). Kept historyRetentionDays (default 30 days).

Options:
  --cluster C      one cluster
  --service S      one service (or task family) of that cluster
  --since WHEN     a duration back from now (24h, 7d) or a time (ISO 8601); default 24h
  --until TIME     the end (ISO 8601); default now
  --category X     one stop category (or, with --pages, a category or alert kind)
  --pages          the pages instead of the stops
  --limit N        at most N rows (default 1000)
${TABLE_HELP}`;

export const INCIDENTS_HELP = `Usage: ecs-watchdog incidents [--open] [--since 7d]

The incidents the watchdog tracked (restart loops, failures of a service), open ones and those
closed since --since (default 7d), newest first, from its state table's history index.

Options:
  --open           only the incidents open now
  --since WHEN     a duration back from now (7d) or a time (ISO 8601)
${TABLE_HELP}`;

export const HISTORY_OPTIONS = {
  ...TABLE_OPTIONS,
  cluster: { type: 'string' },
  service: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  category: { type: 'string' },
  pages: { type: 'boolean' },
  limit: { type: 'string' },
} as const;

export const INCIDENTS_OPTIONS = { ...TABLE_OPTIONS, open: { type: 'boolean' }, since: { type: 'string' } } as const;

export const STOP_COLUMNS = [
  'at',
  'cluster',
  'service',
  'task',
  'revision',
  'category',
  'culprit',
  'exitCode',
  'reason',
];
export const PAGE_COLUMNS = [
  'at',
  'cluster',
  'service',
  'state',
  'alertKind',
  'category',
  'severity',
  'silenceId',
  'title',
];
export const INCIDENT_COLUMNS = [
  'openedAt',
  'closedAt',
  'cluster',
  'service',
  'incidentKind',
  'category',
  'stops',
  'revision',
  'closedBecause',
];

/** `--since 24h` (a duration back from now) or `--since 2026-12-01T22:00:00Z`. */
export function sinceOf(text: string | undefined, fallback: string, now: number): string {
  const value = text ?? fallback;
  const back = parseDuration(value);
  if (back) return new Date(now - back).toISOString();
  const at = Date.parse(value);
  if (Number.isNaN(at))
    throw new UsageError(`--since ${JSON.stringify(value)} is neither a duration (24h, 7d) nor a time (ISO 8601)`);
  return new Date(at).toISOString();
}

export async function runHistory(
  args: string[],
  write: (text: string) => void,
  env: Record<string, string | undefined> = process.env,
  now = Date.now(),
): Promise<number> {
  const { values, positionals } = parseCommandLine(args, HISTORY_OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (values.service && !values.cluster) throw new UsageError('--service needs its --cluster');
  const limit = values.limit === undefined ? HISTORY_DEFAULT_LIMIT : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit is a positive integer, got "${values.limit}"`);
  const format = formatOf(values);
  const table = openStateTable(values, env);
  try {
    const rows = await queryHistory(
      {
        kind: values.pages ? 'page' : 'stop',
        since: sinceOf(values.since, '24h', now),
        until: values.until ? sinceOf(values.until, values.until, now) : new Date(now).toISOString(),
        cluster: values.cluster,
        service: values.service,
        category: values.category,
        limit,
      },
      new HistoryTable(table.dynamodb, table.tableName, 0),
    );
    write(renderRows(rows as unknown as Record<string, unknown>[], values.pages ? PAGE_COLUMNS : STOP_COLUMNS, format));
    return 0;
  } finally {
    table.destroy();
  }
}

export async function runIncidents(
  args: string[],
  write: (text: string) => void,
  env: Record<string, string | undefined> = process.env,
  now = Date.now(),
): Promise<number> {
  const { values, positionals } = parseCommandLine(args, INCIDENTS_OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const format = formatOf(values);
  const table = openStateTable(values, env);
  try {
    const rows = await queryIncidents(
      { since: sinceOf(values.since, '7d', now), until: new Date(now).toISOString(), openOnly: values.open },
      new HistoryTable(table.dynamodb, table.tableName, 0),
    );
    write(renderRows(rows as unknown as Record<string, unknown>[], INCIDENT_COLUMNS, format));
    return 0;
  } finally {
    table.destroy();
  }
}
