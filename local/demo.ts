/**
 * `ecs-watchdog demo` (`npm run demo`): start a local AWS (moto), seed a realistic ECS account,
 * replay every event in events/ through the handlers' processing functions with real SDK clients,
 * then print what the alert topic's SQS subscriber received, as on-call reads it, and a summary.
 * Progress goes to stderr, the on-call view to stdout. The emulator is always stopped (also on
 * Ctrl-C: local/emulator.ts kills it on SIGINT/SIGTERM and on exit).
 */
import { join } from 'node:path';
import { readConfig } from '../lambdas/app/shared/config';
import { type Log, MemoryCounter } from '../lambdas/app/shared/telemetry';
import { renderOnCallView, renderSummary } from '../lambdas/cli/on-call-view';
import { listEventFiles, type ReplayedFile, replayFiles, watchdogProcessors } from '../lambdas/cli/replay';
import { makeWatchdogDeps } from '../lambdas/cli/watchdog-deps';
import { emulateHealthReports } from './emulate-health-reports';
import { type LocalAws, PROJECT_ROOT, withLocalAws } from './emulator';
import { drainSnsDeliveries, rewriteFixtureIds, seedAccount } from './seed';

export interface DemoOutput {
  /** The on-call view (stdout). */
  out(text: string): void;
  /** Progress, warnings and rejections (stderr). */
  err(text: string): void;
}

const EVENTS_DIR = join(PROJECT_ROOT, 'events');
const MALFORMED_PREFIX = join('events', 'invalid');
const PAYMENTS_FILTER = 'team=payments';

const stdio: DemoOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export async function runDemo(output: DemoOutput = stdio): Promise<number> {
  // The SDK warns about Node 20 on every client; on Lambda it runs on Node 24.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const started = Date.now();
  const progress = (line: string): void => output.err(`[demo] ${line}\n`);
  progress('starting the local AWS emulator (moto server on 127.0.0.1)');
  const code = await withLocalAws((aws) => runDemoOn(aws, output), { log: progress, seed: 42 });
  progress(`done in ${seconds(started)}`);
  return code;
}

