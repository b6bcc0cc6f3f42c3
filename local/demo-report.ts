/**
 * What `npm run demo` prints: a one-screen summary first, then the timeline of what on-call received
 * (each page in a few lines, with what happened in the account between them), then how it ran and what
 * was emulated. `--verbose` shows every delivery with its outcome and the handler's logs, the timers
 * and sweeps, and every page in full as its subscriber read it.
 */
import type { ReplayOutcome } from '../lambdas/cli/replay';
import type { Alert } from '../lambdas/domain/alerts/alert';
import { renderEmail } from '../lambdas/domain/alerts/render-email';
import type { ClockEntry } from './demo-simulation';
import type { SnsDelivery } from './seed';

/** One EventBridge delivery and what the processing decided. */
export interface DeliveryRecord {
  at: number;
  label: string;
  outcome: ReplayOutcome;
  /** The handler's log lines for it (shown with --verbose). */
  logs: string[];
}

/** One message the all-alerts subscriber received, and the simulated time it was published. */
export interface Page {
  at: number;
  delivery: SnsDelivery;
  alert: Alert;
}

export interface DemoRun {
  deliveries: DeliveryRecord[];
  /** What happened in the account, as the story tells it. */
  notes: { at: number; text: string }[];
  clock: ClockEntry[];
  pages: Page[];
  /** The subscriber with a filter policy, and how many pages it received. */
  filtered: { queue: string; policy: string; count: number };
  simulated: { from: number; to: number };
  wallSeconds: number;
  /** What the emulator lacks and the demo adds, one line each. */
  emulated: string[];
  /** Pages a silence held (from the history): recorded, not sent. */
  silenced?: { at: number; title: string; silenceId: string; alertId: string }[];
  /** The history table the demo ends with. */
  history?: string;
}

export interface Summary {
  eventsIn: number;
  pagesOut: number;
  /** Events that made a page of their own (at once, or after the group wait). */
  paged: number;
  folded: number;
  /** Pages a silence held. */
  silenced: number;
  duplicates: number;
  routine: number;
  rejected: number;
  failed: number;
  enrichmentIncomplete: number;
}

/** What became of each delivery. A held stop is paged (its alert went out) or folded (a loop page replaced it). */
export function summarise(run: DemoRun): Summary {
  const delivered = new Set(run.pages.map((p) => p.alert.alertId ?? p.alert.dedupeKey));
  const count = (test: (outcome: ReplayOutcome) => boolean) => run.deliveries.filter((d) => test(d.outcome)).length;
  const heldAndPaged = (o: ReplayOutcome) => o.status === 'held' && delivered.has(o.alert.alertId ?? o.alert.dedupeKey);
  const silencedIds = new Set((run.silenced ?? []).map((s) => s.alertId));
  const heldAndSilenced = (o: ReplayOutcome) =>
    o.status === 'held' && silencedIds.has(o.alert.alertId ?? o.alert.dedupeKey);
  return {
    eventsIn: run.deliveries.length,
    pagesOut: run.pages.length,
    paged: count((o) => o.status === 'published' || heldAndPaged(o)),
    folded: count(
      (o) =>
        o.status === 'absorbed' ||
        o.status === 'folded' ||
        (o.status === 'held' && !heldAndPaged(o) && !heldAndSilenced(o)),
    ),
    silenced: run.silenced?.length ?? 0,
    duplicates: count((o) => o.status === 'duplicate'),
    routine: count((o) => o.status === 'routine' || o.status === 'muted'),
    rejected: count((o) => o.status === 'invalid'),
    failed: count((o) => o.status === 'failed' || o.status === 'no-handler'),
    enrichmentIncomplete: run.pages.filter((p) => p.alert.enrichmentErrors.length > 0).length,
  };
}

const WIDTH = 100;
const rule = (char: string) => char.repeat(WIDTH);

/** Alert kinds as the summary names them, in the order it lists them. */
const KINDS: Record<string, string> = {
  RESTART_LOOP: 'restart loops',
  RECOVERED: 'recoveries',
  ROLLOUT: 'rollouts',
  SERVICE_ACTION: 'service actions',
  CAPACITY: 'capacity',
  TASK_STOPPED: 'task stops',
};

export function renderSummary(run: DemoRun, s: Summary): string {
  const row = (label: string, value: number, note: string) =>
    `  ${label.padEnd(24)}${String(value).padStart(5)}   ${note}`.trimEnd();
  const byKind = countBy(run.pages.map((p) => p.alert.kind));
  const kinds = [...Object.keys(KINDS), ...Object.keys(byKind).filter((k) => !KINDS[k])]
    .filter((kind) => byKind[kind])
    .map((kind) => row(`  ${KINDS[kind] ?? kind}`, byKind[kind] ?? 0, ''));
  const days = Math.round((run.simulated.to - run.simulated.from) / 86_400_000);
  const lines = [
    rule('='),
    ` ECS Watchdog demo: ${days} days of one ECS account (${day(run.simulated.from)} to ${day(run.simulated.to)}), replayed in ${run.wallSeconds.toFixed(0)} s`,
    rule('='),
    row('Events in', s.eventsIn, 'EventBridge deliveries: events/, the story around them, repeats'),
    row('Pages out', s.pagesOut, 'what on-call received (the all-alerts subscriber)'),
    ...kinds,
    row(
      `Pages to ${run.filtered.queue}`,
      run.filtered.count,
      `the subscriber with filter policy ${run.filtered.policy}`,
    ),
    row('Folded', s.folded, 'stops counted in an open incident or failed rollout, not paged'),
    row('Silenced', s.silenced, 'pages a silence held: recorded in the history, not sent'),
    row('Duplicates dropped', s.duplicates, 'the same event, or the same deployment failure, again'),
    row('Routine dropped', s.routine, 'scale-in, deployments, Spot, user stops, steady states'),
    row('Rejected', s.rejected, 'malformed: logged with the reason and counted, never a crash'),
    row('Enrichment incomplete', s.enrichmentIncomplete, 'pages sent without something they should have looked up'),
  ];
  if (s.failed > 0) lines.push(row('FAILED', s.failed, 'would be retried, then dead-lettered'));
  lines.push(rule('='));
  return lines.join('\n');
}

