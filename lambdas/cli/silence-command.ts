/**
 * `ecs-watchdog silence add|list|expire` (README "Silences and maintenance windows"): silences live in
 * the watchdog's state table; who adds or ends one is the caller's identity from STS.
 */
import { parseArgs } from 'node:util';
import { addSilenceCommand, expireSilenceCommand, listSilences } from '../app/silences';
import { parseDuration, type Silence, SilenceInputError } from '../domain/silences/silence';
import { formatOf, openStateTable, renderRows, TABLE_OPTIONS, UsageError } from './state-table';

export const SILENCE_USAGE = `ecs-watchdog silence add --cluster C [--service S] [--category X] (--for 2h | --until TIME) --reason TEXT
  ecs-watchdog silence list [--all] [--format table|json]
  ecs-watchdog silence expire ID
  (each with [--table NAME] [--region R] [--endpoint URL]; the table defaults to STATE_TABLE_NAME)`;

const COLUMNS = ['id', 'cluster', 'service', 'category', 'startsAt', 'endsAt', 'createdBy', 'reason'];

export async function runSilence(
  args: string[],
  write: (text: string) => void,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      ...TABLE_OPTIONS,
      cluster: { type: 'string' },
      service: { type: 'string' },
      category: { type: 'string' },
      for: { type: 'string' },
      until: { type: 'string' },
      reason: { type: 'string' },
      all: { type: 'boolean' },
    },
  });
  if (action !== 'add' && action !== 'list' && action !== 'expire')
    throw new UsageError(`silence needs add, list or expire (usage:\n  ${SILENCE_USAGE})`);
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
