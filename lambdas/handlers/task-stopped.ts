import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AlertPublisher } from '../adapters/alert-publisher';
import { EcsReader } from '../adapters/ecs-reader';
import { LogsReader } from '../adapters/logs-reader';
import { MetricsReader } from '../adapters/metrics-reader';
import { StateStore } from '../adapters/state-store';
import { TimerQueue } from '../adapters/timer-queue';
import { makeRedactor } from '../domain/redact';
import { processTaskStopped } from './process-task-stopped';
import { readConfig } from './shared/config';
import { counter, lambdaHandler, log } from './shared/lambda-runtime';

const config = readConfig();
const deps = {
  config,
  ecs: new EcsReader(new ECSClient({})),
  logs: new LogsReader(new CloudWatchLogsClient({})),
  metrics: new MetricsReader(new CloudWatchClient({})),
  redactor: makeRedactor(config.redactPatterns),
  publisher: new AlertPublisher(new SNSClient({}), config.alertTopicArn),
  incidents: config.incidents && {
    store: new StateStore(new DynamoDBClient({}), config.incidents.tableName),
    timers: new TimerQueue(new SQSClient({}), config.incidents.timerQueueUrl),
  },
  log,
  counter,
};

/** EventBridge → ECS Task State Change (STOPPED). */
export const handler = lambdaHandler(async (event: unknown) => {
  const outcome = await processTaskStopped(event, deps);
  return { status: outcome.status };
});
