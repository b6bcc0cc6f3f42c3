/**
 * `npm run demo` (README "Quick start"): start a local AWS (moto), seed a realistic ECS account, and
 * replay six weeks of it (local/demo-story.ts: every event of events/ at its own time, with the story
 * around them) through the Lambda functions' own processing, incident tracking on: the state table in
 * the emulator, group-wait timers and the minute sweep on a simulated clock (local/demo-simulation.ts).
 * Prints a one-screen summary, then the pages on-call received, compact (`--verbose`: everything).
 * The on-call view goes to stdout, progress and rejections to stderr. The emulator is always stopped
 * (also on Ctrl-C: local/emulator.ts).
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { STSClient } from '@aws-sdk/client-sts';
import { CallerIdentity } from '../lambdas/adapters/caller-identity';
import { queryHistory } from '../lambdas/app/history';
import { errorMessage } from '../lambdas/app/shared/budget';
import { readConfig } from '../lambdas/app/shared/config';
import { type Log, MemoryCounter } from '../lambdas/app/shared/telemetry';
import { addSilenceCommand } from '../lambdas/app/silences';
import { watchdogProcessors } from '../lambdas/cli/replay';
import { renderRows } from '../lambdas/cli/state-table';
import { makeWatchdogDeps, type WatchdogDeps } from '../lambdas/cli/watchdog-deps';
import { type Alert, alertIdOf } from '../lambdas/domain/alerts/alert';
import type { HistoryLog } from '../lambdas/domain/history/history-log';
import type { LoopPolicy } from '../lambdas/domain/incidents/incident';
import type { IncidentStore } from '../lambdas/domain/incidents/incident-store';
import type { NewSilence } from '../lambdas/domain/silences/silence';
import { DemoEmulation, EMULATED } from './demo-emulation';
import {
  type DemoRun,
  type Page,
  renderFooter,
  renderSummary,
  renderTimeline,
  type Summary,
  summarise,
} from './demo-report';
import { type ClockEntry, type Player, playStory, SimulatedClock } from './demo-simulation';
import { buildStory, type Story } from './demo-story';
import { emulateHealthReports } from './emulate-health-reports';
import { type LocalAws, withLocalAws } from './emulator';
import { drainSnsDeliveries, type SeededAccount, seedAccount } from './seed';
import { createStateResources, type StateResources } from './state-resources';

export interface DemoOutput {
  /** The on-call view (stdout). */
  out(text: string): void;
  /** Progress, warnings and rejections (stderr). */
  err(text: string): void;
}

export interface DemoOptions {
  verbose?: boolean;
}

export interface DemoResult {
  /** 0 when every event was handled and every page published reached the subscriber. */
  exitCode: number;
  run: DemoRun;
  summary: Summary;
  story: Story;
}

const PAYMENTS_FILTER = 'team=payments';
const USAGE = `Usage: npm run demo [-- --verbose]

Replays six weeks of a seeded ECS account through ECS Watchdog against a local AWS emulator (no AWS
account needed) and prints what on-call received: a summary, then the pages in order.

  --verbose, -v   every delivery with its outcome and the handler's logs, the timers and sweeps, and
                  every page in full as its subscriber read it
  --help, -h      this help
`;

const stdio: DemoOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export async function runDemo(output: DemoOutput = stdio, options: DemoOptions = {}): Promise<number> {
  // The SDK warns about Node 20 on every client; on Lambda it runs on Node 24.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const progress = (line: string): void => output.err(`[demo] ${line}\n`);
  progress('starting the local AWS emulator (moto server on 127.0.0.1)');
  const result = await withLocalAws((aws) => runDemoOn(aws, output, options), { log: progress, seed: 42 });
  return result.exitCode;
}

/** The demo against a running, empty local AWS. */
export async function runDemoOn(aws: LocalAws, output: DemoOutput, options: DemoOptions = {}): Promise<DemoResult> {
  const started = Date.now();
  const seeded = await seedAccount(aws.clientConfig);
  const state = await createStateResources(aws.clientConfig);
  const ecs = new ECSClient(aws.clientConfig);
  try {
    return await tell(aws, seeded, state, ecs, output, options, started);
  } finally {
    ecs.destroy();
  }
}

