import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SNSClient } from '@aws-sdk/client-sns';
import { AlertPublisher } from '../adapters/alert-publisher';
import { Ec2Reader } from '../adapters/ec2-reader';
import { EcsReader } from '../adapters/ecs-reader';
import { EcsServiceReader } from '../adapters/ecs-service-reader';
import { processRollout } from '../app/process-rollout';
import { readConfig } from '../app/shared/config';
import { makeRedactor } from '../domain/alerts/redact';
import { incidentAdapters } from './incident-adapters';
import { counter, lambdaHandler, log } from './lambda-runtime';

const config = readConfig();
const ecsClient = new ECSClient({});
const deps = {
  config,
  ecs: new EcsReader(ecsClient),
  services: new EcsServiceReader(ecsClient),
  ec2: new Ec2Reader(new EC2Client({})),
  publisher: new AlertPublisher(new SNSClient({}), config.alertTopicArn, makeRedactor(config.redactPatterns)),
  incidents: config.incidents && incidentAdapters(config.incidents),
  log,
  counter,
};

/** EventBridge → ECS Deployment State Change and ECS Service Action. */
export const handler = lambdaHandler(async (event: unknown) => {
  const outcome = await processRollout(event, deps);
  return { status: outcome.status };
});
