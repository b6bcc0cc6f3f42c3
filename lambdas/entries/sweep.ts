import { SNSClient } from '@aws-sdk/client-sns';
import { AlertPublisher } from '../adapters/alert-publisher';
import { processSweep } from '../app/process-sweep';
import { readConfig } from '../app/shared/config';
import { incidentAdapters } from './incident-adapters';
import { counter, gauge, lambdaHandler, log } from './lambda-runtime';

const config = readConfig();
const incidents = config.incidents;
if (!incidents) throw new Error('the sweep needs STATE_TABLE_NAME and TIMER_QUEUE_URL');
const deps = {
  ...incidentAdapters(incidents),
  publisher: new AlertPublisher(new SNSClient({}), config.alertTopicArn),
  policy: incidents.policy,
  log,
  counter,
  gauge,
};

/** EventBridge schedule, every minute → wake overdue incidents, deliver what waits in the outbox. */
export const handler = lambdaHandler(async (_event: unknown) => processSweep(deps));