/** The story told on the seeded account: played through the watchdog, then printed. */
async function tell(
  aws: LocalAws,
  seeded: SeededAccount,
  state: StateResources,
  ecs: ECSClient,
  output: DemoOutput,
  options: DemoOptions,
  started: number,
): Promise<DemoResult> {
  const progress = (line: string): void => output.err(`[demo] ${line}\n`);
  const emulation = new DemoEmulation(ecs, seeded.cluster.name);
  const config = readConfig({
    ALERT_TOPIC_ARN: seeded.alerts.topicArn,
    STATE_TABLE_NAME: state.tableName,
    TIMER_QUEUE_URL: state.timerQueueUrl,
  });
  const policy = config.incidents?.policy;
  if (!policy) throw new Error('incident tracking is not configured');
  let clock: SimulatedClock | undefined;
  const now = () => clock?.now ?? Date.now();
  const base = makeWatchdogDeps(aws.clientConfig, config, now, (client) => {
    // moto never checks health or fails a deployment: local/emulate-health-reports.ts, local/demo-emulation.ts.
    emulateHealthReports(client, seeded.healthChecks);
    emulation.install(client);
  });
  const store = base.incidents?.store;
  const history = base.incidents?.history;
  if (!store || !history) throw new Error('incident tracking and history are not configured');
  // On-call's silence, as `ecs-watchdog silence add` writes it: its author from STS (moto serves it).
  const sts = new STSClient(aws.clientConfig);
  const identity = new CallerIdentity(sts);
  const addSilence = async (input: NewSilence) => {
    const silence = await addSilenceCommand(input, { store, whoAmI: () => identity.whoAmI(), now });
    progress(`  silence ${silence.id} added by ${silence.createdBy} until ${silence.endsAt}`);
  };
  try {
    const story = await buildStory(aws.clientConfig, seeded, emulation, ecs, addSilence);
    const first = story.steps[0]?.at ?? 0;
    const clockEntries: ClockEntry[] = [];
    clock = new SimulatedClock(first - 60_000, (entry) => clockEntries.push(entry));
    return await play({
      aws,
      seeded,
      story,
      output,
      options,
      started,
      base,
      store,
      history,
      policy,
      clock,
      clockEntries,
    });
  } finally {
    sts.destroy();
    base.destroy();
  }
}

interface Playing {
  aws: LocalAws;
  seeded: SeededAccount;
  story: Story;
  output: DemoOutput;
  options: DemoOptions;
  started: number;
  base: WatchdogDeps;
  store: IncidentStore;
  history: HistoryLog;
  policy: LoopPolicy;
  clock: SimulatedClock;
  clockEntries: ClockEntry[];
}

