import { once } from 'node:events';
import { classifyFiles, classifyNdjson, OUTPUT_FORMATS, type OutputFormat } from './classify-files';
import { type OptionSpecs, oneOf, parseCommandLine, UsageError, wantsHelp } from './command-line';
import { packageVersion } from './package-version';
import { ndjsonLines } from './read-event-file';

interface Command {
  /** One line for the overview. */
  readonly summary: string;
  /** `ecs-watchdog COMMAND --help`. */
  readonly help: string;
  readonly options: OptionSpecs;
  run(values: Record<string, unknown>, positionals: string[]): Promise<number>;
}

const CLASSIFY_HELP = `Usage: ecs-watchdog classify [--format json|text|chat] FILE...
       ecs-watchdog classify [--format json|text|chat] -

Classify EventBridge ECS events offline (no AWS calls). Each FILE holds one event or a
JSON array of events; FILE - reads NDJSON (one event a line, as an EventBridge archive
export) from stdin, printing as lines arrive. A message from the dead-letter queue can be
given as it is: a Lambda on-failure record is unwrapped to the event it carries.

Prints one JSON line per event, in input order, with file, kind, category, actionable,
severity, culpritContainer, title and summary.

Options:
  --format json   the alert JSON, one line per event (what SQS, Lambda and e-mail-json
                  subscribers receive)
  --format text   the e-mail body, as on-call reads it
  --format chat   the chat notification JSON, one line per event
                  (each rendered before enrichment: no AWS lookups, secrets redacted)
  -h, --help      show this help

A file that is not JSON or not an ECS event: a one-line error on stderr naming it; the
other files are still classified; the exit code is then 1.`;

const REPLAY_HELP = `Usage: ecs-watchdog replay [options] FILE...

Send saved events through the same processing the Lambda functions run, against AWS
(your credentials) or --endpoint. A message from the dead-letter queue can be given as
it is. Settings come from the functions' environment variables (ALERT_TOPIC_ARN,
STATE_TABLE_NAME, TIMER_QUEUE_URL, ...); options override them.

Options:
  --topic ARN         the alert topic (stack output AlertTopicArn)
  --table NAME        the state table (StateTableName): incident tracking as deployed
  --timer-queue URL   the timer queue (TimerQueueUrl)
  --team-tag KEY      the tag naming a service's team
  --region REGION     the AWS region (default: AWS_REGION)
  --endpoint URL      another endpoint, e.g. a local AWS emulator
  -h, --help          show this help

Prints one JSON line per file: file, status, kind, category, severity, incidentId,
messageId. Exit code 1 if any event was rejected or failed.`;

const REDACT_HELP = `Usage: ecs-watchdog redact [--pattern REGEX]... < log.txt

Redact secrets from stdin (one log event per line) to stdout, through the same gate
every alert leaves by.

Options:
  --pattern REGEX   also redact what this regular expression matches, like the
                    redactPatterns setting (repeatable)
  -h, --help        show this help`;

const COMMANDS: Record<string, Command> = {
  classify: {
    summary: 'classify ECS events offline; --format renders the alert as on-call sees it',
    help: CLASSIFY_HELP,
    options: { format: { type: 'string' } },
    run: async (values, files) => {
      const format = oneOf('--format', values.format as string | undefined, OUTPUT_FORMATS);
      if (files.length === 0) throw new UsageError('no files given');
      if (files.length === 1 && files[0] === '-') return classifyStdin(format);
      const { lines, problems } = classifyFiles(files, format);
      for (const line of lines) process.stdout.write(`${line}\n`);
      for (const { file, problem } of problems) process.stderr.write(`ecs-watchdog: ${file}: ${problem}\n`);
      return problems.length > 0 ? 1 : 0;
    },
  },
  replay: {
    summary: 'send saved events through the functions’ processing, against AWS',
    help: REPLAY_HELP,
    options: {},
    run: async (_values, args) => {
      // Loaded on demand (require, which the bin's CommonJS loader resolves): classify needs no AWS SDK.
      const { parseReplayArgs, runReplay } = require('./replay-command') as typeof import('./replay-command.js');
      return runReplay(
        parseReplayArgs(args),
        (line) => process.stdout.write(`${line}\n`),
        (line) => process.stderr.write(`${line}\n`),
      );
    },
  },
  redact: {
    summary: 'redact secrets from log lines on stdin, as alerts are redacted',
    help: REDACT_HELP,
    options: {},
    run: async (_values, args) => {
      const { parseRedactArgs, runRedact } = require('./redact-command') as typeof import('./redact-command.js');
      return runRedact(parseRedactArgs(args), process.stdin, (text) => process.stdout.write(text));
    },
  },
};

