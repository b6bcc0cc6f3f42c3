/**
 * Enrichment benchmark (`npm run bench:enrichment`): replays actionable fixtures through the real
 * task-stopped processing against a seeded local AWS (moto), every AWS request counted by an SDK
 * middleware. Per fixture: the AWS calls of one alert from a cold function instance (new clients,
 * empty caches) and from a warm one (caches filled), and the latency enrichment adds (p50 / p90 of
 * `enrichTask`, cold and warm), without and with incident tracking (as deployed: event claims, the
 * service's incident item, timers). Prints ONE JSON line.
 *
 *   npx tsx bench/enrichment.ts [--runs N]
 */
import { type CallCounts, countCalls, totalCalls } from '../lambdas/adapters/sdk-call-counter';
import { enrichTask } from '../lambdas/app/enrich-task';
import { processTaskStopped } from '../lambdas/app/process-task-stopped';
import { readConfig } from '../lambdas/app/shared/config';
import { MemoryCounter, silentLog } from '../lambdas/app/shared/telemetry';
import { makeWatchdogDeps } from '../lambdas/cli/watchdog-deps';
import { parseEnvelope } from '../lambdas/domain/events/ecs-event';
import { parseTaskStateChange } from '../lambdas/domain/events/task-event';
import { classifyStop } from '../lambdas/domain/stops/classify-stop';
import { emulateHealthReports } from '../local/emulate-health-reports';
import { type LocalAwsClientConfig, withLocalAws } from '../local/emulator';
import { drainSnsDeliveries, rewriteFixtureIds, type SeededAccount, seedAccount } from '../local/seed';
import { createStateResources } from '../local/state-resources';
import { loadEvent } from '../test/support/events';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 21;
const FIXTURES = [
  'oom-killed.json',
  'app-crash-exit-1.json',
  'image-pull-not-found.json',
  // Health checks (local/seed-health-checks.ts): security-group rules decide; the subnets are read for a CIDR rule.
  'health-check-elb-grace-period.json',
  'health-check-elb-wrong-path.json',
  'health-check-elb-security-group.json',
  'health-check-elb.json',
  'health-check-container.json',
];

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return +(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? 0).toFixed(1);
}

type Config = ReturnType<typeof readConfig>;

/** AWS calls of one alert, from a cold instance and then from the same instance warm. */
async function callsPerAlert(
  clientConfig: LocalAwsClientConfig,
  seeded: SeededAccount,
  config: Config,
  event: Record<string, unknown>,
  id: string,
) {
  const counts: CallCounts = {};
  const deps = makeWatchdogDeps(clientConfig, config, Date.now, (client) => {
    countCalls(client, counts);
    emulateHealthReports(client, seeded.healthChecks);
  });
  const telemetry = { log: silentLog, counter: new MemoryCounter() };
  const take = (): CallCounts => {
    const taken = { ...counts };
    for (const op of Object.keys(counts)) delete counts[op];
    return taken;
  };
  await processTaskStopped({ ...event, id: `${id}-cold` }, { ...deps, ...telemetry });
  const cold = take();
  await processTaskStopped({ ...event, id: `${id}-warm` }, { ...deps, ...telemetry });
  const warm = take();
  deps.destroy();
  return { cold, warm };
}

async function main(): Promise<void> {
  await withLocalAws(async (aws) => {
    const seeded = await seedAccount(aws.clientConfig);
    const config = readConfig({ ALERT_TOPIC_ARN: seeded.alerts.topicArn });
    const state = await createStateResources(aws.clientConfig);
    // As deployed: incident tracking on (claims, the service's incident item, timers).
    const deployed = readConfig({
      ALERT_TOPIC_ARN: seeded.alerts.topicArn,
      STATE_TABLE_NAME: state.tableName,
      TIMER_QUEUE_URL: state.timerQueueUrl,
      // Paged at once, so the alert's calls are counted in one invocation (with the default 60 s group
      // wait the publish moves to the timer's invocation: one more read and write of the incident item).
      GROUP_WAIT_SECONDS: '0',
    });
    const results: Record<string, unknown> = {};
    for (const name of FIXTURES) {
      const event = rewriteFixtureIds(loadEvent(`events/task-stopped/${name}`), seeded.fixtureIds);
      const task = parseTaskStateChange(parseEnvelope(event));
      const first = classifyStop(task);
      const calls = await callsPerAlert(aws.clientConfig, seeded, config, event, name);
      const deployedCalls = await callsPerAlert(aws.clientConfig, seeded, deployed, event, `incidents-${name}`);

      const cold: number[] = [];
      const warm: number[] = [];
      for (let i = 0; i < runs; i++) {
        const deps = makeWatchdogDeps(aws.clientConfig, config, Date.now, (client) =>
          emulateHealthReports(client, seeded.healthChecks),
        );
        let started = performance.now();
        await enrichTask(task, first, deps);
        cold.push(performance.now() - started);
        started = performance.now();
        await enrichTask(task, first, deps);
        warm.push(performance.now() - started);
        deps.destroy();
      }
      results[name] = {
        category: first.category,
        awsCallsCold: calls.cold,
        awsCallsColdTotal: totalCalls(calls.cold),
        awsCallsWarm: calls.warm,
        awsCallsWarmTotal: totalCalls(calls.warm),
        withIncidentTracking: {
          firstStopPagesCold: deployedCalls.cold,
          firstStopPagesColdTotal: totalCalls(deployedCalls.cold),
          nextStopAbsorbedWarm: deployedCalls.warm,
          nextStopAbsorbedWarmTotal: totalCalls(deployedCalls.warm),
        },
        enrichmentMsColdP50: percentile(cold, 0.5),
        enrichmentMsColdP90: percentile(cold, 0.9),
        enrichmentMsWarmP50: percentile(warm, 0.5),
        enrichmentMsWarmP90: percentile(warm, 0.9),
        runs,
      };
      await drainSnsDeliveries(aws.clientConfig, seeded.alerts.allAlerts.queueUrl);
    }
    console.log(JSON.stringify(results));
  });
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
