import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { WATCHDOG_ALARM_KIND } from '../lambdas/domain/alerts/ops-alarm.js';
import { RESOURCE_ENV } from '../lambdas/domain/settings/settings.js';
import { TIMER_MAX_RECEIVE_COUNT } from './incidents.js';
import { TOPIC_KEY_GRANT_ACKNOWLEDGEMENT } from './nag-reasons.js';
import { handlerEntry, METRICS_NAMESPACE, SERVICE_NAME, WatchdogFunction } from './watchdog-function.js';

export interface WatchdogOpsProps {
  /** An existing topic for the watchdog's own alarms; default: a new one with its own key. */
  readonly opsTopic?: sns.ITopic;
  /** E-mail subscribed to the ops topic (CloudWatch's own alarm notifications). */
  readonly opsEmail?: string;
  readonly deadLetterQueue: sqs.IQueue;
  readonly timerQueue: sqs.IQueue;
  /** Every function of the watchdog, by a short name: each gets an errors and a throttles alarm. */
  readonly functions: Record<string, WatchdogFunction>;
  readonly logRetention: logs.RetentionDays;
  /** EventBridge delivery retries of an alarm state change to the relay, and their age limit. */
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
}

/** An alert that waited this long in the outbox pages ops (SNS or its key down, or the sweep stuck). */
export const UNDELIVERED_ALERT_ALARM_SECONDS = 15 * 60;
/** Timers are delayed at most 15 minutes: one visible for 30 minutes more is not being consumed. */
export const TIMER_QUEUE_AGE_ALARM_SECONDS = 30 * 60;
/** Errors of one function within 5 minutes that page: a burst of failures, not one retried transient. */
export const FUNCTION_ERRORS_ALARM = 3;

/**
 * Watching the watchdog (README "Watching the watchdog"): a separate ops topic by default (its own KMS
 * key, its own subscriptions: nothing shared with the alert topic, so an alert topic or key outage is
 * still heard), and alarms on the dead-letter queue, the oldest undelivered alert, every function's
 * errors and throttles, the timer queue's age and invalid events.
 *
 * Two paths reach the ops topic. Each alarm's own SNS action publishes CloudWatch's notification
 * directly (depends only on CloudWatch and the ops topic); those carry no message attributes, since
 * alarm actions cannot set any. So an EventBridge rule on the alarms' state changes also invokes a
 * small relay function that republishes each change with the attributes filter policies use
 * (`kind` = WATCHDOG_ALARM, `severity`, `category` = alarm name, `actionable`, `state`, `alertId`).
 * The {@link opsEmail} subscription takes only the direct path (filter: no `kind` attribute), so it
 * gets each alarm once even when the relay is broken; attribute-filtered subscribers get the relayed copy.
 */
