/**
 * Classification benchmark (`npm run bench:classify`): how much one event costs to classify, and to
 * classify and render, against the cost of `JSON.parse` of the same text. Prints ONE JSON line:
 *
 *   {"fixtures":{…},"archive":{…},"ratioClassify":…,"ratioFull":…}
 *
 * - `classify`: `classifyEvent` on the event just parsed (what `ecs-watchdog classify` does per event: envelope
 *   and detail reading, the stop/rollout/service-action rules, the alert).
 * - `full`: classify, then `toSnsMessage` (the e-mail text, the chat notification and the alert JSON of
 *   the SNS message in `lambdas/domain/alerts/`), the message read whole: written in pieces, it is joined inside
 *   the timed pass, not left for the SDK.
 * - `parse`: `JSON.parse` of the event's compact one-line text (as in an EventBridge archive export).
 *
 * Two inputs: every valid event under events/ (task-stopped, deployment, service-action), and a synthetic
 * archive of 100,000 events made from them (deterministic PRNG): fresh ids and task ARNs, the reason texts of
 * the sourced corpora in test/fixtures/reason-variants*.json put in the stop or container reason, some
 * truncated, some oddly cased, each read once per pass as a day's archive would be. µs are
 * per event, from the least disturbed passes (measure, below). The top-level ratios are the larger of the two inputs.
 *
 * The code measured is the code that ships: `bench/classify-pipeline.ts` bundled as the function construct
 * bundles a handler (bench/bundle-like-construct.ts). Run from the sources, tsx's development transform
 * (it names every function where it is made) would be measured with it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { seededRandom as random } from '../test/support/random';
import { bundleLikeTheConstruct } from './bundle-like-construct';

type Pipeline = typeof import('./classify-pipeline');

const ROOT = join(__dirname, '..');
const ARCHIVE_SIZE = 100_000;
/**
 * The archive is timed in chunks, each the best of its rounds: a spell of load on a shared machine then
 * spoils one chunk's round, not a whole pass over the archive (the ratio moved by 1.2 from run to run with
 * one pass, by 0.8 with chunks, under the same intermittent load).
 */
const ARCHIVE_CHUNK = 10_000;

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

/** Publishing reads every character of the message: a message left as pieces is joined here, as the SDK would. */
function flat(text: string): number {
  return text.charCodeAt(text.length >> 1);
}

/** µs per event of one pass: `work` (over `count` events) repeated until the pass lasts `minMs`. */
function pass(count: number, minMs: number, work: () => void): number {
  const start = process.hrtime.bigint();
  let repeats = 0;
  let elapsed = 0;
  do {
    work();
    repeats += 1;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  } while (elapsed < minMs);
  return (elapsed * 1000) / repeats / count;
}

interface Plan {
  /** Events per timed pass (the fixtures: all of them; the archive: chunks of it). */
  chunk: number;
  /** Rounds per chunk; each figure is the best round. */
  rounds: number;
  /** A pass is repeated until it lasts this long (0: once). */
  minPassMs: number;
}

/**
 * Each event is classified straight after it is parsed, as `ecs-watchdog classify -` does with an archive: three
 * passes over a chunk (parse; parse + classify; parse + classify + render), and classify's cost is the second less
 * the first (render's, the third less the first). Per chunk, the best of `rounds` rounds of the three passes run back
 * to back: noise on a shared machine only ever adds time, and the passes of a round share its spell of load.
 */
function measure({ classifyEvent, toSnsMessage }: Pipeline, texts: string[], plan: Plan): Timing {
  let parseTotal = 0;
  let classifyTotal = 0;
  let fullTotal = 0;
  for (let from = 0; from < texts.length; from += plan.chunk) {
    const chunk = texts.slice(from, from + plan.chunk);
    let parseUs = Number.POSITIVE_INFINITY;
    let parseClassifyUs = Number.POSITIVE_INFINITY;
    let parseFullUs = Number.POSITIVE_INFINITY;
    for (let r = 0; r < plan.rounds; r++) {
      const parse = pass(chunk.length, plan.minPassMs, () => {
        for (const text of chunk) sink += (JSON.parse(text) as Json) ? 1 : 0;
      });
      const classify = pass(chunk.length, plan.minPassMs, () => {
        for (const text of chunk) sink += classifyEvent(JSON.parse(text)).title.length;
      });
      const full = pass(chunk.length, plan.minPassMs, () => {
        for (const text of chunk) sink += flat(toSnsMessage(classifyEvent(JSON.parse(text))).message);
      });
      parseUs = Math.min(parseUs, parse);
      parseClassifyUs = Math.min(parseClassifyUs, classify);
      parseFullUs = Math.min(parseFullUs, full);
    }
    parseTotal += parseUs * chunk.length;
    classifyTotal += (parseClassifyUs - parseUs) * chunk.length;
    fullTotal += (parseFullUs - parseUs) * chunk.length;
  }
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    events: texts.length,
    meanBytes: Math.round(texts.reduce((sum, t) => sum + t.length, 0) / texts.length),
    parseUs: round(parseTotal / texts.length),
    classifyUs: round(classifyTotal / texts.length),
    fullUs: round(fullTotal / texts.length),
    ratioClassify: round(classifyTotal / parseTotal),
    ratioFull: round(fullTotal / parseTotal),
  };
}

/** `bench/classify-pipeline.ts` bundled like a handler, loaded from a temporary directory. */
async function shippedPipeline(): Promise<Pipeline> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-classify-'));
  try {
    const file = join(dir, 'pipeline.mjs');
    await bundleLikeTheConstruct(join(__dirname, 'classify-pipeline.ts'), file);
    return (await import(pathToFileURL(file).href)) as Pipeline;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const pipeline = await shippedPipeline();
  const fixtures = fixtureTexts();
  const archive = archiveTexts(fixtures);
  // Warm up every path (JIT) before timing.
  measure(pipeline, fixtures, { chunk: fixtures.length, rounds: 20, minPassMs: 20 });
  const fixtureTiming = measure(pipeline, fixtures, { chunk: fixtures.length, rounds: 300, minPassMs: 20 });
  const archiveTiming = measure(pipeline, archive, { chunk: ARCHIVE_CHUNK, rounds: 3, minPassMs: 0 });
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

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
