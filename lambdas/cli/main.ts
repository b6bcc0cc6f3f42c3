import { once } from 'node:events';
import { classifyFiles, classifyNdjson } from './classify-files';
import { ndjsonLines } from './read-event-file';

const HELP = `ecs-watchdog - classify why Amazon ECS tasks stopped, and page with the answer

Usage:
  ecs-watchdog classify FILE...   Classify EventBridge ECS events offline (no AWS calls).
                                  Each FILE holds one event or a JSON array of events;
                                  FILE - reads NDJSON (one event a line, as an EventBridge
                                  archive export) from stdin, printing as lines arrive.
                                  Prints one JSON line per event, in input order, with
                                  file, kind, category, actionable, severity,
                                  culpritContainer, title and summary.
                                  A file that is not JSON or not an ECS event: a one-line
                                  error on stderr naming it; the other files are still
                                  classified; the exit code is then 1.
  ecs-watchdog replay [options] FILE...
                                  Send saved events through the same processing the Lambda
                                  functions run, against AWS (your credentials) or --endpoint.
                                  Settings from the functions' environment variables
                                  (ALERT_TOPIC_ARN, STATE_TABLE_NAME, TIMER_QUEUE_URL, ...)
                                  or: --topic ARN, --table NAME, --timer-queue URL,
                                  --team-tag KEY, --region REGION, --endpoint URL.
                                  Prints one JSON line per file: status, kind, category,
                                  incidentId, messageId. Exit 1 if any event failed.
  ecs-watchdog redact [--pattern REGEX]...
                                  Redact secrets from stdin (one log event per line) to
                                  stdout, as alerts are redacted; --pattern adds a regular
                                  expression, like the redactPatterns setting.
  ecs-watchdog silence add --cluster C [--service S] [--category X]
                       (--for 2h | --until TIME) --reason TEXT
  ecs-watchdog silence list [--all]     ecs-watchdog silence expire ID
                                  Silence pages of a cluster (* for all), a service, a
                                  category, for a while: silenced pages are recorded, not
                                  sent; one page says so if the incident outlives the silence.
  ecs-watchdog history [--cluster C] [--service S] [--since 24h] [--category X] [--pages]
  ecs-watchdog incidents [--open] [--since 7d]
                                  What the watchdog saw: stops (or pages, with --pages) and
                                  incidents, from its state table (key-based queries).
                                  These take --table NAME (or STATE_TABLE_NAME), --region,
                                  --endpoint, and --format table|json.
  ecs-watchdog --help             Show this help.

Exit codes: 0 success, 1 some input was bad, 2 usage error.`;

/** `classify -`: NDJSON from stdin, each line printed as soon as it is classified (with stdout's backpressure). */
async function classifyStdin(): Promise<number> {
  const bad = await classifyNdjson(
    ndjsonLines(process.stdin),
    async (line) => {
      if (!process.stdout.write(`${JSON.stringify(line)}\n`)) await once(process.stdout, 'drain');
    },
    ({ file, problem }) => process.stderr.write(`ecs-watchdog: ${file}: ${problem}\n`),
  );
  return bad > 0 ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return command ? 0 : 2;
  }
  if (command === 'classify') {
    if (args.length === 0) {
      process.stderr.write('ecs-watchdog classify: no files given (usage: ecs-watchdog classify FILE...)\n');
      return 2;
    }
    if (args.length === 1 && args[0] === '-') return classifyStdin();
    const { lines, problems } = classifyFiles(args);
    for (const line of lines) process.stdout.write(`${JSON.stringify(line)}\n`);
    for (const { file, problem } of problems) process.stderr.write(`ecs-watchdog: ${file}: ${problem}\n`);
    return problems.length > 0 ? 1 : 0;
  }
  if (command === 'replay') {
    // Loaded on demand (require, which the bin's CommonJS loader resolves): classify needs no AWS SDK.
    const { parseReplayArgs, runReplay } = require('./replay-command') as typeof import('./replay-command.js');
    let parsed: ReturnType<typeof parseReplayArgs>;
    try {
      parsed = parseReplayArgs(args);
    } catch (error) {
      process.stderr.write(`ecs-watchdog replay: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
    return runReplay(
      parsed,
      (line) => process.stdout.write(`${line}\n`),
      (line) => process.stderr.write(`${line}\n`),
    );
  }
  if (command === 'redact') {
    const { runRedact } = require('./redact-command') as typeof import('./redact-command.js');
    return runRedact(
      args,
      process.stdin,
      (text) => process.stdout.write(text),
      (line) => process.stderr.write(`${line}\n`),
    );
  }
  if (command === 'silence' || command === 'history' || command === 'incidents') {
    const { runStateCommand } = require('./state-commands') as typeof import('./state-commands.js');
    return runStateCommand(
      command,
      args,
      (text) => process.stdout.write(text ? `${text}\n` : ''),
      (line) => process.stderr.write(`${line}\n`),
    );
  }
  process.stderr.write(`ecs-watchdog: unknown command "${command}" (see ecs-watchdog --help)\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ecs-watchdog: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
