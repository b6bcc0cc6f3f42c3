/**
 * `ecs-watchdog replay FILE...`: sends saved EventBridge events through the same processing
 * functions the Lambda handlers run, against AWS (your credentials and region) or any endpoint
 * (`--endpoint`, e.g. the local emulator). For checking a deployment end to end, or re-running an
 * event taken from the dead-letter queue once its cause is fixed (a Lambda on-failure record is
 * unwrapped to the event it carries). Settings come from the same
 * environment variables the functions read (ALERT_TOPIC_ARN, STATE_TABLE_NAME, TIMER_QUEUE_URL, ...);
 * flags override them. Prints one JSON line per file; exit 1 when any event was rejected or failed.
 */
import { readConfig } from '../app/shared/config';
import { type Log, MemoryCounter } from '../app/shared/telemetry';
import { type OptionSpecs, parseCommandLine, UsageError } from './command-line';
import { unwrapDeadLetter } from './dead-letter';
import { replayFiles, watchdogProcessors } from './replay';
import { makeWatchdogDeps } from './watchdog-deps';

/** Options that set one of the functions' environment variables. */
const ENV_OPTIONS: Record<string, string> = {
  topic: 'ALERT_TOPIC_ARN',
  table: 'STATE_TABLE_NAME',
  'timer-queue': 'TIMER_QUEUE_URL',
  'team-tag': 'TEAM_TAG_KEY',
};

const OPTIONS = {
  ...Object.fromEntries(Object.keys(ENV_OPTIONS).map((name) => [name, { type: 'string' as const }])),
  endpoint: { type: 'string' },
  region: { type: 'string' },
} satisfies OptionSpecs;

export interface ReplayArgs {
  files: string[];
  env: Record<string, string>;
  endpoint?: string;
  region?: string;
}

/** Throws a UsageError (one line) for an unknown option, a missing value or no files. */
export function parseReplayArgs(args: readonly string[]): ReplayArgs {
  const { values, positionals } = parseCommandLine(args, OPTIONS);
  const given = values as Record<string, string | undefined>;
  if (positionals.length === 0) throw new UsageError('no files given');
  const env: Record<string, string> = {};
  for (const [name, variable] of Object.entries(ENV_OPTIONS)) {
    const value = given[name];
    if (value !== undefined) env[variable] = value;
  }
  return {
    files: positionals,
    env,
    ...(given.endpoint !== undefined ? { endpoint: given.endpoint } : {}),
    ...(given.region !== undefined ? { region: given.region } : {}),
  };
}

export async function runReplay(
  args: ReplayArgs,
  write: (line: string) => void,
  warn: (line: string) => void,
): Promise<number> {
  const config = readConfig({ ...process.env, ...args.env });
  const region = args.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('no AWS region: set AWS_REGION or pass --region');
  const deps = makeWatchdogDeps({ region, ...(args.endpoint ? { endpoint: args.endpoint } : {}) }, config);
  const log: Log = {
    info() {},
    warn: (message, extra) => warn(`warn: ${message} ${JSON.stringify(extra ?? {})}`),
    error: (message, extra) => warn(`error: ${message} ${JSON.stringify(extra ?? {})}`),
  };
  try {
    const replayed = await replayFiles(
      args.files.map((path) => ({ path, label: path })),
      watchdogProcessors(deps),
      { contextFor: () => ({ log, counter: new MemoryCounter() }), prepare: unwrapDeadLetter },
    );
    for (const { file, outcome } of replayed) {
      const alert = 'alert' in outcome ? outcome.alert : undefined;
      write(
        JSON.stringify({
          file,
          status: outcome.status,
          ...(alert
            ? { kind: alert.kind, category: alert.category, severity: alert.severity, incidentId: alert.incidentId }
            : {}),
          ...('messageId' in outcome ? { messageId: outcome.messageId } : {}),
          ...('error' in outcome
            ? { error: outcome.error instanceof Error ? outcome.error.message : outcome.error }
            : {}),
          ...('detailType' in outcome ? { detailType: outcome.detailType } : {}),
        }),
      );
    }
    return replayed.some((r) => ['invalid', 'failed', 'no-handler'].includes(r.outcome.status)) ? 1 : 0;
  } finally {
    deps.destroy();
  }
}
