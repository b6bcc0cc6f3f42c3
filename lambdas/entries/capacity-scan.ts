import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SNSClient } from '@aws-sdk/client-sns';
import { AlertPublisher } from '../adapters/alert-publisher';
import { CapacityDiscovery } from '../adapters/capacity-discovery';
import { CapacityMetricsPublisher } from '../adapters/capacity-metrics-publisher';
import { DynamoDbCapacityStateStore } from '../adapters/capacity-state-store';
import { StateStore } from '../adapters/state-store';
import { readCapacityScanConfig } from '../app/capacity-scan-config';
import { processCapacityScan } from '../app/process-capacity-scan';
import { historyOf } from './history-adapter';
import { counter, lambdaHandler, log } from './lambda-runtime';

const config = readCapacityScanConfig();
// Adaptive retry: the SDK's client-side rate limiter slows the scan down when ECS or EC2 throttle,
// instead of failing it after the standard three attempts.
const discoveryClientConfig = { retryMode: 'adaptive', maxAttempts: 10 } as const;
const dynamodb = new DynamoDBClient({});
const store = new StateStore(dynamodb, config.stateTableName);
const deps = {
  config,
  discovery: CapacityDiscovery.onClients(new ECSClient(discoveryClientConfig), new EC2Client(discoveryClientConfig), {
    concurrency: config.concurrency,
    clusterArns: config.clusterArns,
  }),
  metrics: new CapacityMetricsPublisher(new CloudWatchClient({}), config.metricsNamespace),
  state: new DynamoDbCapacityStateStore(store),
  outbox: store,
  history: historyOf(dynamodb, config.stateTableName, config.historyRetentionDays),
  maintenanceWindows: config.maintenanceWindows,
  publisher: new AlertPublisher(new SNSClient({}), config.alertTopicArn),
  log,
  counter,
};

/** EventBridge schedule → one capacity scan. */
export const handler = lambdaHandler(async (_event: unknown) => {
  const outcome = await processCapacityScan(deps);
  return {
    subnets: outcome.assessment.subnets.length,
    instances: outcome.assessment.instances.length,
    published: outcome.published.length,
  };
});