export class WatchdogOps extends Construct {
  readonly topic: sns.ITopic;
  /** The key of the ops topic, when this construct created it. */
  readonly topicKey?: kms.IKey;
  readonly relay: WatchdogFunction;
  readonly relayRule: events.Rule;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  readonly invalidEventsAlarm: cloudwatch.Alarm;
  readonly undeliveredAlertAlarm: cloudwatch.Alarm;
  readonly timerQueueAgeAlarm: cloudwatch.Alarm;
  readonly functionAlarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: WatchdogOpsProps) {
    super(scope, id);
    if (props.opsTopic) {
      this.topic = props.opsTopic;
    } else {
      const key = new kms.Key(this, 'TopicKey', {
        description: 'Encrypts the ECS Watchdog ops topic (alarms about the watchdog itself)',
        enableKeyRotation: true,
      });
      const topic = new sns.Topic(this, 'Topic', {
        displayName: 'ECS Watchdog ops',
        masterKey: key,
        enforceSSL: true,
      });
      allowAlarmsToPublish(topic, key);
      this.topic = topic;
      this.topicKey = key;
    }
    if (props.opsEmail !== undefined) {
      this.topic.addSubscription(
        new subscriptions.EmailSubscription(props.opsEmail, {
          filterPolicy: { kind: sns.SubscriptionFilter.notExistsFilter() },
        }),
      );
    }

    this.deadLetterAlarm = this.alarm('DeadLetterAlarm', {
      alarmDescription:
        'ECS Watchdog could not handle something after all retries: it is in the dead-letter queue. Both fixes are ' +
        'safe to repeat (events are claimed once, alerts are recorded once delivered). An ECS event (a Lambda ' +
        'on-failure record: requestPayload, with the error in responsePayload): fix the cause, then ' +
        '`ecs-watchdog replay --table ... --timer-queue ... message.json` and delete the message. A timer message ' +
        `({"type":"release-held",...}; the timer function failed it ${TIMER_MAX_RECEIVE_COUNT} times, see its logs): ` +
        'the sweep has released it by now; redrive it to the timer queue, or delete it.',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
    });
    this.invalidEventsAlarm = this.alarm('InvalidEventsAlarm', {
      alarmDescription:
        'ECS Watchdog received events it could not parse (metric InvalidEvents): ECS may have changed an event shape. ' +
        'See the function logs for the rejected events.',
      metric: watchdogMetric('InvalidEvents', cloudwatch.Stats.SUM),
      threshold: 1,
    });
    this.undeliveredAlertAlarm = this.alarm('UndeliveredAlertAlarm', {
      alarmDescription:
        `An alert has waited more than ${UNDELIVERED_ALERT_ALARM_SECONDS / 60} minutes in the outbox (metric ` +
        'OldestUndeliveredAlertAgeSeconds), or the sweep stopped reporting: SNS or the alert topic key refuses ' +
        'publishes (see the sweep logs: "Publishing an alert failed"). Nothing is lost: once the topic accepts ' +
        'messages again the sweep delivers every waiting alert, once. No action on the watchdog is needed.',
      metric: watchdogMetric('OldestUndeliveredAlertAgeSeconds', cloudwatch.Stats.MAXIMUM),
      threshold: UNDELIVERED_ALERT_ALARM_SECONDS,
      // The sweep reports every minute: silence means it is not running.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.timerQueueAgeAlarm = this.alarm('TimerQueueAgeAlarm', {
      alarmDescription:
        'Group-wait timers are not being consumed (ApproximateAgeOfOldestMessage of the timer queue): check the ' +
        'timer function (errors, throttles, event source mapping). The sweep releases held alerts meanwhile.',
      metric: props.timerQueue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: TIMER_QUEUE_AGE_ALARM_SECONDS,
    });
    for (const [name, fn] of Object.entries(props.functions)) {
      const errors = this.alarm(`${fn.node.id}ErrorsAlarm`, {
        alarmDescription:
          `The ECS Watchdog ${name} function failed ${FUNCTION_ERRORS_ALARM} or more times in 5 minutes: see its ` +
          'logs. Failed events are retried, then dead-lettered (the dead-letter alarm says what to do).',
        metric: fn.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: FUNCTION_ERRORS_ALARM,
      });
      const throttles = this.alarm(`${fn.node.id}ThrottlesAlarm`, {
        alarmDescription:
          `The ECS Watchdog ${name} function was throttled (account or reserved concurrency): events wait in ` +
          "EventBridge's or SQS's retries; raise the concurrency limit if it persists.",
        metric: fn.function.metricThrottles({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
      });
      this.functionAlarms.push(errors, throttles);
    }

    this.relay = new WatchdogFunction(this, 'AlarmRelay', {
      entry: handlerEntry('ops-alarm'),
      description: 'ECS Watchdog: republishes its own alarms to the ops topic with message attributes',
      logRetention: props.logRetention,
      deadLetterQueue: props.deadLetterQueue,
      environment: { [RESOURCE_ENV.opsTopicArn]: this.topic.topicArn },
    });
    this.topic.grantPublish(this.relay.role);
    if (this.topicKey)
      Validations.of(this.relay.role.node.findChild('DefaultPolicy')).acknowledge(TOPIC_KEY_GRANT_ACKNOWLEDGEMENT);
    const relayErrors = this.alarm('AlarmRelayErrorsAlarm', {
      alarmDescription:
        'The ECS Watchdog alarm relay failed: subscribers that filter the ops topic by attributes miss alarms ' +
        '(the e-mail subscription still gets them directly). See its logs.',
      metric: this.relay.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
    });
    const alarms = [
      this.deadLetterAlarm,
      this.invalidEventsAlarm,
      this.undeliveredAlertAlarm,
      this.timerQueueAgeAlarm,
      ...this.functionAlarms,
      relayErrors,
    ];
    this.relayRule = new events.Rule(this, 'AlarmStateChanges', {
      description: 'State changes of the ECS Watchdog alarms, to republish with message attributes',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: alarms.map((a) => a.alarmArn),
      },
      targets: [
        new targets.LambdaFunction(this.relay.function, {
          retryAttempts: props.retryAttempts,
          maxEventAge: props.maxEventAge,
          deadLetterQueue: props.deadLetterQueue,
        }),
      ],
    });
  }

  private alarm(
    id: string,
    props: Pick<cloudwatch.AlarmProps, 'alarmDescription' | 'metric' | 'threshold' | 'treatMissingData'>,
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      ...props,
    });
    const action = new cwActions.SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return alarm;
  }
}

/** A metric the watchdog's functions publish (Powertools: namespace EcsWatchdog, dimension service). */
export function watchdogMetric(metricName: string, statistic: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME },
    statistic,
    period: Duration.minutes(5),
  });
}

/**
 * CloudWatch alarms in this account may publish to the topic and use its key. A topic policy (here the
 * TLS one) replaces SNS's default policy, which is what let alarms publish: allow them explicitly.
 */
export function allowAlarmsToPublish(topic: sns.Topic, key: kms.Key): void {
  const stack = Stack.of(topic);
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
  );
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
}

export { WATCHDOG_ALARM_KIND };
