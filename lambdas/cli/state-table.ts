/**
 * What the commands that read the watchdog's memory share (`silence`, `history`, `incidents`): the
 * state table (`--table`, or STATE_TABLE_NAME as in the functions; the stack output `StateTableName`),
 * the region and an optional endpoint, and the printing of rows as a table or JSON lines.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import { CallerIdentity } from '../adapters/caller-identity';
import { StateStore } from '../adapters/state-store';
import { UsageError } from './command-line';

export const TABLE_OPTIONS = {
  table: { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  format: { type: 'string' },
} as const;

/** Their help's common part. */
export const TABLE_HELP = `  --table NAME     the state table (stack output StateTableName; default: STATE_TABLE_NAME)
  --region REGION  the AWS region (default: AWS_REGION)
  --endpoint URL   another endpoint, e.g. a local AWS emulator
  --format F       table (default) or json (one object a line)
  -h, --help       show this help`;

export interface TableOptions {
  table?: string;
  region?: string;
  endpoint?: string;
  format?: string;
}

export { UsageError };

export interface StateTable {
  dynamodb: DynamoDBClient;
  tableName: string;
  store: StateStore;
  whoAmI(): Promise<string>;
  destroy(): void;
}

export function openStateTable(
  options: TableOptions,
  env: Record<string, string | undefined> = process.env,
): StateTable {
  const tableName = options.table ?? env.STATE_TABLE_NAME;
  if (!tableName)
    throw new UsageError('no state table: pass --table NAME (the stack output StateTableName) or set STATE_TABLE_NAME');
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('no AWS region: set AWS_REGION or pass --region');
  const config = { region, ...(options.endpoint ? { endpoint: options.endpoint } : {}) };
  const dynamodb = new DynamoDBClient(config);
  const sts = new STSClient(config);
  const identity = new CallerIdentity(sts);
  return {
    dynamodb,
    tableName,
    store: new StateStore(dynamodb, tableName),
    whoAmI: () => identity.whoAmI(),
    destroy() {
      dynamodb.destroy();
      sts.destroy();
    },
  };
}

export function formatOf(options: TableOptions): 'table' | 'json' {
  const format = options.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format is table or json, got "${format}"`);
  return format;
}

/** Rows as an aligned text table (columns in the order given), or one JSON object a line. */
export function renderRows(rows: Record<string, unknown>[], columns: string[], format: 'table' | 'json'): string {
  if (format === 'json') return rows.map((row) => JSON.stringify(row)).join('\n');
  const cell = (value: unknown) => (value === undefined || value === null ? '-' : String(value)).replace(/\s+/g, ' ');
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => Math.min(cell(r[c]).length, 60))));
  const line = (values: string[]) =>
    values
      .map((v, i) => (v.length > 60 ? `${v.slice(0, 57)}...` : v).padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))].join(
    '\n',
  );
}
