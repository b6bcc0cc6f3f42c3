/**
 * Fault suite (`npm run bench:faults [-- --verbose]`, README "Delivery"): every scenario of
 * test/support/faults/scenarios.ts runs the real processing code against the in-memory incident store
 * on a simulated clock, with Lambda's and SQS's retry semantics, SNS and SQS outages, DynamoDB
 * throttling, conflicts and size limits, and invocations dying between any two steps; then every
 * dead-lettered message is replayed or redriven and every event delivered once more. `--verbose`
 * prints one JSON row per scenario first. The last line is one JSON object:
 *
 *   {"scenarios":…,"alertsExpected":…,"delivered":…,"lost":0,"duplicated":0,"republishedAfterAcceptance":…,"maxItemBytes":…}
 */
import { baselines, type Outcome, runScenario, scenarios, score } from '../test/support/faults/scenarios';

async function main(): Promise<void> {
  const started = Date.now();
  const verbose = process.argv.includes('--verbose');
  const list = scenarios();
  const clean = await baselines(list);
  const outcomes: Outcome[] = [];
  for (const scenario of list) {
    const outcome = score(clean.get(scenario.workload) as never, await runScenario(scenario));
    outcomes.push(outcome);
    if (verbose) console.log(JSON.stringify(outcome));
  }
  const sum = (field: keyof Outcome) => outcomes.reduce((n, o) => n + Number(o[field]), 0);
  // The one allowed repeat: an invocation died after SNS accepted, before it recorded the delivery.
  const unexplained = outcomes.filter((o) => o.republishedAfterAcceptance > 0 && o.deathsAfterAcceptance === 0).length;
  console.log(
    JSON.stringify({
      scenarios: outcomes.length,
      alertsExpected: sum('alertsExpected'),
      delivered: sum('delivered'),
      lost: sum('lost'),
      duplicated: sum('duplicated'),
      republishedAfterAcceptance: sum('republishedAfterAcceptance'),
      republishedOutsideDeathAfterAcceptance: unexplained,
      undelivered: sum('undelivered'),
      deadLettered: sum('deadLettered'),
      maxItemBytes: Math.max(...outcomes.map((o) => o.maxItemBytes)),
      maxStateItemBytes: Math.max(...outcomes.map((o) => o.maxStateItemBytes)),
      wallSeconds: +((Date.now() - started) / 1000).toFixed(1),
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