/** The story played through the watchdog on the simulated clock, then printed. */
async function play(p: Playing): Promise<DemoResult> {
  const { aws, seeded, story, output, options, started, base, store, history, policy, clock, clockEntries } = p;
  const progress = (line: string): void => output.err(`[demo] ${line}\n`);
  const first = story.steps[0]?.at ?? 0;
  const now = () => clock.now;
  progress(
    `seeded account ${seeded.account} in ${seconds(started)}: cluster ${seeded.cluster.name}, services ` +
      `${Object.keys(seeded.services).join(', ')} and the health-check cases, the incident table, the alert topic ` +
      `with SQS subscribers all-alerts and payments-alerts (${PAYMENTS_FILTER})`,
  );
  const sentAt = new Map<string, number>();
  const publisher = {
    publish: async (alert: Alert) => {
      const messageId = await base.publisher.publish(alert);
      sentAt.set(alertIdOf(alert), clock.now);
      return messageId;
    },
  };
  const incidents = { store, timers: clock.timers, now, history };
  const counter = new MemoryCounter();
  const log = (label: string, lines: string[]): Log => ({
    info: (message, extra) => lines.push(`${message}${describe(extra)}`),
    warn: (message, extra) => {
      lines.push(`WARN ${message}${describe(extra)}`);
      progress(`  warn ${label}: ${message}${describe(extra)}`);
    },
    error: (message, extra) => {
      lines.push(`ERROR ${message}${describe(extra)}`);
      progress(`  rejected ${label}: ${message}${describe(extra)}`);
    },
  });
  const player: Player = {
    processors: watchdogProcessors({ ...base, publisher, incidents }),
    timerDeps: { ...incidents, publisher, policy, log: log('(timer or sweep)', []), counter },
    contextFor: (label, lines) => ({ log: log(label, lines), counter }),
  };

  {
    progress(`replaying ${story.steps.filter((s) => s.kind !== 'world').length} deliveries on a simulated clock`);
    const { deliveries, notes } = await playStory(story.steps, clock, player);
    for (const d of deliveries) if (d.outcome.status === 'failed') progress(`  FAILED ${d.label}: ${d.outcome.error}`);

    const received = await drainSnsDeliveries(aws.clientConfig, seeded.alerts.allAlerts.queueUrl);
    const payments = await drainSnsDeliveries(aws.clientConfig, seeded.alerts.paymentsAlerts.queueUrl);
    const pages: Page[] = received
      .map((delivery) => {
        const alert = JSON.parse(delivery.message) as Alert;
        return { at: sentAt.get(alertIdOf(alert)) ?? Date.parse(alert.occurredAt), delivery, alert };
      })
      .sort((a, b) => a.at - b.at);
    const run: DemoRun = {
      deliveries,
      notes,
      clock: clockEntries,
      pages,
      filtered: { queue: 'payments-alerts', policy: PAYMENTS_FILTER, count: payments.length },
      simulated: { from: first, to: clock.now },
      wallSeconds: (Date.now() - started) / 1000,
      emulated: [
        ...EMULATED,
        "ELB health checks: moto runs none; the seeded health-check cases' target health and 'is unhealthy' service events are added (local/emulate-health-reports.ts)",
        'Time: SQS delays and the minute sweep run on the simulated clock, in process (local/demo-simulation.ts)',
      ],
    };
    const span = { since: new Date(first - 60_000).toISOString(), until: new Date(clock.now).toISOString() };
    run.silenced = (await queryHistory({ kind: 'page', ...span }, history)).flatMap((page) =>
      page.kind === 'page' && page.state === 'SILENCED'
        ? [{ at: Date.parse(page.at), title: page.title, silenceId: page.silenceId ?? '?', alertId: page.alertId }]
        : [],
    );
    run.history = await historyTable(history, story.crashLoop.service);
    const summary = summarise(run);
    output.out(`${renderSummary(run, summary)}\n\n`);
    output.out(`${renderTimeline(run, options.verbose ?? false)}\n\n`);
    output.out(`${run.history}\n\n`);
    output.out(`${renderFooter(run)}\n`);

    const lost = sentAt.size !== received.length;
    if (lost) progress(`MISMATCH: ${sentAt.size} pages published, all-alerts received ${received.length}`);
    progress(
      `done: ${summary.eventsIn} events, ${summary.pagesOut} pages, simulated ${day(first)} to ${day(clock.now)}, in ${seconds(started)}`,
    );
    return { exitCode: summary.failed > 0 || lost ? 1 : 0, run, summary, story };
  }
}

/** The crash loop's morning, as on-call asks the history for it (README "History"). */
async function historyTable(history: HistoryLog, service: string): Promise<string> {
  const since = '2025-03-06T08:00:00Z';
  const rows = await queryHistory(
    {
      kind: 'stop',
      since: '2025-03-06T08:00:00.000Z',
      until: '2025-03-06T10:00:00.000Z',
      cluster: 'production',
      service,
    },
    history,
  );
  return [
    `HISTORY: ecs-watchdog history --cluster production --service ${service} --since ${since} --until 2025-03-06T10:00:00Z`,
    '',
    renderRows(
      rows.map((r) => ({
        ...r,
        at: r.at.slice(0, 19).replace('T', ' '),
        reason: r.kind === 'stop' ? r.reason?.slice(0, 40) : '',
      })),
      ['at', 'task', 'revision', 'category', 'culprit', 'exitCode', 'reason'],
      'table',
    ),
  ].join('\n');
}

function describe(extra: Record<string, unknown> | undefined): string {
  if (!extra) return '';
  if (typeof extra.reason === 'string') return ` - ${extra.reason}`;
  if (Array.isArray(extra.enrichmentErrors)) {
    const errors = extra.enrichmentErrors as Array<{ lookup: string; message: string }>;
    return ` - ${errors.map((e) => `${e.lookup}: ${e.message}`).join('; ')}`;
  }
  const { event: _omitted, ...rest } = extra;
  const text = JSON.stringify(rest);
  if (text === '{}') return '';
  return ` ${text.length > 200 ? `${text.slice(0, 200)}...` : text}`;
}

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => !['--verbose', '-v', '--help', '-h'].includes(a));
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
  } else if (unknown.length > 0) {
    process.stderr.write(`demo: unknown option ${unknown.join(' ')}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    runDemo(stdio, { verbose: args.includes('--verbose') || args.includes('-v') }).then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        process.stderr.write(`demo: ${errorMessage(error)}\n`);
        process.exitCode = 1;
      },
    );
  }
}
