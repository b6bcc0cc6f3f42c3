import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, describe, expect, it } from 'vitest';
import { EcsWatchdog } from '../../infra/ecs-watchdog.js';
import {
  actionsOf,
  defined,
  type Json,
  logicalIdOf,
  resourceOf,
  roleStatements,
  synthWatchdog,
  testApp,
} from './helpers.js';

afterAll(() => CloudAssembly.cleanupTemporaryDirectories());

const ref = (logicalId: string) => ({ Ref: logicalId });

/** `arn:${Partition}:SERVICE:${Region}:${AccountId}:RESOURCE` as CDK renders Stack.formatArn in an agnostic stack. */
const agnosticArn = (service: string, resource: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      `:${service}:`,
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:${resource}`,
    ],
  ],
});

/** The task-stopped function's policy statements, selected through the construct. */
function policyStatements({ template, watchdog }: ReturnType<typeof synthWatchdog>): Json[] {
  return roleStatements(template, watchdog.taskStopped.role);
}

describe('EcsWatchdog with defaults', () => {
  const synthesized = synthWatchdog();
  const { template, watchdog } = synthesized;
  const topicId = logicalIdOf(watchdog.alertTopic);
  const keyId = logicalIdOf(defined(watchdog.alertTopicKey));
  const queueId = logicalIdOf(watchdog.deadLetterQueue);
  const functionId = logicalIdOf(watchdog.taskStopped.function);
  const logGroupId = logicalIdOf(watchdog.taskStopped.logGroup);
  const tableId = logicalIdOf(watchdog.incidents.table);
  const timerQueueId = logicalIdOf(watchdog.incidents.timerQueue);
  const opsTopicId = logicalIdOf(watchdog.ops.topic);

  it('creates an alert topic encrypted with a rotating customer managed key', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
  });

  it('lets CloudWatch alarms use the ops topic key, and not the alert topic key', () => {
    const alertKey = resourceOf(template, defined(watchdog.alertTopicKey));
    expect(JSON.stringify(alertKey.Properties.KeyPolicy)).not.toContain('cloudwatch.amazonaws.com');
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Effect: 'Allow',
          }),
        ]),
      },
    });
  });

  it('denies publishing to the topic without TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [ref(topicId)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Principal: '*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it("lets this account's CloudWatch alarms publish to the ops topic (the TLS policy replaces SNS's default one)", () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [ref(opsTopicId)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Resource: ref(opsTopicId),
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ]),
      },
    });
  });

  it('creates no e-mail subscription unless asked', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('has six functions: task-stopped, rollout, timer, sweep, capacity scan and the alarm relay', () => {
    template.resourceCountIs('AWS::Lambda::Function', 6);
    const ids = [
      watchdog.taskStopped.function,
      watchdog.rolloutWatch.handler.function,
      watchdog.incidents.timer.function,
      watchdog.incidents.sweep.function,
      watchdog.capacityScan?.handler.function,
      watchdog.ops.relay.function,
    ].map((fn) => (fn ? logicalIdOf(fn) : undefined));
    expect(new Set(ids)).toEqual(new Set(Object.keys(template.findResources('AWS::Lambda::Function'))));
  });

  it('runs the task-stopped handler on Node.js 24, arm64, 256 MB, 30 s', () => {
    expect(resourceOf(template, watchdog.taskStopped.function).Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 30,
      Handler: 'index.handler',
    });
  });

  it('passes the settings in the environment', () => {
    const fn = resourceOf(template, watchdog.taskStopped.function);
    expect(fn.Properties.Environment.Variables).toEqual({
      POWERTOOLS_SERVICE_NAME: 'ecs-watchdog',
      POWERTOOLS_METRICS_NAMESPACE: 'EcsWatchdog',
      NODE_OPTIONS: '--enable-source-maps',
      ALERT_TOPIC_ARN: ref(topicId),
      TEAM_TAG_KEY: 'team',
      ENRICHMENT_BUDGET_MS: '3000',
      LOG_EXCERPT_LINES: '20',
      MUTED_CATEGORIES: '',
      SEVERITY_OVERRIDES: '{}',
      REDACT_PATTERNS: '[]',
      MEMBER_EXTERNAL_ID: '',
      ACCOUNT_NAMES: '{}',
      WATCHDOG_ACCOUNT: { Ref: 'AWS::AccountId' },
      STATE_TABLE_NAME: ref(tableId),
      TIMER_QUEUE_URL: ref(timerQueueId),
      LOOP_THRESHOLD: '3',
      LOOP_WINDOW_SECONDS: '600',
      GROUP_WAIT_SECONDS: '60',
      QUIET_PERIOD_SECONDS: '900',
      HISTORY_RETENTION_DAYS: '30',
      MAINTENANCE_WINDOWS: '[]',
    });
  });

  it('gives the function its own log group, kept one month', () => {
    expect(resourceOf(template, watchdog.taskStopped.logGroup).Properties.RetentionInDays).toBe(30);
    expect(resourceOf(template, watchdog.taskStopped.function).Properties.LoggingConfig).toEqual({
      LogGroup: ref(logGroupId),
    });
  });

  it('attaches AWSLambdaBasicExecutionRole to no function role', () => {
    expect(resourceOf(template, watchdog.taskStopped.role).Properties.ManagedPolicyArns).toBeUndefined();
    for (const role of Object.values(template.findResources('AWS::IAM::Role')) as Json[]) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('sends failed async invocations to the dead-letter queue after 2 retries within 6 hours', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: ref(functionId),
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('grants exactly what the handler calls, each on its narrowest resource', () => {
    const statements = policyStatements(synthesized).map((s) => ({
      actions: actionsOf(s).sort(),
      resource: s.Resource,
    }));
    expect(statements).toEqual(
      expect.arrayContaining([
        { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
        { actions: ['sqs:SendMessage'], resource: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        { actions: ['sns:Publish'], resource: ref(topicId) },
        { actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resource: { 'Fn::GetAtt': [keyId, 'Arn'] } },
        { actions: ['ecs:DescribeTaskDefinition'], resource: '*' },
        {
          actions: ['ecs:ListTagsForResource'],
          resource: [agnosticArn('ecs', 'service/*'), agnosticArn('ecs', 'task-definition/*')],
        },
        { actions: ['ecs:DescribeClusters'], resource: agnosticArn('ecs', 'cluster/*') },
        {
          actions: ['logs:GetLogEvents'],
          resource: {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':logs:*:', { Ref: 'AWS::AccountId' }, ':log-group:*:log-stream:*'],
            ],
          },
        },
        { actions: ['cloudwatch:GetMetricData'], resource: '*' },
        {
          actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
        },
        { actions: ['sqs:SendMessage'], resource: { 'Fn::GetAtt': [timerQueueId, 'Arn'] } },
        // Health-check alerts: the service, its target group and load balancers, and the security groups between them.
        { actions: ['ecs:DescribeServices'], resource: agnosticArn('ecs', 'service/*') },
        {
          actions: [
            'elasticloadbalancing:DescribeLoadBalancers',
            'elasticloadbalancing:DescribeTargetGroups',
            'elasticloadbalancing:DescribeTargetHealth',
          ],
          resource: '*',
        },
        { actions: ['ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets'], resource: '*' },
      ]),
    );
    const allActions = policyStatements(synthesized).flatMap(actionsOf).sort();
    expect(allActions).toEqual([
      'cloudwatch:GetMetricData',
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSubnets',
      'ecs:DescribeClusters',
      'ecs:DescribeServices',
      'ecs:DescribeTaskDefinition',
      'ecs:ListTagsForResource',
      'elasticloadbalancing:DescribeLoadBalancers',
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetHealth',
      'kms:Decrypt',
      'kms:GenerateDataKey*',
      'logs:CreateLogStream',
      'logs:GetLogEvents',
      'logs:PutLogEvents',
      'sns:Publish',
      'sqs:SendMessage',
      'sqs:SendMessage',
      // The member roles (README "Many accounts and regions"): of this account's other regions when none is listed.
      'sts:AssumeRole',
    ]);
    for (const statement of policyStatements(synthesized)) expect(statement.Effect).toBe('Allow');
  });

  it('has an encrypted, TLS-only dead-letter queue that keeps messages 14 days', () => {
    expect(resourceOf(template, watchdog.deadLetterQueue).Properties).toEqual({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [ref(queueId)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('lets only the rules send their undeliverable events to the dead-letter queue', () => {
    const rules = [
      watchdog.taskStoppedRule,
      watchdog.rolloutWatch.deploymentRule,
      watchdog.rolloutWatch.serviceActionRule,
      watchdog.capacityScan?.rule,
      watchdog.ops.relayRule,
    ].map((rule) => (rule ? logicalIdOf(rule) : undefined));
    // The sweep's schedule has no dead-letter queue: the next run comes a minute later.
    const sweep = logicalIdOf(watchdog.incidents.sweepRule);
    expect(Object.keys(template.findResources('AWS::Events::Rule')).sort()).toEqual([...rules, sweep].sort());
    const queuePolicies = Object.values(template.findResources('AWS::SQS::QueuePolicy')).filter((p: Json) =>
      p.Properties.Queues.some((q: Json) => q.Ref === queueId),
    ) as Json[];
    expect(queuePolicies).toHaveLength(1);
    const allows = queuePolicies[0].Properties.PolicyDocument.Statement.filter((s: Json) => s.Effect === 'Allow');
    expect(allows).toEqual(
      rules.map((ruleId) => ({
        Sid: expect.stringMatching(/^AllowEventRule/),
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Principal: { Service: 'events.amazonaws.com' },
        Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
      })),
    );
  });

  it('targets the function with the maximum retry policy and the dead-letter queue', () => {
    expect(resourceOf(template, watchdog.taskStoppedRule).Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 24 * 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
      }),
    ]);
  });

  it('alarms on the first dead-lettered message, notifying the ops topic', () => {
    expect(resourceOf(template, watchdog.deadLetterAlarm).Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [ref(opsTopicId)],
    });
  });

  it('alarms on the first invalid event reported by the handler', () => {
    expect(resourceOf(template, watchdog.invalidEventsAlarm).Properties).toMatchObject({
      Namespace: 'EcsWatchdog',
      MetricName: 'InvalidEvents',
      Dimensions: [{ Name: 'service', Value: 'ecs-watchdog' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [ref(opsTopicId)],
    });
  });
});

describe('EcsWatchdog with settings', () => {
  it('subscribes the alert e-mail when given', () => {
    const { template } = synthWatchdog({ alertEmail: 'oncall@example.com' });
    template.resourceCountIs('AWS::SNS::Subscription', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  it('restricts the rule and the tag permission to the watched clusters', () => {
    const arn = 'arn:aws:ecs:eu-west-1:123456789012:cluster/batch';
    const synthesized = synthWatchdog({ clusters: ['prod', arn] });
    const rule = resourceOf(synthesized.template, synthesized.watchdog.taskStoppedRule);
    expect(rule.Properties.EventPattern.detail.clusterArn).toEqual([agnosticArn('ecs', 'cluster/prod'), arn]);
    const tags = policyStatements(synthesized).find((s) => actionsOf(s).includes('ecs:ListTagsForResource'));
    expect(tags.Resource).toEqual([
      agnosticArn('ecs', 'service/prod/*'),
      'arn:aws:ecs:eu-west-1:123456789012:service/batch/*',
      agnosticArn('ecs', 'task-definition/*'),
    ]);
  });

  it('passes team tag, budget, excerpt, muted categories and overrides to the handler', () => {
    const { template, watchdog } = synthWatchdog({
      teamTagKey: 'owner',
      enrichmentBudget: Duration.millis(1500),
      logExcerptLines: 0,
      mutedCategories: ['COMPLETED', 'USER_STOPPED'],
      severityOverrides: { HEALTH_CHECK_ELB: 'CRITICAL', TIMEOUT: 'LOW' },
      logRetention: logs.RetentionDays.ONE_WEEK,
    });
    expect(resourceOf(template, watchdog.taskStopped.function).Properties.Environment.Variables).toMatchObject({
      TEAM_TAG_KEY: 'owner',
      ENRICHMENT_BUDGET_MS: '1500',
      LOG_EXCERPT_LINES: '0',
      MUTED_CATEGORIES: 'COMPLETED,USER_STOPPED',
      SEVERITY_OVERRIDES: '{"HEALTH_CHECK_ELB":"CRITICAL","TIMEOUT":"LOW"}',
    });
    for (const logGroup of Object.values(template.findResources('AWS::Logs::LogGroup')) as Json[]) {
      expect(logGroup.Properties.RetentionInDays).toBe(7);
    }
  });

  it('uses an existing alert topic and a separate ops topic', () => {
    const app = testApp();
    const stack = new Stack(app, 'TestStack');
    const alertTopic = sns.Topic.fromTopicArn(stack, 'Alerts', 'arn:aws:sns:eu-west-1:123456789012:alerts');
    const opsTopic = sns.Topic.fromTopicArn(stack, 'Ops', 'arn:aws:sns:eu-west-1:123456789012:ops');
    new EcsWatchdog(stack, 'Watchdog', { alertTopic, opsTopic });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function')) as Json[]) {
      const { ALERT_TOPIC_ARN, OPS_TOPIC_ARN } = fn.Properties.Environment.Variables;
      expect(ALERT_TOPIC_ARN ?? OPS_TOPIC_ARN).toBe(
        ALERT_TOPIC_ARN ? 'arn:aws:sns:eu-west-1:123456789012:alerts' : 'arn:aws:sns:eu-west-1:123456789012:ops',
      );
    }
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(2);
    for (const alarm of alarms)
      expect(alarm.Properties.AlarmActions).toEqual(['arn:aws:sns:eu-west-1:123456789012:ops']);
  });

  it.each([
    [{ alertEmail: 'foo' }, 'EcsWatchdog: alertEmail "foo" is not an e-mail address'],
    [{ clusters: ['a b'] }, 'EcsWatchdog: clusters: "a b"'],
    [{ teamTagKey: 'aws:team' }, 'EcsWatchdog: teamTagKey'],
    [{ enrichmentBudget: Duration.seconds(29) }, 'EcsWatchdog: enrichmentBudget'],
    [{ logExcerptLines: 500 }, 'EcsWatchdog: logExcerptLines must be an integer from 0 to 100, got 500'],
    [{ mutedCategories: ['OOM'] }, 'EcsWatchdog: mutedCategories: "OOM" is not a stop category (valid: '],
    // biome-ignore lint/suspicious/noExplicitAny: an untyped (context-fed) value
    [{ severityOverrides: { OOM_KILLED: 'URGENT' as any } }, 'EcsWatchdog: severityOverrides: "URGENT"'],
    [{ restartLoop: { threshold: 1 } }, 'EcsWatchdog: restartLoop.threshold must be an integer from 2 to 100, got 1'],
    [
      { restartLoop: { groupWait: Duration.minutes(16) } },
      'EcsWatchdog: restartLoop.groupWait must be whole seconds from 0 s to 15 min, got 960 s',
    ],
  ])('rejects bad configuration at synth: %j', (props, message) => {
    expect(() => synthWatchdog(props)).toThrow(message);
  });
});
