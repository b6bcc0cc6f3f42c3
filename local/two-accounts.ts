/**
 * Two accounts on the local AWS emulator (README "Many accounts and regions"): the central account
 * (moto's default, where the watchdog runs and pages) and a member account seeded by local/seed.ts. moto
 * keeps one state per account and answers STS AssumeRole with credentials of the role's account, so the
 * member is reached, and seeded, exactly as the functions reach it: through its member role.
 * moto checks neither that the role exists nor its trust policy (local/API-SUPPORT.md).
 */
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { AlertPublisher } from '../lambdas/adapters/alert-publisher';
import type { LookupClientConfig } from '../lambdas/adapters/member-credentials';
import { type CallCounts, countCalls } from '../lambdas/adapters/sdk-call-counter';
import type { TaskStoppedDeps } from '../lambdas/app/process-task-stopped';
import { readConfig } from '../lambdas/app/shared/config';
import { MemoryCounter } from '../lambdas/app/shared/telemetry';
import { memberRoleArn } from '../lambdas/domain/accounts/member-accounts';
import { redact } from '../lambdas/domain/alerts/redact';
import { memberLookups } from '../lambdas/entries/member-lookups';
import { taskStoppedLookups } from '../lambdas/entries/task-stopped-lookups';
import { LOCAL_ACCOUNT, type LocalAwsClientConfig } from './emulator';
import { type SeededAccount, seedAccount } from './seed';

export const CENTRAL_ACCOUNT = LOCAL_ACCOUNT;
export const MEMBER_ACCOUNT = '222222222222';
export const MEMBER_NAME = 'shop-prod';

export interface TwoAccounts {
  /** The member account, seeded as the demo's account is. */
  member: SeededAccount;
  /** The central account's alert topic and the queue subscribed to it. */
  central: { topicArn: string; queueUrl: string };
}

/** Seeds the member through its member role, and gives the central account an alert topic with one subscriber. */
export async function seedTwoAccounts(central: LocalAwsClientConfig): Promise<TwoAccounts> {
  const sts = new STSClient(central);
  const assumed = await sts.send(
    new AssumeRoleCommand({ RoleArn: memberRoleArn(MEMBER_ACCOUNT), RoleSessionName: 'seed' }),
  );
  sts.destroy();
  const credentials = assumed.Credentials;
  const memberConfig = {
    ...central,
    credentials: {
      accessKeyId: credentials?.AccessKeyId as string,
      secretAccessKey: credentials?.SecretAccessKey as string,
      sessionToken: credentials?.SessionToken,
    },
  };
  const member = await seedAccount(memberConfig);
  const sns = new SNSClient(central);
  const sqs = new SQSClient(central);
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'central-alerts' }))).TopicArn as string;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'central-all-alerts' }))).QueueUrl as string;
  const queue = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.Attributes?.QueueArn }));
  sns.destroy();
  sqs.destroy();
  return { member, central: { topicArn, queueUrl } };
}

/** An event of the member account: every account id in it is the member's (as EventBridge delivers it forwarded). */
export function inMemberAccount<T>(event: T): T {
  return JSON.parse(JSON.stringify(event).replaceAll(CENTRAL_ACCOUNT, MEMBER_ACCOUNT)) as T;
}

/**
 * The task-stopped function of the central account as its entry composes it (lambdas/entries/task-stopped.ts),
 * on emulator clients: the lookups of each event in its account and region, the member's through its role.
 * Every request of the lookup clients is counted, by account.
 */
export function centralTaskStopped(central: LocalAwsClientConfig, topicArn: string) {
  const config = readConfig({
    ALERT_TOPIC_ARN: topicArn,
    WATCHDOG_ACCOUNT: CENTRAL_ACCOUNT,
    AWS_REGION: central.region,
    ACCOUNT_NAMES: JSON.stringify({ [MEMBER_ACCOUNT]: MEMBER_NAME }),
  });
  const calls: Record<string, CallCounts> = {};
  const sts = new STSClient(central);
  const stsCalls: CallCounts = {};
  countCalls(sts, stsCalls);
  const member = memberLookups(
    config.accounts,
    'task-stopped',
    (clientConfig: LookupClientConfig) => {
      const account = clientConfig.credentials ? 'member' : 'central';
      calls[account] ??= {};
      const counts = calls[account];
      return taskStoppedLookups({ ...central, ...clientConfig }, (client) => {
        countCalls(client, counts);
        return client;
      });
    },
    sts,
  );
  const deps: Omit<TaskStoppedDeps, 'ecs' | 'logs' | 'metrics'> = {
    config,
    redactor: redact,
    publisher: new AlertPublisher(new SNSClient(central), topicArn, redact, config.accounts?.names),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    counter: new MemoryCounter(),
  };
  return {
    run: (event: unknown) => ({ ...deps, ...member.forEvent(event) }),
    calls,
    stsCalls,
    credentials: member.credentials,
  };
}
