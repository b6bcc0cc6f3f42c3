import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, describe, expect, it } from 'vitest';
import { UNDELIVERED_ALERT_ALARM_SECONDS } from '../../infra/ops.js';
import { actionsOf, defined, type Json, logicalIdOf, resourceOf, roleStatements, synthWatchdog } from './helpers.js';

afterAll(() => CloudAssembly.cleanupTemporaryDirectories());

const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });

describe('watching the watchdog', () => {
  const { template, watchdog } = synthWatchdog({ opsEmail: 'platform@example.com' });
  const { ops, incidents } = watchdog;
  const opsTopicId = logicalIdOf(ops.topic);
  const opsKeyId = logicalIdOf(defined(ops.topicKey));
  const alertTopicId = logicalIdOf(watchdog.alertTopic);
  const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')) as [string, Json][];

  it('has an ops topic of its own, with its own rotating key, apart from the alert topic and its key', () => {
    expect(opsTopicId).not.toBe(alertTopicId);
    const topic = resourceOf(template, ops.topic).Properties;
    expect(topic.KmsMasterKeyId).toEqual(getAtt(opsKeyId));
    expect(opsKeyId).not.toBe(logicalIdOf(defined(watchdog.alertTopicKey)));
    expect(resourceOf(template, defined(ops.topicKey)).Properties.EnableKeyRotation).toBe(true);
  });

  it('subscribes opsEmail to the ops topic, to the alarm notifications that need no watchdog function', () => {
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription')) as Json[];
    expect(subscriptions.map((s) => s.Properties)).toEqual([
      {
        Protocol: 'email',
        Endpoint: 'platform@example.com',
        TopicArn: { Ref: opsTopicId },
        FilterPolicy: { kind: [{ exists: false }] },
      },
    ]);
  });

  it('sends every alarm, and its return to OK, to the ops topic only', () => {
    expect(alarms.length).toBe(4 + 2 * 5 + 1);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: opsTopicId }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: opsTopicId }]);
    }
  });

  it('alarms on the oldest undelivered alert, and on the sweep going silent', () => {
    expect(resourceOf(template, ops.undeliveredAlertAlarm).Properties).toMatchObject({
      Namespace: 'EcsWatchdog',
      MetricName: 'OldestUndeliveredAlertAgeSeconds',
      Dimensions: [{ Name: 'service', Value: 'ecs-watchdog' }],
      Statistic: 'Maximum',
      Threshold: UNDELIVERED_ALERT_ALARM_SECONDS,
      TreatMissingData: 'breaching',
    });
  });

  it('alarms on the errors and throttles of every function and on the timer queue age', () => {
    const functions = [
      watchdog.taskStopped,
      watchdog.rolloutWatch.handler,
      incidents.timer,
      incidents.sweep,
      defined(watchdog.capacityScan).handler,
      ops.relay,
    ].map((fn) => logicalIdOf(fn.function));
    const watched = (metric: string) =>
      alarms
        .filter(([, a]) => a.Properties.Namespace === 'AWS/Lambda' && a.Properties.MetricName === metric)
        .map(([, a]) => a.Properties.Dimensions[0].Value.Ref);
    expect(new Set(watched('Errors'))).toEqual(new Set(functions));
    expect(new Set(watched('Throttles'))).toEqual(new Set(functions.slice(0, 5)));
    expect(resourceOf(template, ops.timerQueueAgeAlarm).Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(logicalIdOf(incidents.timerQueue), 'QueueName') }],
    });
  });

  it('says what to do with each kind of dead-lettered message', () => {
    const text = resourceOf(template, ops.deadLetterAlarm).Properties.AlarmDescription;
    expect(text).toContain('ecs-watchdog replay');
    expect(text).toContain('redrive');
    expect(text).toContain('safe to repeat');
  });

  it('relays the state changes of exactly its alarms to a function that publishes them with attributes', () => {
    const rule = resourceOf(template, ops.relayRule).Properties;
    const arns = alarms.map(([id]) => getAtt(id));
    expect(rule.EventPattern.resources).toEqual(expect.arrayContaining(arns));
    expect(rule.EventPattern.resources).toHaveLength(arns.length);
    expect(rule.EventPattern.source).toEqual(['aws.cloudwatch']);
    expect(rule.EventPattern['detail-type']).toEqual(['CloudWatch Alarm State Change']);
    expect(rule.Targets[0].Arn).toEqual(getAtt(logicalIdOf(ops.relay.function)));
    const env = resourceOf(template, ops.relay.function).Properties.Environment.Variables;
    expect(env.OPS_TOPIC_ARN).toEqual({ Ref: opsTopicId });
    const statements = roleStatements(template, ops.relay.role);
    const publish = statements.filter((s) => actionsOf(s).includes('sns:Publish'));
    expect(publish.map((s) => s.Resource)).toEqual([{ Ref: opsTopicId }]);
  });

  it('runs the sweep every minute, without retries, reading the due index and never scanning', () => {
    const rule = resourceOf(template, incidents.sweepRule).Properties;
    expect(rule.ScheduleExpression).toBe('rate(1 minute)');
    const table = resourceOf(template, incidents.table).Properties;
    expect(table.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'due',
        KeySchema: [
          { AttributeName: 'due', KeyType: 'HASH' },
          { AttributeName: 'dueAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        // The history's (README "History"): the sweep never reads it.
        IndexName: 'history',
        KeySchema: [
          { AttributeName: 'hk', KeyType: 'HASH' },
          { AttributeName: 'hs', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['h'] },
      },
    ]);
    const statements = roleStatements(template, incidents.sweep.role);
    const onTable = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    const tableId = logicalIdOf(incidents.table);
    expect(onTable.map((s) => [actionsOf(s).sort(), s.Resource])).toEqual([
      [['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], getAtt(tableId)],
      [['dynamodb:Query'], { 'Fn::Join': ['', [getAtt(tableId), '/index/due']] }],
    ]);
  });
});
