import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SNSClient } from '@aws-sdk/client-sns';
import { AlertPublisher } from '../adapters/alert-publisher';
import { EcsReader } from '../adapters/ecs-reader';
import { LogsReader } from '../adapters/logs-reader';
import type { LookupClientConfig } from '../adapters/member-credentials';
import { MetricsReader } from '../adapters/metrics-reader';
import { ServiceHealthReader } from '../adapters/service-health-reader';
import { processTaskStopped } from '../app/process-task-stopped';
import { readConfig } from '../app/shared/config';
import { makeRedactor } from '../domain/alerts/redact';
import { incidentAdapters } from './incident-adapters';
import { counter, lambdaHandler, log } from './lambda-runtime';
import { memberLookups } from './member-lookups';

const config = readConfig();
/** A file of its own next to this handler (lazy-modules.ts); a variable, so the bundler leaves it out. */
const LOAD_BALANCING_READERS = './load-balancing-readers.mjs';
type LoadBalancingModule = typeof import('./load-balancing-readers.js');
let loadBalancingModule: Promise<LoadBalancingModule> | undefined;

/** The readers of one account and region (the event's). */
function lookups(clientConfig: LookupClientConfig) {
  const ecsClient = new ECSClient(clientConfig);
  const services = new ServiceHealthReader(ecsClient);
  let loadBalancing: ReturnType<LoadBalancingModule['loadBalancingReaders']> | undefined;
  return {
    ecs: new EcsReader(ecsClient),
    logs: new LogsReader(
      new CloudWatchLogsClient(clientConfig),
      (region) => new CloudWatchLogsClient({ ...clientConfig, region }),
    ),
    metrics: new MetricsReader(new CloudWatchClient(clientConfig)),
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

const redactor = makeRedactor(config.redactPatterns);
const member = memberLookups(config.accounts, 'task-stopped', lookups);
const deps = {
  config,
  redactor,
  publisher: new AlertPublisher(new SNSClient({}), config.alertTopicArn, redactor, config.accounts?.names),
  incidents: config.incidents && incidentAdapters(config.incidents),
  log,
  counter,
};

/** EventBridge → ECS Task State Change (STOPPED), looked up in the event's account and region. */
export const handler = lambdaHandler(async (event: unknown) => {
  const outcome = await processTaskStopped(event, { ...deps, ...member.forEvent(event) });
  return { status: outcome.status };
});
