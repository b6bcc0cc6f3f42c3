/**
 * `ecs-watchdog silence add|list|expire` (README "Silences and maintenance windows"): silences live in
 * the watchdog's state table; who adds or ends one is the caller's identity from STS.
 */
import { addSilenceCommand, expireSilenceCommand, listSilences } from '../app/silences';
import { parseDuration, type Silence, SilenceInputError } from '../domain/silences/silence';
import { parseCommandLine } from './command-line';
import { formatOf, openStateTable, renderRows, TABLE_HELP, TABLE_OPTIONS, UsageError } from './state-table';

export const SILENCE_HELP = `Usage: ecs-watchdog silence add --cluster C [--service S] [--category X] (--for 2h | --until TIME) --reason TEXT
       ecs-watchdog silence list [--all]
       ecs-watchdog silence expire ID

Silences pages, kept in the watchdog's state table: those of a cluster (* for every cluster), one
service, one category (a stop category, rollout outcome, service action or alert kind such as
RESTART_LOOP or CAPACITY), for a while. A silenced page is recorded (ecs-watchdog history --pages)
and counted, not sent; if its incident is still open when the silence ends, one page says so.
Who adds or ends a silence is your identity from STS (GetCallerIdentity).

Options:
  --for DURATION   how long, e.g. 30m, 2h, 1d (at most 90 days)
  --until TIME     until when (ISO 8601)
  --reason TEXT    why, for whoever is paged next (required)
  --all            list: also the silences ended in the last week
${TABLE_HELP}`;

export const SILENCE_OPTIONS = {
  ...TABLE_OPTIONS,
  cluster: { type: 'string' },
  service: { type: 'string' },
  category: { type: 'string' },
  for: { type: 'string' },
  until: { type: 'string' },
  reason: { type: 'string' },
  all: { type: 'boolean' },
} as const;

const COLUMNS = ['id', 'cluster', 'service', 'category', 'startsAt', 'endsAt', 'createdBy', 'reason'];

export async function runSilence(
  args: string[],
  write: (text: string) => void,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseCommandLine(rest, SILENCE_OPTIONS);
  if (action !== 'add' && action !== 'list' && action !== 'expire')
    throw new UsageError(`silence needs add, list or expire, got ${JSON.stringify(action ?? '')}`);
  const format = formatOf(values);
  const table = openStateTable(values, env);
  const deps = { store: table.store, whoAmI: table.whoAmI };
  try {
    if (action === 'add') {
      const forMs = values.for === undefined ? undefined : parseDuration(values.for);
      if (values.for !== undefined && !forMs)
        throw new UsageError(`--for ${JSON.stringify(values.for)} is not a duration (e.g. 30m, 2h, 1d)`);
      const silence = await addSilenceCommand(
        {
          cluster: values.cluster ?? '',
          service: values.service,
          category: values.category,
          forMs,
          until: values.until,
          reason: values.reason ?? '',
        },
        deps,
      );
      write(renderRows([row(silence)], COLUMNS, format));
      return 0;
    }
    if (action === 'list') {
      write(renderRows((await listSilences(deps, values.all)).map(row), COLUMNS, format));
      return 0;
    }
    const [id] = positionals;
    if (!id) throw new UsageError('silence expire needs the silence ID (see: ecs-watchdog silence list)');
    write(renderRows([row(await expireSilenceCommand(id, deps))], [...COLUMNS, 'expiredBy'], format));
    return 0;
  } catch (error) {
    if (error instanceof SilenceInputError) throw new UsageError(error.message);
    throw error;
  } finally {
    table.destroy();
  }
}

function row(silence: Silence): Record<string, unknown> {
  return { ...silence };
}
