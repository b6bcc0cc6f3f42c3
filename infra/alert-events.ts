import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SEVERITIES, type Severity } from '../lambdas/domain/stops/taxonomy.js';

/** The `detail-type` and `source` of every alert on the bus (docs/routing.md, "The EventBridge output"). */
export const ALERT_DETAIL_TYPE = 'ECS Watchdog Alert';
export const ALERT_EVENT_SOURCE = 'ecs-watchdog';
/** Receives before a message the pipe could not put on the bus goes to the dead-letter queue. */
export const ALERT_EVENTS_MAX_RECEIVE_COUNT = 5;

export interface AlertEventsProps {
  readonly alertTopic: sns.ITopic;
  /** The bus the alerts go on. */
  readonly bus: events.IEventBus;
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * Every alert, also as an `ECS Watchdog Alert` event whose `detail` is the alert JSON: the alert topic
 * delivers to a queue (raw, the alert JSON), an EventBridge Pipe puts each message on the bus. Nothing is
 * lost on the way: SNS retries the queue, the pipe retries the bus and leaves what fails in the queue,
 * which dead-letters it after {@link ALERT_EVENTS_MAX_RECEIVE_COUNT} receives (and the dead-letter alarm pages ops).
 */
export class AlertEvents extends Construct {
  readonly bus: events.IEventBus;
  readonly queue: sqs.Queue;
  readonly pipe: pipes.CfnPipe;

  constructor(scope: Construct, id: string, props: AlertEventsProps) {
    super(scope, id);
    this.bus = props.bus;
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: props.deadLetterQueue, maxReceiveCount: ALERT_EVENTS_MAX_RECEIVE_COUNT },
    });
    // Raw delivery: the message body is the alert JSON (the `default` body), which the pipe parses.
    props.alertTopic.addSubscription(new subscriptions.SqsSubscription(this.queue, { rawMessageDelivery: true }));

    const role = new iam.Role(this, 'PipeRole', { assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com') });
    this.queue.grant(role, 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes');
    props.bus.grantPutEventsTo(role);
    this.pipe = new pipes.CfnPipe(this, 'Pipe', {
      description: 'ECS Watchdog: every alert onto the event bus as an ECS Watchdog Alert event',
      roleArn: role.roleArn,
      source: this.queue.queueArn,
      sourceParameters: { sqsQueueParameters: { batchSize: 10, maximumBatchingWindowInSeconds: 0 } },
      target: props.bus.eventBusArn,
      targetParameters: {
        // The body is JSON: the pipe parses it, and the event's detail is the alert itself.
        inputTemplate: '<$.body>',
        eventBridgeEventBusParameters: { detailType: ALERT_DETAIL_TYPE, source: ALERT_EVENT_SOURCE },
      },
    });
    this.pipe.node.addDependency(role);
  }
}

/** Which alerts a chat channel or a pager receives: teams and severities, both optional. */
export interface AlertFilter {
  /** Values of the team tag (`unassigned` for services without one). @default - every team */
  readonly teams?: string[];
  /** @default - every severity */
  readonly severities?: Severity[];
}

/**
 * The rule pattern of a filter. An all-clear matches when one of the severities its incident paged at
 * does (`resolves.severities`), so a channel that got the page gets the all-clear (docs/routing.md).
 */
export function alertPattern(
  filter: AlertFilter,
  name: string,
  extra: Record<string, unknown> = {},
): events.EventPattern {
  const detail: Record<string, unknown> = { ...extra };
  if (filter.teams !== undefined) {
    if (filter.teams.length === 0 || filter.teams.some((t) => typeof t !== 'string' || t.trim() === ''))
      throw new Error(`${name}.teams: give team tag values, or leave it out for every team`);
    // The alert JSON has no team when the service has no team tag; the SNS attribute says `unassigned`.
    detail.team = filter.teams.includes('unassigned') ? [...filter.teams, { exists: false }] : [...filter.teams];
  }
  if (filter.severities !== undefined) {
    const severities = checkSeverities(filter.severities, `${name}.severities`);
    detail.$or = [{ severity: severities }, { resolves: { severities } }];
  }
  return {
    source: [ALERT_EVENT_SOURCE],
    detailType: [ALERT_DETAIL_TYPE],
    ...(Object.keys(detail).length > 0 ? { detail } : {}),
  };
}

export function checkSeverities(severities: readonly string[], name: string): Severity[] {
  if (severities.length === 0) throw new Error(`${name}: give at least one of ${SEVERITIES.join(', ')}`);
  for (const severity of severities) {
    if (!(SEVERITIES as readonly string[]).includes(severity))
      throw new Error(`${name}: "${severity}" is not a severity (valid: ${SEVERITIES.join(', ')})`);
  }
  return [...severities] as Severity[];
}