/** The demo against a running, empty local AWS. Returns the exit code: 0 when every event was handled. */
export async function runDemoOn(aws: LocalAws, output: DemoOutput): Promise<number> {
  const progress = (line: string): void => output.err(`[demo] ${line}\n`);
  let t = Date.now();
  const seeded = await seedAccount(aws.clientConfig);
  progress(
    `seeded account ${seeded.account} in ${seconds(t)}: cluster ${seeded.cluster.name}, services ` +
      `${Object.keys(seeded.services).join(', ')}, alert topic with SQS subscribers all-alerts and ` +
      `payments-alerts (${PAYMENTS_FILTER})`,
  );

  // moto never checks health: the seeded cases' service events and target health are added (seed-health-checks.ts).
  const deps = makeWatchdogDeps(
    aws.clientConfig,
    readConfig({ ALERT_TOPIC_ARN: seeded.alerts.topicArn }),
    Date.now,
    (client) => emulateHealthReports(client, seeded.healthChecks),
  );
  try {
    const processors = watchdogProcessors(deps);
    const counter = new MemoryCounter();
    const files = listEventFiles(EVENTS_DIR, PROJECT_ROOT);
    const fixtures = files.filter((f) => !f.label.startsWith(MALFORMED_PREFIX));
    const malformedSamples = files.filter((f) => f.label.startsWith(MALFORMED_PREFIX));
    const warnings = new WarningDigest();
    const options = {
      contextFor: (label: string) => ({ log: quietLog(label, progress, warnings), counter }),
      prepare: (raw: unknown) => rewriteFixtureIds(raw, seeded.fixtureIds),
    };

    t = Date.now();
    progress(
      `replaying ${fixtures.length} events from events/ (routed by detail-type: ${Object.keys(processors).join(', ')})`,
    );
    const replayed = await replayFiles(fixtures, processors, options);
    warnings.flush(progress);
    reportUnhandled(replayed, progress);
    progress(
      `feeding ${malformedSamples.length} malformed samples from events/invalid/: each must be rejected, not crash`,
    );
    const malformed = await replayFiles(malformedSamples, processors, options);
    warnings.flush(progress);
    reportUnhandled(malformed, progress);
    const published = replayed.filter((r) => r.outcome.status === 'published').length;
    progress(`handlers done in ${seconds(t)}: ${published} alerts published`);

    const allAlerts = await drainSnsDeliveries(aws.clientConfig, seeded.alerts.allAlerts.queueUrl);
    const payments = await drainSnsDeliveries(aws.clientConfig, seeded.alerts.paymentsAlerts.queueUrl);
    progress(`read ${allAlerts.length} alerts from all-alerts and ${payments.length} from payments-alerts`);

    output.out(
      `ECS Watchdog demo - what on-call receives: ${allAlerts.length} alerts from ${fixtures.length} events\n` +
        '(each block: the SNS subject, the message attributes filter policies match on, and the e-mail body,\n' +
        ' rendered from the Alert JSON that arrived in the all-alerts SQS queue)\n\n',
    );
    output.out(`${renderOnCallView(allAlerts)}\n`);
    output.out(
      `${renderSummary({
        replayed,
        malformed,
        allAlerts,
        filtered: { queue: 'payments-alerts', policy: PAYMENTS_FILTER, count: payments.length },
      })}\n`,
    );

    const failed = [...replayed, ...malformed].filter((r) => r.outcome.status === 'failed').length;
    const lost = published !== allAlerts.length;
    if (lost) progress(`MISMATCH: handlers published ${published} alerts but all-alerts received ${allAlerts.length}`);
    return failed > 0 || lost ? 1 : 0;
  } finally {
    deps.destroy();
  }
}

/**
 * Handler logs are noise here: info is dropped; errors (rejected input) get one line naming the
 * file; warnings are collected and printed once per distinct text with the files they came from.
 */
function quietLog(label: string, progress: (line: string) => void, warnings: WarningDigest): Log {
  return {
    info() {},
    warn: (message, extra) => warnings.add(label, `${message}${describe(extra)}`),
    error: (message, extra) => progress(`  rejected ${label}: ${message}${describe(extra)}`),
  };
}

class WarningDigest {
  private readonly filesByText = new Map<string, string[]>();

  add(file: string, text: string): void {
    this.filesByText.set(text, [...(this.filesByText.get(text) ?? []), file]);
  }

  flush(progress: (line: string) => void): void {
    for (const [text, files] of this.filesByText) progress(`  warn (${listFiles(files)}): ${text}`);
    this.filesByText.clear();
  }
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

/** Failures one line each; events no processing function handles yet, one line per detail-type. */
function reportUnhandled(replayed: ReplayedFile[], progress: (line: string) => void): void {
  const unrouted = new Map<string, string[]>();
  for (const { file, outcome } of replayed) {
    if (outcome.status === 'failed') progress(`  FAILED ${file}: ${outcome.error}`);
    if (outcome.status === 'no-handler')
      unrouted.set(outcome.detailType, [...(unrouted.get(outcome.detailType) ?? []), file]);
  }
  for (const [detailType, files] of unrouted) progress(`  no handler yet for "${detailType}": ${listFiles(files)}`);
}

/** `a.json` or `3 events: a.json, b.json, c.json` or `12 events: a.json, b.json, c.json and 9 more`. */
function listFiles(files: string[]): string {
  if (files.length === 1) return files[0] ?? '';
  const names = files.map((f) => f.split('/').pop());
  const more = names.length > 3 ? ` and ${names.length - 3} more` : '';
  return `${files.length} events: ${names.slice(0, 3).join(', ')}${more}`;
}

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  runDemo().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
