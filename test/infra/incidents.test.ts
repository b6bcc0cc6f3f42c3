import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, describe, expect, it } from 'vitest';
import type { WatchdogFunction } from '../../infra/watchdog-function.js';
import { actionsOf, defined, type Json, logicalIdOf, resourceOf, roleStatements, synthWatchdog } from './helpers.js';

afterAll(() => CloudAssembly.cleanupTemporaryDirectories());

const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });

describe('incident state and timers', () => {
  const synthesized = synthWatchdog();
  const { template, watchdog } = synthesized;
  const { incidents } = watchdog;
  const tableId = logicalIdOf(incidents.table);
  const timerQueueId = logicalIdOf(incidents.timerQueue);
  const deadLetterQueueId = logicalIdOf(watchdog.deadLetterQueue);
  const timerFunctionId = logicalIdOf(incidents.timer.function);
  const topicId = logicalIdOf(watchdog.alertTopic);

  /** The functions that track incidents, and the one that only keeps its capacity state in the table. */
  const trackers: [string, WatchdogFunction][] = [
    ['task-stopped', watchdog.taskStopped],
    ['rollout', watchdog.rolloutWatch.handler],
    ['timer', incidents.timer],
  ];

  it('keeps state in one on-demand, encrypted table keyed by pk, with TTL and point-in-time recovery, retained', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const table = resourceOf(template, incidents.table);
    expect(table.Properties).toEqual({
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'due', AttributeType: 'S' },
        { AttributeName: 'dueAt', AttributeType: 'S' },
        { AttributeName: 'hk', AttributeType: 'S' },
        { AttributeName: 'hs', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        expect.objectContaining({ IndexName: 'due' }),
        expect.objectContaining({ IndexName: 'history' }),
      ],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it('deletes the table with the stack when asked', () => {
    const { template: t, watchdog: w } = synthWatchdog({ stateTableRemovalPolicy: RemovalPolicy.DESTROY });
    expect(resourceOf(t, w.incidents.table).DeletionPolicy).toBe('Delete');
  });

  it('retains the table and every KMS key by default, and removes them all with removalPolicy destroy', () => {
    const policies = (props: Parameters<typeof synthWatchdog>[0]) => {
      const { template: t, watchdog: w } = synthWatchdog(props);
      const keys = Object.values(t.findResources('AWS::KMS::Key')).map((k) => k.DeletionPolicy);
      return { table: resourceOf(t, w.incidents.table).DeletionPolicy, keys };
    };
    const chat = { chatChannels: [{ name: 'c', slack: { workspaceId: 'T1', channelId: 'C1' } }] };
    // The alert topic's key, the ops topic's key and the chat topics' key.
    expect(policies(chat)).toEqual({ table: 'Retain', keys: ['Retain', 'Retain', 'Retain'] });
    expect(policies({ ...chat, removalPolicy: 'destroy' })).toEqual({
      table: 'Delete',
      keys: ['Delete', 'Delete', 'Delete'],
    });
    // The table's own prop decides for the table.
    expect(policies({ removalPolicy: 'destroy', stateTableRemovalPolicy: RemovalPolicy.RETAIN }).table).toBe('Retain');
  });

  it('refuses another removal policy at synth, naming the setting and its -c key', () => {
    expect(() => synthWatchdog({ removalPolicy: 'keep' as never })).toThrow(
      'EcsWatchdog: removalPolicy "keep" is neither retain nor destroy (-c removalPolicy)',
    );
  });

  it('has an encrypted timer queue whose visibility timeout is at least six timer timeouts', () => {
    const queue = resourceOf(template, incidents.timerQueue).Properties;
    const timerTimeout = resourceOf(template, incidents.timer.function).Properties.Timeout;
    expect(timerTimeout).toBe(30);
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timerTimeout);
    expect(queue.VisibilityTimeout).toBe(180);
  });

  it('dead-letters a timer after 5 failed receives into the queue the dead-letter alarm watches', () => {
    expect(resourceOf(template, incidents.timerQueue).Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: getAtt(deadLetterQueueId),
      maxReceiveCount: 5,
    });
    expect(resourceOf(template, watchdog.deadLetterAlarm).Properties.Dimensions).toEqual([
      { Name: 'QueueName', Value: getAtt(deadLetterQueueId, 'QueueName') },
    ]);
  });

  it('denies non-TLS access to the timer queue', () => {
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')).filter((p: Json) =>
      p.Properties.Queues.some((q: Json) => q.Ref === timerQueueId),
    ) as Json[];
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'sqs:*',
        Resource: getAtt(timerQueueId),
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
  });

  it('feeds the timer function from the queue in batches of 10, reporting failed messages one by one', () => {
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')) as Json[];
    expect(mappings.map((m) => m.Properties)).toEqual([
      {
        EventSourceArn: getAtt(timerQueueId),
        FunctionName: { Ref: timerFunctionId },
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      },
    ]);
  });

  it('runs the timer handler with no asynchronous invocation config (SQS redrives its failures)', () => {
    const timer = resourceOf(template, incidents.timer.function).Properties;
    expect(timer).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
    const configs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig')) as Json[];
    expect(configs.map((c) => c.Properties.FunctionName)).not.toContainEqual({ Ref: timerFunctionId });
    // task-stopped, rollout, capacity scan and the alarm relay retry twice; the sweep never (it runs every minute).
    expect(configs).toHaveLength(5);
    const sweep = configs.find((c) => c.Properties.FunctionName.Ref === logicalIdOf(incidents.sweep.function));
    expect(sweep?.Properties.MaximumRetryAttempts).toBe(0);
  });

  it.each(trackers)('gives %s the incident settings in its environment', (_name, fn) => {
    expect(resourceOf(template, fn.function).Properties.Environment.Variables).toMatchObject({
      ALERT_TOPIC_ARN: { Ref: topicId },
      STATE_TABLE_NAME: { Ref: tableId },
      TIMER_QUEUE_URL: { Ref: timerQueueId },
      LOOP_THRESHOLD: '3',
      LOOP_WINDOW_SECONDS: '600',
      GROUP_WAIT_SECONDS: '60',
      QUIET_PERIOD_SECONDS: '900',
    });
  });

  it('gives the timer exactly its environment', () => {
    expect(resourceOf(template, incidents.timer.function).Properties.Environment.Variables).toEqual({
      POWERTOOLS_SERVICE_NAME: 'ecs-watchdog',
      POWERTOOLS_METRICS_NAMESPACE: 'EcsWatchdog',
      NODE_OPTIONS: '--enable-source-maps',
      ALERT_TOPIC_ARN: { Ref: topicId },
      STATE_TABLE_NAME: { Ref: tableId },
      TIMER_QUEUE_URL: { Ref: timerQueueId },
      LOOP_THRESHOLD: '3',
      LOOP_WINDOW_SECONDS: '600',
      GROUP_WAIT_SECONDS: '60',
      QUIET_PERIOD_SECONDS: '900',
      HISTORY_RETENTION_DAYS: '30',
      MAINTENANCE_WINDOWS: '[]',
      REDACT_PATTERNS: '[]',
      ACCOUNT_NAMES: '{}',
    });
  });

  it.each(trackers)('lets %s read and write incidents and claims, and arm timers, and nothing more there', (_n, fn) => {
    const statements = roleStatements(template, fn.role);
    const onTable = statements.filter((s) => JSON.stringify(s.Resource).includes(tableId));
    const batch = fn === watchdog.taskStopped ? ['dynamodb:BatchGetItem'] : [];
    expect(onTable).toEqual([
      {
        Sid: 'TrackIncidents',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', ...batch, 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: getAtt(tableId),
      },
    ]);
    const send = statements.filter((s) => actionsOf(s).includes('sqs:SendMessage'));
    expect(send).toContainEqual({
      Sid: 'ArmTimers',
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: getAtt(timerQueueId),
    });
  });

  it('grants the timer exactly what it calls', () => {
    const statements = roleStatements(template, incidents.timer.role);
    expect(statements.map((s) => ({ actions: actionsOf(s).sort(), resource: s.Resource }))).toEqual([
      {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resource: getAtt(logicalIdOf(incidents.timer.logGroup)),
      },
      // The event source mapping's consumer permissions (Lambda's SQS execution role set, no more).
      {
        actions: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
        resource: getAtt(timerQueueId),
      },
      {
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resource: getAtt(tableId),
      },
      { actions: ['sqs:SendMessage'], resource: getAtt(timerQueueId) },
      { actions: ['sns:Publish'], resource: { Ref: topicId } },
      {
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resource: getAtt(logicalIdOf(defined(watchdog.alertTopicKey))),
      },
    ]);
    for (const statement of statements) expect(statement.Effect).toBe('Allow');
  });

  it('lets no function scan the table, only the sweep query its due index, and the capacity scan keep its item', () => {
    const all = (Object.values(template.findResources('AWS::IAM::Policy')) as Json[]).flatMap(
      (p) => p.Properties.PolicyDocument.Statement,
    );
    const dynamodbActions = new Set(all.flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:')));
    expect([...dynamodbActions].sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    const queries = all.filter((s) => actionsOf(s).includes('dynamodb:Query'));
    expect(queries.map((s) => s.Resource)).toEqual([{ 'Fn::Join': ['', [getAtt(tableId), '/index/due']] }]);
    const scan = roleStatements(template, defined(watchdog.capacityScan).handler.role);
    expect(scan.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))).toEqual([
      {
        Sid: 'KeepOpenIncidents',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: getAtt(tableId),
      },
    ]);
    expect(JSON.stringify(scan)).not.toContain(timerQueueId);
  });

  it('passes custom restart-loop settings to every function that tracks incidents', () => {
    const custom = synthWatchdog({
      restartLoop: {
        threshold: 5,
        window: Duration.minutes(30),
        groupWait: Duration.seconds(0),
        quietPeriod: Duration.hours(1),
      },
    });
    for (const fn of [
      custom.watchdog.taskStopped,
      custom.watchdog.rolloutWatch.handler,
      custom.watchdog.incidents.timer,
    ]) {
      expect(resourceOf(custom.template, fn.function).Properties.Environment.Variables).toMatchObject({
        LOOP_THRESHOLD: '5',
        LOOP_WINDOW_SECONDS: '1800',
        GROUP_WAIT_SECONDS: '0',
        QUIET_PERIOD_SECONDS: '3600',
      });
    }
  });

  it.each([
    [{ threshold: 1 }, 'EcsWatchdog: restartLoop.threshold must be an integer from 2 to 100, got 1'],
    [{ threshold: 101 }, 'EcsWatchdog: restartLoop.threshold must be an integer from 2 to 100, got 101'],
    [{ threshold: 2.5 }, 'EcsWatchdog: restartLoop.threshold must be an integer from 2 to 100, got 2.5'],
    [
      { window: Duration.seconds(30) },
      'EcsWatchdog: restartLoop.window must be whole seconds from 1 min to 24 h, got 30 s',
    ],
    [
      { window: Duration.hours(25) },
      'EcsWatchdog: restartLoop.window must be whole seconds from 1 min to 24 h, got 90000 s',
    ],
    [
      { groupWait: Duration.seconds(901) },
      'EcsWatchdog: restartLoop.groupWait must be whole seconds from 0 s to 15 min, got 901 s',
    ],
    [
      { groupWait: Duration.millis(1500) },
      'EcsWatchdog: restartLoop.groupWait must be whole seconds from 0 s to 15 min, got 1.5 s',
    ],
    [
      { quietPeriod: Duration.seconds(59) },
      'EcsWatchdog: restartLoop.quietPeriod must be whole seconds from 1 min to 24 h, got 59 s',
    ],
  ])('rejects restartLoop %j at synth, naming the setting', (restartLoop, message) => {
    expect(() => synthWatchdog({ restartLoop })).toThrow(message);
  });
});
