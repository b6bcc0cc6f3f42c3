/**
 * OOM memory evidence end to end against the local AWS: Container Insights turned on for the cluster,
 * MemoryUtilized datapoints in CloudWatch, read back with GetMetricData by the real handler code.
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processTaskStopped } from '../../lambdas/app/process-task-stopped';
import { readConfig } from '../../lambdas/app/shared/config';
import { MemoryCounter, silentLog } from '../../lambdas/app/shared/telemetry';
import { makeWatchdogDeps, type WatchdogDeps } from '../../lambdas/cli/watchdog-deps';
import { drainSnsDeliveries, rewriteFixtureIds, type SeededAccount, seedAccount } from '../../local/seed';
import { loadEvent } from '../support/events';
import { awsClientConfig, resetAws } from './aws';

let seeded: SeededAccount;
let deps: WatchdogDeps;

beforeAll(async () => {
  await resetAws();
  seeded = await seedAccount(awsClientConfig());
  const ecs = new ECSClient(awsClientConfig());
  const cloudWatch = new CloudWatchClient(awsClientConfig());
  // moto 5.2.5 does not serve UpdateClusterSettings; CreateCluster of an existing name updates its settings.
  await ecs.send(
    new CreateClusterCommand({
      clusterName: 'production',
      settings: [{ name: 'containerInsights', value: 'enabled' }],
    }),
  );
  const now = Date.now();
  await cloudWatch.send(
    new PutMetricDataCommand({
      Namespace: 'ECS/ContainerInsights',
      MetricData: [301, 498, 455].map((value, i) => ({
        MetricName: 'MemoryUtilized',
        Dimensions: [
          { Name: 'ClusterName', Value: 'production' },
          { Name: 'ServiceName', Value: 'api-service' },
        ],
        Timestamp: new Date(now - (30 - i * 10) * 60_000),
        Unit: 'Megabytes',
        Value: value,
      })),
    }),
  );
  ecs.destroy();
  cloudWatch.destroy();
  deps = makeWatchdogDeps(awsClientConfig(), readConfig({ ALERT_TOPIC_ARN: seeded.alerts.topicArn }));
});

afterAll(() => deps?.destroy());

describe('OOM memory evidence from Container Insights', () => {
  it('reports the peak memory of the last hour against the limit', async () => {
    const event = rewriteFixtureIds(loadEvent('events/task-stopped/oom-killed.json'), seeded.fixtureIds);
    const outcome = await processTaskStopped(event, { ...deps, log: silentLog, counter: new MemoryCounter() });
    expect(outcome.status).toBe('published');
    const [delivery] = await drainSnsDeliveries(awsClientConfig(), seeded.alerts.allAlerts.queueUrl);
    const alert = JSON.parse(delivery?.message ?? '{}');
    const facts = Object.fromEntries(
      alert.evidence.facts.map((f: { label: string; value: string }) => [f.label, f.value]),
    );
    expect(facts['Peak memory, last 60 min']).toBe(
      '498 MiB (97% of 512 MiB) - Container Insights MemoryUtilized (Maximum of any task)',
    );
    expect(alert.enrichmentErrors).toEqual([]);
  });
});
