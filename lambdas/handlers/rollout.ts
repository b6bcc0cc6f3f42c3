import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AlertPublisher } from '../adapters/alert-publisher';
import { Ec2Reader } from '../adapters/ec2-reader';
import { EcsReader } from '../adapters/ecs-reader';
import { EcsServiceReader } from '../adapters/ecs-service-reader';
import { StateStore } from '../adapters/state-store';
import { TimerQueue } from '../adapters/timer-queue';
import { processRollout } from './process-rollout';
import { readConfig } from './shared/config';
import { counter, lambdaHandler, log } from './shared/lambda-runtime';

const config = readConfig();
const ecsClient = new ECSClient({});
const deps = {
  config,
  ecs: new EcsReader(ecsClient),
  services: new EcsServiceReader(ecsClient),
  ec2: new Ec2Reader(new EC2Client({})),
  publisher: new AlertPublisher(new SNSClient({}), config.alertTopicArn),
  incidents: config.incidents && {
    store: new StateStore(new DynamoDBClient({}), config.incidents.tableName),
    timers: new TimerQueue(new SQSClient({}), config.incidents.timerQueueUrl),
  },
  log,
  counter,
};

/** EventBridge → ECS Deployment State Change and ECS Service Action. */
export const handler = lambdaHandler(async (event: unknown) => {
  const outcome = await processRollout(event, deps);
  return { status: outcome.status };
});
