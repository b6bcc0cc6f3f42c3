import { SNSClient } from '@aws-sdk/client-sns';
import { AlertPublisher } from '../adapters/alert-publisher';
import { processTaskStopped } from '../app/process-task-stopped';
import { readConfig } from '../app/shared/config';
import { makeRedactor } from '../domain/alerts/redact';
import { incidentAdapters } from './incident-adapters';
import { counter, lambdaHandler, log } from './lambda-runtime';
import { memberLookups } from './member-lookups';
import { taskStoppedLookups } from './task-stopped-lookups';

const config = readConfig();
const redactor = makeRedactor(config.redactPatterns);
const member = memberLookups(config.accounts, 'task-stopped', taskStoppedLookups);
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
