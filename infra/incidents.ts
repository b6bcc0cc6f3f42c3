import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  DUE_AT_ATTRIBUTE,
  DUE_ATTRIBUTE,
  DUE_INDEX,
  HISTORY_ENTRY_ATTRIBUTE,
  HISTORY_INDEX,
  HISTORY_PARTITION_ATTRIBUTE,
  HISTORY_SORT_ATTRIBUTE,
} from '../lambdas/domain/incidents/keys.js';
import {
  RESOURCE_ENV,
  type SettingName,
  type SettingValues,
  settingsEnvironment,
} from '../lambdas/domain/settings/settings.js';
import { FUNCTION_TIMEOUT } from './config.js';
import { TOPIC_KEY_GRANT_ACKNOWLEDGEMENT } from './nag-reasons.js';
import { handlerEntry, WatchdogFunction } from './watchdog-function.js';

/** The TTL attribute of every state item (epoch seconds): incidents, event claims, the capacity scan's state. */
export const STATE_TTL_ATTRIBUTE = 'expiresAt';
export const STATE_PARTITION_KEY = 'pk';

/** SQS event source guidance: a visibility timeout of at least six times the function timeout. */
export const TIMER_VISIBILITY_TIMEOUT = Duration.seconds(FUNCTION_TIMEOUT.toSeconds() * 6);
/** A timer that fails this many times goes to the dead-letter queue (which pages ops). */
export const TIMER_MAX_RECEIVE_COUNT = 5;
export const TIMER_BATCH_SIZE = 10;
/** The outbox sweep's schedule: what no timer or retry finished is finished within this (README "Delivery"). */
export const SWEEP_SCHEDULE = Duration.minutes(1);

/** The restart-loop settings every handler that tracks incidents reads from its environment. */
export const RESTART_LOOP_SETTINGS = [
  'loopThreshold',
  'loopWindow',
  'groupWait',
  'quietPeriod',
  'historyRetentionDays',
  'maintenanceWindows',
] as const satisfies readonly SettingName[];

export interface IncidentsProps {
  readonly restartLoop: Pick<SettingValues, (typeof RESTART_LOOP_SETTINGS)[number]>;
  readonly alertTopic: sns.ITopic;
  /** Where timers that keep failing end up; the construct's dead-letter queue, watched by its alarm. */
  readonly deadLetterQueue: sqs.IQueue;
  readonly logRetention: logs.RetentionDays;
  readonly stateTableRemovalPolicy: RemovalPolicy;
}

/**
 * The watchdog's memory and clock (docs/architecture.md, "The incident model"):
 * - {@link table}: one DynamoDB table keyed by `pk` (open incidents, event claims against duplicates,
 *   the capacity scan's open incidents), on-demand, encrypted, point-in-time recovery, TTL `expiresAt`;
 * - {@link timerQueue}: group-wait timers as delayed SQS messages, consumed by {@link timer}, retried
 *   per message and dead-lettered after {@link TIMER_MAX_RECEIVE_COUNT} failures;
 * - {@link sweep}: every minute, wakes incidents whose group wait or quiet period is over and delivers
 *   alerts still in the outbox, found through the sparse `due` index of the table (never a scan).
 */
