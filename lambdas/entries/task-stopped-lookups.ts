import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EcsReader } from '../adapters/ecs-reader';
import { LogsReader } from '../adapters/logs-reader';
import type { LookupClientConfig } from '../adapters/member-credentials';
import { MetricsReader } from '../adapters/metrics-reader';
import { ServiceHealthReader } from '../adapters/service-health-reader';

/** A file of its own next to this handler (lazy-modules.ts); a variable, so the bundler leaves it out. */
const LOAD_BALANCING_READERS = './load-balancing-readers.mjs';
type LoadBalancingModule = typeof import('./load-balancing-readers.js');
let loadBalancingModule: Promise<LoadBalancingModule> | undefined;

/**
 * The task-stopped readers of one account and region (the event's), on clients of that config.
 * `created` sees each client made (the benchmark counts their requests).
 */
export function taskStoppedLookups(
  clientConfig: LookupClientConfig,
  created: <C>(client: C) => C = (client) => client,
) {
  const ecsClient = created(new ECSClient(clientConfig));
  const services = new ServiceHealthReader(ecsClient);
  let loadBalancing: ReturnType<LoadBalancingModule['loadBalancingReaders']> | undefined;
  return {
    ecs: new EcsReader(ecsClient),
    logs: new LogsReader(created(new CloudWatchLogsClient(clientConfig)), (region) =>
      created(new CloudWatchLogsClient({ ...clientConfig, region })),
    ),
    metrics: new MetricsReader(created(new CloudWatchClient(clientConfig))),
    // Loaded on the first health-check alert of this function instance.
    healthChecks: async () => {
      loadBalancingModule ??= import(LOAD_BALANCING_READERS).catch((error: unknown) => {
        loadBalancingModule = undefined;
        throw error;
      });
      loadBalancing ??= (await loadBalancingModule).loadBalancingReaders(clientConfig);
      return { services, ...loadBalancing };
    },
  };
}
