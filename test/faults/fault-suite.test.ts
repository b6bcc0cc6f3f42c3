/**
 * The fault suite (`npm run bench:faults`) as tests: every scenario, through the real processing code
 * with Lambda's and SQS's retry semantics on a simulated clock, must deliver every alert the same
 * workload delivers without faults, each once, with no operator action beyond what the dead-letter
 * alarm says (replay, redrive), and keep every item of the store small.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { baselines, runScenario, type Scenario, scenarios, score } from '../support/faults/scenarios';
import type { World } from '../support/faults/world';

const list = scenarios();
let clean: Map<Scenario['workload'], World>;

beforeAll(async () => {
  clean = await baselines(list);
});

describe('fault suite', () => {
  it('has at least 40 scenarios, outages of 1 min to 24 h among them', () => {
    expect(list.length).toBeGreaterThanOrEqual(40);
    for (const outage of ['1 min', '10 min', '30 min', '2 h', '24 h'])
      expect(list.map((s) => s.name)).toContain(`SNS down ${outage}`);
  });

  it.each(list.map((s) => [s.name, s] as const))(
    '%s: every alert once, nothing left behind',
    async (_name, scenario) => {
      const outcome = score(clean.get(scenario.workload) as World, await runScenario(scenario));
      expect(outcome.alertsExpected).toBeGreaterThan(0);
      expect({ lost: outcome.lost, duplicated: outcome.duplicated, undelivered: outcome.undelivered }).toEqual({
        lost: 0,
        duplicated: 0,
        undelivered: 0,
      });
      expect(outcome.delivered).toBe(outcome.alertsExpected);
      // The one repeat that cannot be avoided: SNS took the message, then the invocation died unrecorded.
      if (outcome.deathsAfterAcceptance === 0) expect(outcome.republishedAfterAcceptance).toBe(0);
      expect(outcome.maxItemBytes).toBeLessThanOrEqual(100 * 1024);
      expect(outcome.maxStateItemBytes).toBeLessThanOrEqual(10 * 1024);
    },
  );
});