/** The commands on the watchdog's state table: loaded on demand, as replay (they need the AWS SDK). */
const stateCommands = () => ({
  silence: require('./silence-command') as typeof import('./silence-command.js'),
  history: require('./history-command') as typeof import('./history-command.js'),
});
const print = (text: string) => process.stdout.write(text ? `${text}\n` : '');

COMMANDS.silence = {
  summary: 'silence pages of a cluster, service or category for a while (add, list, expire)',
  get help() {
    return stateCommands().silence.SILENCE_HELP;
  },
  options: {},
  run: async (_values, args) => stateCommands().silence.runSilence(args, print),
};
COMMANDS.history = {
  summary: 'the stops (or pages) the watchdog recorded, by cluster, service, time, category',
  get help() {
    return stateCommands().history.HISTORY_HELP;
  },
  options: {},
  run: async (_values, args) => stateCommands().history.runHistory(args, print),
};
COMMANDS.incidents = {
  summary: 'the incidents the watchdog tracked, open and recently closed',
  get help() {
    return stateCommands().history.INCIDENTS_HELP;
  },
  options: {},
  run: async (_values, args) => stateCommands().history.runIncidents(args, print),
};

const HELP = `ecs-watchdog ${packageVersion()} - classify why Amazon ECS tasks stopped, and page with the answer

Usage: ecs-watchdog COMMAND [options] [FILE...]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(10)}${command.summary}`)
  .join('\n')}

Options:
  -h, --help     show this help (ecs-watchdog COMMAND --help: the command's)
  --version      print the version

Exit codes: 0 success, 1 some input was bad, 2 usage error.`;

/** `classify -`: NDJSON from stdin, each line printed as soon as it is classified (with stdout's backpressure). */
async function classifyStdin(format: OutputFormat | undefined): Promise<number> {
  const bad = await classifyNdjson(
    ndjsonLines(process.stdin),
    async (line) => {
      if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain');
    },
    ({ file, problem }) => process.stderr.write(`ecs-watchdog: ${file}: ${problem}\n`),
    format,
  );
  return bad > 0 ? 1 : 0;
}

/** Runs the command line; returns the exit code. Usage errors are one line on stderr, exit 2. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    process.stderr.write(`${HELP}\n`);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (name === '--version') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const what = name.startsWith('-') ? `unknown option ${name}` : `unknown command "${name}"`;
    process.stderr.write(`ecs-watchdog: ${what} (see ecs-watchdog --help)\n`);
    return 2;
  }
  if (wantsHelp(args)) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    // replay and redact parse their own options (their tests call their parsers directly).
    if (Object.keys(command.options).length === 0) return await command.run({}, args);
    const { values, positionals } = parseCommandLine(args, command.options);
    return await command.run(values, positionals);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`ecs-watchdog ${name}: ${error.message} (see ecs-watchdog ${name} --help)\n`);
    return 2;
  }
}

/** What the bin runs: the command line, its exit code set; an unexpected failure is one line, never a stack trace. */
export function runCli(argv: readonly string[]): Promise<void> {
  return main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`ecs-watchdog: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
