import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * The Lambda entries (lambdas/entries/*) as deployed, their module-scope clients mocked with
 * aws-sdk-client-mock: every call answers empty (enrichment finds nothing, the incident store is
 * empty, publishes succeed), the configuration is the environment the stack sets.
 */
export const ENTRIES = ['task-stopped', 'rollout', 'timer', 'capacity-scan'] as const;
export type EntryName = (typeof ENTRIES)[number];
type Handler = (event: unknown, context: Context) => Promise<unknown>;

export const sns = mockClient(SNSClient);
/** Only `onAnyCommand().resolves` is used here: the clients' own types do not unite. */
type AnyMock = { onAnyCommand: () => { resolves: (output: object) => unknown } };
const others: AnyMock[] = [
  mockClient(ECSClient),
  mockClient(CloudWatchLogsClient),
  mockClient(CloudWatchClient),
  mockClient(DynamoDBClient),
  mockClient(SQSClient),
  mockClient(EC2Client),
];

const context = {
  functionName: 'fuzz',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fuzz',
  memoryLimitInMB: '256',
  awsRequestId: 'fuzz',
  logGroupName: '/aws/lambda/fuzz',
  logStreamName: 'fuzz',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

const handlers = new Map<EntryName, Handler>();

export async function loadEntries(): Promise<void> {
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'fuzz',
    AWS_SECRET_ACCESS_KEY: 'fuzz',
    ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts',
    STATE_TABLE_NAME: 'state',
    TIMER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/timers',
    ENRICHMENT_BUDGET_MS: '200',
    GROUP_WAIT_SECONDS: '0',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_SERVICE_NAME: 'ecs-watchdog',
    POWERTOOLS_METRICS_NAMESPACE: 'EcsWatchdog',
  });
  sns.onAnyCommand().resolves({});
  for (const mock of others) mock.onAnyCommand().resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'fuzz' });
  for (const name of ENTRIES) {
    if (!handlers.has(name)) handlers.set(name, (await import(`../../lambdas/entries/${name}.ts`)).handler as Handler);
  }
}

export function invoke(name: EntryName, event: unknown): Promise<unknown> {
  const handler = handlers.get(name);
  if (!handler) throw new Error(`call loadEntries() first (${name})`);
  return handler(event, context);
}

/** What the entries published since the last reset: subjects and message sizes. */
export function published(): { subject: string; bytes: number; message: string }[] {
  return sns.commandCalls(PublishCommand).map((call) => ({
    subject: call.args[0].input.Subject ?? '',
    bytes: Buffer.byteLength(call.args[0].input.Message ?? ''),
    message: call.args[0].input.Message ?? '',
  }));
}