/**
 * Pages in the order on-call received them, between the story's notes of what happened in the
 * account. Compact: the subject, the summary and the likely cause. Verbose: every delivery with its
 * outcome and logs, the timers and sweeps, and every page in full.
 */
export function renderTimeline(run: DemoRun, verbose: boolean): string {
  type Entry = { at: number; order: number; lines: string[] };
  const entries: Entry[] = [];
  for (const note of run.notes) {
    entries.push({ at: note.at, order: 0, lines: wrap(note.text, WIDTH, `${stamp(note.at)}  » `, `${INDENT}  `) });
  }
  for (const page of run.pages)
    entries.push({ at: page.at, order: 2, lines: verbose ? fullPage(page) : compactPage(page) });
  for (const held of run.silenced ?? [])
    entries.push({
      at: held.at,
      order: 2,
      lines: wrap(`SILENCED by ${held.silenceId}, not sent: ${held.title}`, WIDTH, `${stamp(held.at)}  `, INDENT),
    });
  if (verbose) {
    for (const d of run.deliveries) {
      const outcome = describeOutcome(d.outcome);
      entries.push({
        at: d.at,
        order: 1,
        lines: [`${stamp(d.at)}  <- ${d.label}: ${outcome}`, ...d.logs.map((l) => `${INDENT}   ${l}`)],
      });
    }
    for (const c of run.clock) entries.push({ at: c.at, order: 1, lines: [`${stamp(c.at)}  ${c.text}`] });
  }
  entries.sort((a, b) => a.at - b.at || a.order - b.order);
  const title = verbose
    ? 'TIMELINE: every delivery, timer, sweep and page (pages in full, as the subscriber read them)'
    : 'TIMELINE: the pages on-call received, in order (npm run demo -- --verbose: every page in full)';
  return [title, '', ...entries.flatMap((e) => e.lines)].join('\n');
}

export function renderFooter(run: DemoRun): string {
  return [
    rule('-'),
    `How it ran: ${run.deliveries.length} EventBridge events through the Lambda functions' own processing, against a local`,
    'AWS emulator (moto) holding a seeded account, the incident table and the alert topic with SQS subscribers;',
    `clock simulated from ${stamp(run.simulated.from)} to ${stamp(run.simulated.to)} (group-wait timers and the minute sweep on it).`,
    'Emulated, because the emulator cannot produce it (local/API-SUPPORT.md):',
    ...run.emulated.flatMap((line) => wrap(line, WIDTH, '  - ', '    ')),
    rule('-'),
  ].join('\n');
}

const INDENT = ' '.repeat(14);

function compactPage({ at, alert }: Page): string[] {
  const lines = [`${stamp(at)}  ${alert.title}`, ...wrap(alert.summary, WIDTH, INDENT, INDENT)];
  if (alert.verdict) lines.push(...wrap(`Likely cause: ${alert.verdict}`, WIDTH, INDENT, INDENT));
  return lines;
}

function fullPage({ at, delivery, alert }: Page): string[] {
  const attributes = Object.entries(delivery.attributes)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  return [
    `${stamp(at)}  PAGE ${rule('-').slice(0, WIDTH - 19)}`,
    `Subject:    ${delivery.subject ?? '(none)'}`,
    `Attributes: ${attributes}`,
    '',
    renderEmail(alert),
    rule('-'),
  ];
}

function describeOutcome(outcome: ReplayOutcome): string {
  switch (outcome.status) {
    case 'invalid':
      return `rejected (${outcome.error.message})`;
    case 'failed':
      return `FAILED (${outcome.error})`;
    case 'no-handler':
      return `no handler for ${outcome.detailType}`;
    default: {
      const alert = outcome.alert;
      return alert ? `${outcome.status} (${alert.category}, incident ${alert.incidentId})` : outcome.status;
    }
  }
}

/** `Mar 01 04:45:12` */
function stamp(ms: number): string {
  const d = new Date(ms);
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${month} ${d.toISOString().slice(8, 10)} ${d.toISOString().slice(11, 19)}`;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Words wrapped to `width` columns: the first line after `first`, the others after `rest`. */
function wrap(text: string, width: number, first: string, rest: string): string[] {
  const lines: string[] = [];
  let line = '';
  const prefix = () => (lines.length === 0 ? first : rest);
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && prefix().length + line.length + 1 + word.length > width) {
      lines.push(prefix() + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(prefix() + line);
  return lines;
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
