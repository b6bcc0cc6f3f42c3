/**
 * Classification benchmark (`npm run bench:classify`): how much one event costs to classify, and to
 * classify and render, against the cost of `JSON.parse` of the same text. Prints ONE JSON line:
 *
 *   {"fixtures":{…},"archive":{…},"ratioClassify":…,"ratioFull":…}
 *
 * - `classify`: `classifyEvent` on the parsed event (what `ecs-watchdog classify` does per event: envelope
 *   and detail reading, the stop/rollout/service-action rules, the alert).
 * - `full`: classify, then `toSnsMessage` (the e-mail text, the chat notification and the JSON bodies of
 *   the SNS message in `lambdas/domain/alerts/`).
 * - `parse`: `JSON.parse` of the event's compact one-line text (as in an EventBridge archive export).
 *
 * Two inputs: every valid event under events/ (task-stopped, deployment, service-action), and a synthetic
 * archive of 100,000 events made from them (deterministic PRNG): fresh ids and times, the reason texts of
 * the sourced corpora in test/fixtures/reason-variants*.json put in the stop or container reason, some
 * truncated, some oddly cased. µs are per event, the best of several equally long passes (measure, below). The
 * top-level ratios are the larger of the two inputs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyEvent } from '../lambdas/domain/alerts/classify-event';
import { toSnsMessage } from '../lambdas/domain/alerts/sns-message';
import { random } from './random';

const ROOT = join(__dirname, '..');
const ARCHIVE_SIZE = 100_000;

function fixtureTexts(): string[] {
  const texts: string[] = [];
  for (const dir of ['task-stopped', 'deployment', 'service-action']) {
    for (const file of readdirSync(join(ROOT, 'events', dir)).sort()) {
      if (file.endsWith('.json'))
        texts.push(JSON.stringify(JSON.parse(readFileSync(join(ROOT, 'events', dir, file), 'utf8'))));
    }
  }
  return texts;
}

function corpusReasons(): string[] {
  const reasons: string[] = [];
  for (const file of readdirSync(join(ROOT, 'test', 'fixtures'))) {
    if (!/^reason-variants.*\.json$/.test(file)) continue;
    const cases = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', file), 'utf8')) as Record<string, unknown>[];
    for (const c of cases) {
      for (const key of ['stoppedReason', 'containerReason'] as const) {
        const text = c[key];
        if (typeof text === 'string' && text) reasons.push(text);
      }
    }
  }
  return reasons;
}

type Json = Record<string, unknown>;

function pickFrom<T>(list: T[], next: () => number): T {
  const item = list[Math.floor(next() * list.length)];
  if (item === undefined) throw new Error('empty list');
  return item;
}

/** One archive event: a fixture with a fresh id and task, and often another sourced reason text. */
function variant(base: Json, reasons: string[], next: () => number, i: number): Json {
  const event = structuredClone(base);
  event.id = `${(i * 2654435761) >>> 0}`.padStart(10, '0');
  const detail = event.detail as Json;
  if (typeof detail.taskArn === 'string') {
    const taskId = (i.toString(16) + '0'.repeat(32)).slice(0, 32);
    detail.taskArn = detail.taskArn.replace(/[0-9a-f]{32}$/, taskId);
    const pick = () => {
      let text = pickFrom(reasons, next);
      const roll = next();
      if (roll < 0.15) text = text.slice(0, 20 + Math.floor(next() * text.length));
      else if (roll < 0.25) text = text.toUpperCase();
      else if (roll < 0.3) text = text.toLowerCase();
      return text;
    };
    const roll = next();
    if (roll < 0.35) detail.stoppedReason = pick();
    else if (roll < 0.6 && Array.isArray(detail.containers) && detail.containers.length > 0) {
      const containers = detail.containers as Json[];
      pickFrom(containers, next).reason = pick();
    }
  }
  return event;
}

function archiveTexts(fixtures: string[]): string[] {
  const next = random(12);
  const reasons = corpusReasons();
  const bases = fixtures.map((t) => JSON.parse(t) as Json);
  const texts: string[] = [];
  for (let i = 0; i < ARCHIVE_SIZE; i++) {
    texts.push(JSON.stringify(variant(pickFrom(bases, next), reasons, next, i)));
  }
  return texts;
}

interface Timing {
  events: number;
  meanBytes: number;
  parseUs: number;
  classifyUs: number;
  fullUs: number;
  ratioClassify: number;
  ratioFull: number;
}

let sink = 0;

/** Each timed pass lasts at least this long, so passes of cheap and dear work are equally exposed to other load. */
const MIN_PASS_MS = 20;

/** µs per event of one pass: `work` (over `count` events) repeated until the pass lasts MIN_PASS_MS. */
function pass(count: number, work: () => void): number {
  const start = process.hrtime.bigint();
  let repeats = 0;
  let elapsed = 0;
  do {
    work();
    repeats += 1;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  } while (elapsed < MIN_PASS_MS);
  return (elapsed * 1000) / repeats / count;
}

/**
 * The best (least disturbed) of `rounds` passes of each: noise on a shared machine only ever adds time, and the three
 * passes of a round run back to back, equally long, so each minimum is taken over the same spells of load.
 */
function measure(texts: string[], rounds: number): Timing {
  const events = texts.map((t) => JSON.parse(t) as unknown);
  let parseUs = Number.POSITIVE_INFINITY;
  let classifyUs = Number.POSITIVE_INFINITY;
  let fullUs = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const parse = pass(texts.length, () => {
      for (const text of texts) sink += (JSON.parse(text) as Json) ? 1 : 0;
    });
    const classify = pass(events.length, () => {
      for (const event of events) sink += classifyEvent(event).title.length;
    });
    const full = pass(events.length, () => {
      for (const event of events) sink += toSnsMessage(classifyEvent(event)).message.length;
    });
    parseUs = Math.min(parseUs, parse);
    classifyUs = Math.min(classifyUs, classify);
    fullUs = Math.min(fullUs, full);
  }
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    events: texts.length,
    meanBytes: Math.round(texts.reduce((sum, t) => sum + t.length, 0) / texts.length),
    parseUs: round(parseUs),
    classifyUs: round(classifyUs),
    fullUs: round(fullUs),
    ratioClassify: round(classifyUs / parseUs),
    ratioFull: round(fullUs / parseUs),
  };
}

function main(): void {
  const fixtures = fixtureTexts();
  const archive = archiveTexts(fixtures);
  // Warm up every path (JIT) before timing.
  measure(fixtures, 20);
  const fixtureTiming = measure(fixtures, 300);
  const archiveTiming = measure(archive, 5);
  const result = {
    fixtures: fixtureTiming,
    archive: archiveTiming,
    ratioClassify: Math.max(fixtureTiming.ratioClassify, archiveTiming.ratioClassify),
    ratioFull: Math.max(fixtureTiming.ratioFull, archiveTiming.ratioFull),
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (sink === 0) process.stderr.write('nothing measured\n');
}

main();