export class Incidents extends Construct {
  readonly table: dynamodb.Table;
  readonly timerQueue: sqs.Queue;
  readonly timer: WatchdogFunction;
  readonly sweep: WatchdogFunction;
  readonly sweepRule: events.Rule;
  /** What a handler that tracks incidents needs in its environment (the alert topic is the caller's). */
  readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string, props: IncidentsProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'StateTable', {
      partitionKey: { name: STATE_PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: STATE_TTL_ATTRIBUTE,
      removalPolicy: props.stateTableRemovalPolicy,
    });
    // Sparse: only items the sweep must look at carry `due` (undelivered alerts, incidents with a timer).
    this.table.addGlobalSecondaryIndex({
      indexName: DUE_INDEX,
      partitionKey: { name: DUE_ATTRIBUTE, type: dynamodb.AttributeType.STRING },
      sortKey: { name: DUE_AT_ATTRIBUTE, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
    // History (README "History"): only history items carry `hk`/`hs`; the entry is projected, so the
    // CLI's queries read the index alone. The stack's one other index, so an existing table gains it in
    // one update (CloudFormation adds one GSI per update).
    this.table.addGlobalSecondaryIndex({
      indexName: HISTORY_INDEX,
      partitionKey: { name: HISTORY_PARTITION_ATTRIBUTE, type: dynamodb.AttributeType.STRING },
      sortKey: { name: HISTORY_SORT_ATTRIBUTE, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [HISTORY_ENTRY_ATTRIBUTE],
    });

    this.timerQueue = new sqs.Queue(this, 'TimerQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: TIMER_VISIBILITY_TIMEOUT,
      deadLetterQueue: { queue: props.deadLetterQueue, maxReceiveCount: TIMER_MAX_RECEIVE_COUNT },
    });

    this.environment = {
      [RESOURCE_ENV.stateTableName]: this.table.tableName,
      [RESOURCE_ENV.timerQueueUrl]: this.timerQueue.queueUrl,
      ...settingsEnvironment(props.restartLoop, RESTART_LOOP_SETTINGS),
    };

    this.timer = new WatchdogFunction(this, 'Timer', {
      entry: handlerEntry('timer'),
      description: 'ECS Watchdog: releases held alerts and closes quiet incidents when their timers fire',
      logRetention: props.logRetention,
      timeout: FUNCTION_TIMEOUT,
      environment: { [RESOURCE_ENV.alertTopicArn]: props.alertTopic.topicArn, ...this.environment },
    });
    // The event source mapping polls with the function's role: exactly what Lambda needs (no GetQueueUrl,
    // no ChangeMessageVisibility, which SqsEventSource would also grant).
    this.timer.function.addEventSourceMapping('TimerQueue', {
      eventSourceArn: this.timerQueue.queueArn,
      batchSize: TIMER_BATCH_SIZE,
      reportBatchItemFailures: true,
    });
    this.timerQueue.grant(this.timer.role, 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes');
    // The timer reads and writes incidents but never claims events.
    this.grantIncidentTracking(this.timer.role);
    props.alertTopic.grantPublish(this.timer.role);
    Validations.of(this.timer.role.node.findChild('DefaultPolicy')).acknowledge(TOPIC_KEY_GRANT_ACKNOWLEDGEMENT);

    this.sweep = new WatchdogFunction(this, 'Sweep', {
      entry: handlerEntry('sweep'),
      description: 'ECS Watchdog: every minute, wakes overdue incidents and delivers alerts still in the outbox',
      logRetention: props.logRetention,
      timeout: FUNCTION_TIMEOUT,
      environment: { [RESOURCE_ENV.alertTopicArn]: props.alertTopic.topicArn, ...this.environment },
    });
    // The next run comes a minute later: retrying a failed run would only overlap it.
    this.sweep.function.configureAsyncInvoke({ retryAttempts: 0 });
    this.sweepRule = new events.Rule(this, 'SweepSchedule', {
      description: 'ECS Watchdog outbox sweep, every minute',
      schedule: events.Schedule.rate(SWEEP_SCHEDULE),
      targets: [new targets.LambdaFunction(this.sweep.function, { retryAttempts: 0 })],
    });
    this.sweep.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SweepIncidents',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [this.table.tableArn],
      }),
    );
    this.sweep.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'FindDueItems',
        actions: ['dynamodb:Query'],
        resources: [`${this.table.tableArn}/index/${DUE_INDEX}`],
      }),
    );
    // An incident the sweep finds not yet quiet is re-armed like any other (the engine's timers): without
    // this grant that re-arming was refused (test/infra/iam-calls.test.ts reads the calls from the code).
    this.sweep.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ArmTimers',
        actions: ['sqs:SendMessage'],
        resources: [this.timerQueue.queueArn],
      }),
    );
    props.alertTopic.grantPublish(this.sweep.role);
    Validations.of(this.sweep.role.node.findChild('DefaultPolicy')).acknowledge(TOPIC_KEY_GRANT_ACKNOWLEDGEMENT);
  }

  /**
   * What the incident engine calls: read incident items (one or several at once), write them with the
   * outbox and the event claim (conditional PutItem / UpdateItem, alone or in one TransactWriteItems,
   * which IAM authorises per contained action), lease and record alerts (UpdateItem), and arm timers.
   */
  grantIncidentTracking(role: iam.IRole, options: { readsSeveral?: boolean } = {}): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'TrackIncidents',
        // BatchGetItem: only task-stopped reads an incident and the rollout it may fold into at once.
        actions: [
          'dynamodb:GetItem',
          ...(options.readsSeveral ? ['dynamodb:BatchGetItem'] : []),
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
        ],
        resources: [this.table.tableArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ArmTimers',
        actions: ['sqs:SendMessage'],
        resources: [this.timerQueue.queueArn],
      }),
    );
  }
}
