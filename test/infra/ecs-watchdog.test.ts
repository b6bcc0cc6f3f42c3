import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, describe, expect, it } from 'vitest';
import { EcsWatchdog } from '../../infra/ecs-watchdog.js';
import { type Json, onlyResource, synthWatchdog, testApp } from './helpers.js';

afterAll(() => CloudAssembly.cleanupTemporaryDirectories());

const ref = (logicalId: string) => ({ Ref: logicalId });
const logicalIdOf = (template: ReturnType<typeof synthWatchdog>['template'], type: string): string => {
  const ids = Object.keys(template.findResources(type));
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
  return ids[0] as string;
};

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

function policyStatements(template: ReturnType<typeof synthWatchdog>['template']): Json[] {
  return onlyResource(template, 'AWS::IAM::Policy').Properties.PolicyDocument.Statement;
}

function actionsOf(statement: Json): string[] {
  return [statement.Action].flat();
}

describe('EcsWatchdog with defaults', () => {
  const { template } = synthWatchdog();
  const topicId = logicalIdOf(template, 'AWS::SNS::Topic');
  const keyId = logicalIdOf(template, 'AWS::KMS::Key');
  const queueId = logicalIdOf(template, 'AWS::SQS::Queue');
  const functionId = logicalIdOf(template, 'AWS::Lambda::Function');

  it('creates an alert topic encrypted with a rotating customer managed key', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
  });

  it('lets CloudWatch alarms use the topic key', () => {
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

  it('creates no e-mail subscription unless asked', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('runs the task-stopped handler on Node.js 24, arm64, 256 MB, 30 s', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 30,
      Handler: 'index.handler',
    });
  });

  it('passes the settings in the environment', () => {
    const fn = onlyResource(template, 'AWS::Lambda::Function');
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
    });
  });

  it('gives the function its own log group, kept one month', () => {
    const logGroupId = logicalIdOf(template, 'AWS::Logs::LogGroup');
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: ref(logGroupId) } });
  });

  it('does not attach AWSLambdaBasicExecutionRole', () => {
    const role = onlyResource(template, 'AWS::IAM::Role');
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
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
    const logGroupId = logicalIdOf(template, 'AWS::Logs::LogGroup');
    const statements = policyStatements(template).map((s) => ({ actions: actionsOf(s).sort(), resource: s.Resource }));
    expect(statements).toEqual(
      expect.arrayContaining([
        { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
        {
          actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
        },
        { actions: ['sns:Publish'], resource: ref(topicId) },
        { actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resource: { 'Fn::GetAtt': [keyId, 'Arn'] } },
        { actions: ['ecs:DescribeTaskDefinition'], resource: '*' },
        { actions: ['ecs:ListTagsForResource'], resource: agnosticArn('ecs', 'service/*') },
        { actions: ['ecs:DescribeClusters'], resource: agnosticArn('ecs', 'cluster/*') },
        { actions: ['logs:GetLogEvents'], resource: agnosticArn('logs', 'log-group:*:log-stream:*') },
        { actions: ['cloudwatch:GetMetricData'], resource: '*' },
      ]),
    );
    const allActions = policyStatements(template).flatMap(actionsOf).sort();
    expect(allActions).toEqual([
      'cloudwatch:GetMetricData',
      'ecs:DescribeClusters',
      'ecs:DescribeTaskDefinition',
      'ecs:ListTagsForResource',
      'kms:Decrypt',
      'kms:GenerateDataKey*',
      'logs:CreateLogStream',
      'logs:GetLogEvents',
      'logs:PutLogEvents',
      'sns:Publish',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    for (const statement of policyStatements(template)) expect(statement.Effect).toBe('Allow');
  });

  it('has an encrypted, TLS-only dead-letter queue that keeps messages 14 days', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
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

  it('lets only the rule send its undeliverable events to the dead-letter queue', () => {
    const ruleId = logicalIdOf(template, 'AWS::Events::Rule');
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  it('targets the function with the maximum retry policy and the dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 24 * 3600 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        }),
      ],
    });
  });

  it('alarms on the first dead-lettered message, notifying the alert topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [ref(topicId)],
    });
  });

  it('alarms on the first invalid event reported by the handler', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'EcsWatchdog',
      MetricName: 'InvalidEvents',
      Dimensions: [{ Name: 'service', Value: 'ecs-watchdog' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [ref(topicId)],
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
    const { template } = synthWatchdog({ clusters: ['prod', arn] });
    const rule = onlyResource(template, 'AWS::Events::Rule');
    expect(rule.Properties.EventPattern.detail.clusterArn).toEqual([agnosticArn('ecs', 'cluster/prod'), arn]);
    const tags = policyStatements(template).find((s) => actionsOf(s).includes('ecs:ListTagsForResource'));
    expect(tags.Resource).toEqual([
      agnosticArn('ecs', 'service/prod/*'),
      'arn:aws:ecs:eu-west-1:123456789012:service/batch/*',
    ]);
  });

  it('passes team tag, budget, excerpt, muted categories and overrides to the handler', () => {
    const { template } = synthWatchdog({
      teamTagKey: 'owner',
      enrichmentBudget: Duration.millis(1500),
      logExcerptLines: 0,
      mutedCategories: ['COMPLETED', 'USER_STOPPED'],
      severityOverrides: { HEALTH_CHECK_ELB: 'CRITICAL', TIMEOUT: 'LOW' },
      logRetention: logs.RetentionDays.ONE_WEEK,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          TEAM_TAG_KEY: 'owner',
          ENRICHMENT_BUDGET_MS: '1500',
          LOG_EXCERPT_LINES: '0',
          MUTED_CATEGORIES: 'COMPLETED,USER_STOPPED',
          SEVERITY_OVERRIDES: '{"HEALTH_CHECK_ELB":"CRITICAL","TIMEOUT":"LOW"}',
        }),
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
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
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:alerts' }) },
    });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(2);
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
  ])('rejects bad configuration at synth: %j', (props, message) => {
    expect(() => synthWatchdog(props)).toThrow(message);
  });
});
