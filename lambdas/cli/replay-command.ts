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
import { replayFiles, watchdogProcessors } from './replay';
import { makeWatchdogDeps } from './watchdog-deps';

const FLAGS: Record<string, string> = {
  '--topic': 'ALERT_TOPIC_ARN',
  '--table': 'STATE_TABLE_NAME',
  '--timer-queue': 'TIMER_QUEUE_URL',
  '--team-tag': 'TEAM_TAG_KEY',
};

export interface ReplayArgs {
  files: string[];
  env: Record<string, string>;
  endpoint?: string;
  region?: string;
}

export function parseReplayArgs(args: string[]): ReplayArgs {
  const parsed: ReplayArgs = { files: [], env: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      parsed.files.push(arg);
      continue;
    }
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${arg} needs a value`);
    i += 1;
    if (arg === '--endpoint') parsed.endpoint = value;
    else if (arg === '--region') parsed.region = value;
    else if (FLAGS[arg]) parsed.env[FLAGS[arg]] = value;
    else
      throw new Error(`unknown option ${arg} (known: ${[...Object.keys(FLAGS), '--endpoint', '--region'].join(', ')})`);
  }
  if (parsed.files.length === 0) throw new Error('no files given (usage: ecs-watchdog replay [options] FILE...)');
  return parsed;
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

/**
 * A message from the dead-letter queue holds the event itself (EventBridge's target DLQ) or a Lambda
 * on-failure record around it (`requestPayload`, with `requestContext` and the error): both replay.
 */
export function unwrapDeadLetter(raw: unknown): unknown {
  if (typeof raw === 'object' && raw !== null && 'requestPayload' in raw && 'requestContext' in raw) {
    return (raw as { requestPayload: unknown }).requestPayload;
  }
  return raw;
}
