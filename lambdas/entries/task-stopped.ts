import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SNSClient } from '@aws-sdk/client-sns';
import { AlertPublisher } from '../adapters/alert-publisher';
import { EcsReader } from '../adapters/ecs-reader';
import { LogsReader } from '../adapters/logs-reader';
import { MetricsReader } from '../adapters/metrics-reader';
import { ServiceHealthReader } from '../adapters/service-health-reader';
import { processTaskStopped } from '../app/process-task-stopped';
import { readConfig } from '../app/shared/config';
import { makeRedactor } from '../domain/alerts/redact';
import { incidentAdapters } from './incident-adapters';
import { counter, lambdaHandler, log } from './lambda-runtime';

const config = readConfig();
const ecsClient = new ECSClient({});
const services = new ServiceHealthReader(ecsClient);
/** A file of its own next to this handler (lazy-modules.ts); a variable, so the bundler leaves it out. */
const LOAD_BALANCING_READERS = './load-balancing-readers.mjs';
type LoadBalancingReaders = ReturnType<typeof import('./load-balancing-readers.js').loadBalancingReaders>;
let loadBalancing: Promise<LoadBalancingReaders> | undefined;

const redactor = makeRedactor(config.redactPatterns);
const deps = {
  config,
  ecs: new EcsReader(ecsClient),
  logs: new LogsReader(new CloudWatchLogsClient({})),
  metrics: new MetricsReader(new CloudWatchClient({})),
  redactor,
  // Loaded on the first health-check alert of this function instance.
  healthChecks: async () => {
    loadBalancing ??= import(LOAD_BALANCING_READERS).then(
      (module: typeof import('./load-balancing-readers.js')) => module.loadBalancingReaders(),
      (error: unknown) => {
        loadBalancing = undefined;
        throw error;
      },
    );
    return { services, ...(await loadBalancing) };
  },
  publisher: new AlertPublisher(new SNSClient({}), config.alertTopicArn, redactor),
  incidents: config.incidents && incidentAdapters(config.incidents),
  log,
  counter,
};

/** EventBridge → ECS Task State Change (STOPPED). */
export const handler = lambdaHandler(async (event: unknown) => {
  const outcome = await processTaskStopped(event, deps);
  return { status: outcome.status };
});
