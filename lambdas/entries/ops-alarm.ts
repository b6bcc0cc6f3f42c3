import { SNSClient } from '@aws-sdk/client-sns';
import { OpsPublisher } from '../adapters/ops-publisher';
import { processOpsAlarm } from '../app/process-ops-alarm';
import { SettingError } from '../domain/settings/setting';
import { RESOURCE_ENV } from '../domain/settings/settings';
import { counter, lambdaHandler, log } from './lambda-runtime';

const topicArn = process.env[RESOURCE_ENV.opsTopicArn];
if (!topicArn?.startsWith('arn:'))
  throw new SettingError(`${RESOURCE_ENV.opsTopicArn} must be an SNS topic ARN, got "${topicArn ?? ''}"`);
const deps = { publisher: new OpsPublisher(new SNSClient({}), topicArn), log, counter };

/** EventBridge (CloudWatch Alarm State Change of the watchdog's alarms) → the ops topic, with attributes. */
export const handler = lambdaHandler(async (event: unknown) => ({ status: await processOpsAlarm(event, deps) }));
