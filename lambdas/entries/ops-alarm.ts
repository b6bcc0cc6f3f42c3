import { SNSClient } from '@aws-sdk/client-sns';
import { OpsPublisher } from '../adapters/ops-publisher';
import { processOpsAlarm } from '../app/process-ops-alarm';
import { ConfigError } from '../app/shared/config';
import { counter, lambdaHandler, log } from './lambda-runtime';

const topicArn = process.env.OPS_TOPIC_ARN;
if (!topicArn?.startsWith('arn:'))
  throw new ConfigError(`OPS_TOPIC_ARN must be an SNS topic ARN, got "${topicArn ?? ''}"`);
const deps = { publisher: new OpsPublisher(new SNSClient({}), topicArn), log, counter };

/** EventBridge (CloudWatch Alarm State Change of the watchdog's alarms) → the ops topic, with attributes. */
export const handler = lambdaHandler(async (event: unknown) => ({ status: await processOpsAlarm(event, deps) }));
