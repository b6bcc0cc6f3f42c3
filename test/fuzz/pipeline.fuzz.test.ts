import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyEvent } from '../../lambdas/domain/alerts/classify-event';
import { redactAlert } from '../../lambdas/domain/alerts/redact-alert';
import { SNS_MAX_BYTES, toSnsMessage } from '../../lambdas/domain/alerts/sns-message';
import { InvalidEventError } from '../../lambdas/domain/events/invalid-event';
import { fuzzSeed, hostileEvent } from './hostile-events';

/** Cases of this property in every CI run (with the entry properties: over 10,000 in all). */
const PIPELINE_RUNS = 6_000;
/**
 * A case may cost at most 1 s of this process's CPU time (wall time would also count the other test
 * files and helpers sharing the machine's two cores).
 */
const CASE_LIMIT_MS = 1_000;

/**
 * parse → classify → render → SNS message, on any event EventBridge could deliver: either an alert
 * that fits SNS, or an InvalidEventError (which the handlers log and count). Never another throw,
 * never a case over 1 s. A failure prints the seed and path: FUZZ_SEED=<seed> reproduces the run.
 */
describe('fuzz: parse → classify → render → SNS message', () => {
  it(`ends in an alert within SNS limits or a rejection (${PIPELINE_RUNS} cases)`, () => {
    const seed = fuzzSeed();
    console.info(`fuzz pipeline seed ${seed} (FUZZ_SEED=${seed} to reproduce)`);
    const outcomes = { alerts: 0, rejected: 0 };
    fc.assert(
      fc.property(hostileEvent(), (event) => {
        const started = process.cpuUsage();
        try {
          const message = toSnsMessage(redactAlert(classifyEvent(event)));
          const bytes = Buffer.byteLength(message.message) + Buffer.byteLength(message.subject);
          if (bytes > SNS_MAX_BYTES) throw new Error(`the SNS message is ${bytes} bytes`);
          if (!/^[\x20-\x7e]{1,99}$/.test(message.subject))
            throw new Error(`bad subject ${JSON.stringify(message.subject)}`);
          outcomes.alerts++;
        } catch (error) {
          if (!(error instanceof InvalidEventError)) throw error;
          outcomes.rejected++;
        }
        const spent = process.cpuUsage(started);
        const ms = (spent.user + spent.system) / 1000;
        if (ms > CASE_LIMIT_MS) throw new Error(`case took ${Math.round(ms)} ms of CPU`);
      }),
      { numRuns: PIPELINE_RUNS, seed },
    );
    console.info(`fuzz pipeline: ${outcomes.alerts} alerts, ${outcomes.rejected} rejections, 0 throws`);
    expect(outcomes.alerts + outcomes.rejected).toBe(PIPELINE_RUNS);
    expect(outcomes.alerts).toBeGreaterThan(PIPELINE_RUNS / 10);
  }, 600_000);
});
