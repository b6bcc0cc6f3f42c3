import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, describe, expect, it } from 'vitest';
import { deploymentPattern, serviceActionPattern } from '../../infra/rollout-watch.js';
import { type Json, matchesPattern, synthWatchdog } from './helpers.js';

afterAll(() => CloudAssembly.cleanupTemporaryDirectories());

function rule(template: ReturnType<typeof synthWatchdog>['template'], detailType: string): Json {
  const found = Object.values(template.findResources('AWS::Events::Rule')).filter((r: Json) =>
    r.Properties.EventPattern?.['detail-type']?.includes(detailType),
  );
  expect(found).toHaveLength(1);
  return found[0];
}

function rolloutFunctionId(template: ReturnType<typeof synthWatchdog>['template']): string {
  const ids = Object.entries(template.findResources('AWS::Lambda::Function'))
    .filter(([, fn]: [string, Json]) => fn.Properties.Description?.includes('failed deployments'))
    .map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

describe('RolloutWatch', () => {
  const { template } = synthWatchdog();
  const functionId = rolloutFunctionId(template);

  it('routes deployment and service-action events to the rollout function with the DLQ and retry policy', () => {
    for (const detailType of ['ECS Deployment State Change', 'ECS Service Action']) {
      const target = rule(template, detailType).Properties.Targets[0];
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
    expect(rule(template, 'ECS Deployment State Change').Properties.EventPattern).toEqual({
      source: ['aws.ecs'],
      'detail-type': ['ECS Deployment State Change'],
    });
    expect(rule(template, 'ECS Service Action').Properties.EventPattern).toEqual({
      source: ['aws.ecs'],
      'detail-type': ['ECS Service Action'],
      detail: { $or: [{ eventType: ['WARN', 'ERROR'] }, { eventName: ['SERVICE_STEADY_STATE'] }] },
    });
  });

  it('restricts both rules to the watched clusters', () => {
    const arn = 'arn:aws:ecs:eu-west-1:123456789012:cluster/batch';
    const { template: scoped } = synthWatchdog({ clusters: [arn] });
    expect(rule(scoped, 'ECS Deployment State Change').Properties.EventPattern.resources).toEqual([
      { prefix: 'arn:aws:ecs:eu-west-1:123456789012:service/batch/' },
    ]);
    expect(rule(scoped, 'ECS Service Action').Properties.EventPattern.detail.clusterArn).toEqual([arn]);
  });

  it('grants exactly the calls the handler makes', () => {
    const role = Object.entries(template.findResources('AWS::IAM::Role')).find(([id]) => id.includes('RolloutWatch'));
    expect(role).toBeDefined();
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p: Json) =>
      p.Properties.Roles.some((r: Json) => r.Ref === role?.[0]),
    ) as Json;
    const actions = policy.Properties.PolicyDocument.Statement.flatMap((s: Json) => [s.Action].flat()).sort();
    expect(actions).toEqual([
      'ec2:DescribeInstanceTypes',
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
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
  });
});

describe('rollout rule patterns match the events they should', () => {
  const event = (detailType: string, detail: Json, resources: string[]) => ({
    source: 'aws.ecs',
    'detail-type': detailType,
    resources,
    detail,
  });
  const svc = 'arn:aws:ecs:eu-west-1:123456789012:service/prod/api';
  const cluster = 'arn:aws:ecs:eu-west-1:123456789012:cluster/prod';

  it.each([
    [{ eventType: 'WARN', eventName: 'SERVICE_TASK_START_IMPAIRED' }, true],
    [{ eventType: 'ERROR', eventName: 'SERVICE_TASK_PLACEMENT_FAILURE' }, true],
    [{ eventType: 'INFO', eventName: 'SERVICE_STEADY_STATE' }, true],
    [{ eventType: 'INFO', eventName: 'SERVICE_DESIRED_COUNT_UPDATED' }, false],
  ])('service action %j → %s', (detail, expected) => {
    const pattern = JSON.parse(JSON.stringify(serviceActionPattern([cluster])).replace('detailType', 'detail-type'));
    expect(matchesPattern(pattern, event('ECS Service Action', { ...detail, clusterArn: cluster }, [svc]))).toBe(
      expected,
    );
  });

  it('keeps deployment events of watched clusters only', () => {
    const pattern = JSON.parse(JSON.stringify(deploymentPattern()).replace('detailType', 'detail-type'));
    expect(matchesPattern(pattern, event('ECS Deployment State Change', { eventType: 'ERROR' }, [svc]))).toBe(true);
  });
});
