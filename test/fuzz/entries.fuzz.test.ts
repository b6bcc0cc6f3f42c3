import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { SNS_MAX_BYTES } from '../../lambdas/domain/alerts/sns-message';
import { type EntryName, invoke, loadEntries, published, sns } from './entry-harness';
import { anyValue, fuzzSeed, hostileEvent } from './hostile-events';

/**
 * Each Lambda entry (lambdas/entries/*), as deployed: its module-scope clients mocked with
 * aws-sdk-client-mock (every call answers empty, so enrichment finds nothing and the incident store
 * is empty), its configuration from the environment the stack sets. Any event EventBridge (or SQS)
 * could deliver ends in a result, never a throw, within 1 s; every published message fits SNS.
 */
const ENTRY_RUNS = { 'task-stopped': 2_500, rollout: 2_000, timer: 500, 'capacity-scan': 20 };
/**
 * A case may cost at most 1 s of this process's CPU time (wall time would also count the other test
 * files and helpers sharing the machine's two cores).
 */
const CASE_LIMIT_MS = 1_000;

const statuses: Record<string, number> = {};

beforeAll(loadEntries);

async function fuzzEntry(name: EntryName, events: fc.Arbitrary<unknown>): Promise<void> {
  const seed = fuzzSeed();
  console.info(`fuzz entry ${name} seed ${seed} (FUZZ_SEED=${seed} to reproduce)`);
  await fc.assert(
    fc.asyncProperty(events, async (event) => {
      sns.resetHistory();
      const started = process.cpuUsage();
      const result = (await invoke(name, event)) as { status?: string } | undefined;
      const spent = process.cpuUsage(started);
      const ms = (spent.user + spent.system) / 1000;
      if (ms > CASE_LIMIT_MS) throw new Error(`case took ${Math.round(ms)} ms of CPU`);
      const tooBig = published().filter((m) => m.bytes > SNS_MAX_BYTES);
      if (tooBig.length > 0) throw new Error(`published ${tooBig.map((m) => m.bytes).join(', ')} bytes`);
      const key = `${name} ${result?.status ?? 'done'}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
    }),
    { numRuns: ENTRY_RUNS[name], seed },
  );
  console.info(`fuzz entry ${name}: ${JSON.stringify(statuses)}`);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return '[[[[[[[[';
  }
}

/** SQS batches of timer messages: bodies that are any text, any JSON, or timers with hostile fields. */
const timerBatch = fc
  .array(
    fc.oneof(
      anyValue.map((value) => (typeof value === 'string' ? value : safeJson(value))),
      fc
        .record({
          type: fc.constantFrom('release-held', 'check-quiet', 'other'),
          scope: fc.oneof(fc.string(), anyValue),
          incidentId: fc.oneof(fc.string(), anyValue),
          dueAt: fc.oneof(fc.constantFrom('2025-03-01T04:45:50Z', 'not-a-date', ''), anyValue),
        })
        .map(safeJson),
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((bodies) => ({
    Records: bodies.map((body, i) => ({
      messageId: `m${i}`,
      receiptHandle: `r${i}`,
      body,
      attributes: {},
      messageAttributes: {},
    })),
  }));

describe('fuzz: each Lambda entry with AWS mocked', () => {
  it(`task-stopped: any event ends in a result (${ENTRY_RUNS['task-stopped']} cases)`, async () => {
    await fuzzEntry('task-stopped', hostileEvent(['task-stopped']));
    // Not every case is a rejection: the fuzz reaches classification, incidents and publishing.
    expect(statuses['task-stopped invalid'] ?? 0).toBeLessThan(ENTRY_RUNS['task-stopped'] * 0.9);
  }, 600_000);

  it(`rollout: any event ends in a result (${ENTRY_RUNS.rollout} cases)`, async () => {
    await fuzzEntry('rollout', hostileEvent(['deployment', 'service-action']));
    expect(statuses['rollout invalid'] ?? 0).toBeLessThan(ENTRY_RUNS.rollout * 0.9);
  }, 600_000);

  it(`timer: any SQS batch ends in a batch response (${ENTRY_RUNS.timer} cases)`, async () => {
    await fuzzEntry('timer', timerBatch);
  }, 600_000);

  it(`capacity-scan: any scheduled event ends in a result (${ENTRY_RUNS['capacity-scan']} cases)`, async () => {
    await fuzzEntry('capacity-scan', anyValue);
  }, 600_000);
});
