import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, describe, expect, it } from 'vitest';
import { actionsOf, type Json, logicalIdOf, resourceOf, roleStatements, synthWatchdog } from './helpers.js';

afterAll(() => CloudAssembly.cleanupTemporaryDirectories());

type Synthesized = ReturnType<typeof synthWatchdog>;

/** The rule for one detail type, selected through the RolloutWatch construct. */
function rule({ template, watchdog }: Synthesized, detailType: string): Json {
  const rules = {
    'ECS Deployment State Change': watchdog.rolloutWatch.deploymentRule,
    'ECS Service Action': watchdog.rolloutWatch.serviceActionRule,
  } as const;
  const found = resourceOf(template, rules[detailType as keyof typeof rules]);
  expect(found.Properties.EventPattern['detail-type']).toEqual([detailType]);
  return found;
}

describe('RolloutWatch', () => {
  const synthesized = synthWatchdog();
  const { template, watchdog } = synthesized;
  const functionId = logicalIdOf(watchdog.rolloutWatch.handler.function);

  it('routes deployment and service-action events to the rollout function with the DLQ and retry policy', () => {
    for (const detailType of ['ECS Deployment State Change', 'ECS Service Action']) {
      const target = rule(synthesized, detailType).Properties.Targets[0];
      expect(target.Arn).toEqual({ 'Fn::GetAtt': [functionId, 'Arn'] });
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 24 * 3600 });
      expect(target.DeadLetterConfig.Arn['Fn::GetAtt'][1]).toBe('Arn');
    }
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionId },
      MaximumRetryAttempts: 2,
    });
  });

  it('has exactly the rule patterns, for all clusters', () => {
    expect(rule(synthesized, 'ECS Deployment State Change').Properties.EventPattern).toEqual({
      source: ['aws.ecs'],
      account: [{ Ref: 'AWS::AccountId' }],
      'detail-type': ['ECS Deployment State Change'],
    });
    expect(rule(synthesized, 'ECS Service Action').Properties.EventPattern).toEqual({
      source: ['aws.ecs'],
      account: [{ Ref: 'AWS::AccountId' }],
      'detail-type': ['ECS Service Action'],
      detail: { $or: [{ eventType: ['WARN', 'ERROR'] }, { eventName: ['SERVICE_STEADY_STATE'] }] },
    });
  });

  it('restricts both rules to the watched clusters', () => {
    const arn = 'arn:aws:ecs:eu-west-1:123456789012:cluster/batch';
    const scoped = synthWatchdog({ clusters: [arn] });
    expect(rule(scoped, 'ECS Deployment State Change').Properties.EventPattern.resources).toEqual([
      { prefix: 'arn:aws:ecs:eu-west-1:123456789012:service/batch/' },
    ]);
    expect(rule(scoped, 'ECS Service Action').Properties.EventPattern.detail.clusterArn).toEqual([arn]);
  });

  it('grants exactly the calls the handler makes', () => {
    const statements = roleStatements(template, watchdog.rolloutWatch.handler.role);
    const actions = statements.flatMap(actionsOf).sort();
    expect(actions).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'ec2:DescribeInstanceTypes',
      'ec2:DescribeInstances',
      'ec2:DescribeSubnets',
      'ecs:DescribeContainerInstances',
      'ecs:DescribeServices',
      'ecs:DescribeTaskDefinition',
      'ecs:DescribeTasks',
      'ecs:ListContainerInstances',
      'ecs:ListTasks',
      'kms:Decrypt',
      'kms:GenerateDataKey*',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sns:Publish',
      'sqs:SendMessage',
      'sqs:SendMessage',
      'sts:AssumeRole',
    ]);
    const timerQueueArn = { 'Fn::GetAtt': [logicalIdOf(watchdog.incidents.timerQueue), 'Arn'] };
    const tableArn = { 'Fn::GetAtt': [logicalIdOf(watchdog.incidents.table), 'Arn'] };
    expect(statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))).toEqual([
      {
        Sid: 'TrackIncidents',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: tableArn,
      },
    ]);
    expect(statements.filter((s) => JSON.stringify(s.Resource) === JSON.stringify(timerQueueArn))).toEqual([
      { Sid: 'ArmTimers', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: timerQueueArn },
    ]);
  });
});
