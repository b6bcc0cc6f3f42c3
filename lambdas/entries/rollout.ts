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
import { memberLookups } from './member-lookups';

const config = readConfig();
const member = memberLookups(config.accounts, 'rollout', (clientConfig) => {
  const ecsClient = new ECSClient(clientConfig);
  return {
    ecs: new EcsReader(ecsClient),
    services: new EcsServiceReader(ecsClient),
    ec2: new Ec2Reader(new EC2Client(clientConfig)),
  };
});
const deps = {
  config,
  publisher: new AlertPublisher(
    new SNSClient({}),
    config.alertTopicArn,
    makeRedactor(config.redactPatterns),
    config.accounts?.names,
  ),
  incidents: config.incidents && incidentAdapters(config.incidents),
  log,
  counter,
};

/** EventBridge → ECS Deployment State Change and ECS Service Action, looked up in the event's account and region. */
export const handler = lambdaHandler(async (event: unknown) => {
  const outcome = await processRollout(event, { ...deps, ...member.forEvent(event) });
  return { status: outcome.status };
});
