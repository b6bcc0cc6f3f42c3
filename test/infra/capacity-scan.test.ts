import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../infra/config.js';
import { EcsWatchdog, type EcsWatchdogProps } from '../../infra/ecs-watchdog.js';
import { WatchdogStack } from '../../infra/watchdog-stack.js';
import { type Json, testApp } from './helpers.js';

afterAll(() => CloudAssembly.cleanupTemporaryDirectories());

function synth(props?: EcsWatchdogProps) {
  const stack = new Stack(testApp(), 'TestStack');
  const watchdog = new EcsWatchdog(stack, 'Watchdog', props);
  return { stack, watchdog, template: Template.fromStack(stack) };
}

function scanStatements(template: Template, watchdog: EcsWatchdog): Json[] {
  const roleId = Stack.of(watchdog).getLogicalId(watchdog.capacityScan?.handler.role.node.defaultChild as never);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Json[];
  const policy = policies.find((p) => p.Properties.Roles.some((r: Json) => r.Ref === roleId));
  return policy.Properties.PolicyDocument.Statement;
}

describe('capacity scan construct', () => {
  const { template, watchdog, stack } = synth();
  const scan = watchdog.capacityScan;
  const functionId = stack.getLogicalId(scan?.handler.function.node.defaultChild as never);

  it('runs every 15 minutes by default, with retries and the dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: Match.anyValue(),
        }),
      ],
    });
  });

  it('gives the function 5 minutes and its configuration', () => {
    const fn = template.findResources('AWS::Lambda::Function')[functionId] as Json;
    expect(fn.Properties.Timeout).toBe(300);
    expect(fn.Properties.Environment.Variables).toMatchObject({
      FREE_IP_THRESHOLD: '25',
      TEAM_TAG_KEY: 'team',
      CAPACITY_METRICS_NAMESPACE: 'EcsWatchdog/Capacity',
      CLUSTER_ARNS: '',
      STATE_TABLE_NAME: { Ref: stack.getLogicalId(watchdog.incidents.table.node.defaultChild as never) },
    });
    expect(Object.keys(fn.Properties.Environment.Variables)).not.toContain('CAPACITY_STATE_TABLE');
  });

  it("keeps its state and its alerts' outbox in the watchdog's one state table, with only GetItem, PutItem and UpdateItem on it", () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const tableArn = { 'Fn::GetAtt': [stack.getLogicalId(watchdog.incidents.table.node.defaultChild as never), 'Arn'] };
    const dynamodb = scanStatements(template, watchdog).filter((s) =>
      [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')),
    );
    expect(dynamodb).toEqual([
      {
        Sid: 'KeepOpenIncidents',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: tableArn,
      },
    ]);
  });

  it('may call exactly what the scan calls (plus its own log group and the dead-letter queue, from WatchdogFunction)', () => {
    const statements = scanStatements(template, watchdog);
    const actions = statements.flatMap((s) => [s.Action].flat()).sort();
    expect(actions).toEqual([
      'cloudwatch:PutMetricData',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'ec2:DescribeInstanceTypes',
      'ec2:DescribeInstances',
      'ec2:DescribeSubnets',
      'ecs:DescribeClusters',
      'ecs:DescribeContainerInstances',
      'ecs:DescribeServiceDeployments',
      'ecs:DescribeServices',
      'ecs:ListClusters',
      'ecs:ListContainerInstances',
      'ecs:ListServices',
      'kms:Decrypt',
      'kms:GenerateDataKey*',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sns:Publish',
      'sqs:SendMessage',
      'sts:AssumeRole',
    ]);
    const metrics = statements.find((s) => s.Action === 'cloudwatch:PutMetricData');
    expect(metrics.Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': 'EcsWatchdog/Capacity' } });
  });

  it('limits ECS permissions to the watched clusters when they are configured', () => {
    const { template: t, watchdog: w } = synth({ clusters: ['prod'] });
    const statements = scanStatements(t, w);
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain('ecs:ListClusters');
    const list = statements.find((s) => s.Action === 'ecs:ListServices');
    expect(list.Condition.ArnEquals['ecs:cluster']).toBeDefined();
    const services = statements.find((s) => s.Action === 'ecs:DescribeServices');
    expect(JSON.stringify(services.Resource)).toContain(':service/prod/*');
    const fn = Object.values(t.findResources('AWS::Lambda::Function')).find(
      (f: Json) => 'FREE_IP_THRESHOLD' in (f.Properties.Environment?.Variables ?? {}),
    ) as Json;
    expect(JSON.stringify(fn.Properties.Environment.Variables.CLUSTER_ARNS)).toContain(':cluster/prod');
  });

  it('takes a schedule and a threshold, and can be turned off', () => {
    const { template: custom } = synth({ capacityScan: { schedule: Duration.minutes(30), freeIpThreshold: 50 } });
    custom.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(30 minutes)' });
    custom.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ FREE_IP_THRESHOLD: '50' }) },
    });
    const { template: off, watchdog: offWatchdog } = synth({ capacityScan: { enabled: false } });
    expect(offWatchdog.capacityScan).toBeUndefined();
    // task stops, deployments, service actions, the outbox sweep, the alarm relay.
    off.resourceCountIs('AWS::Events::Rule', 5);
    // The state table is the incidents' too: it stays.
    off.resourceCountIs('AWS::DynamoDB::Table', 1);
  });
});

describe('capacityScan settings', () => {
  it('has documented defaults', () => {
    const settings = resolveSettings({});
    expect(settings.capacityScanEnabled).toBe(true);
    expect(settings.capacityScanSchedule).toBe(15 * 60_000);
    expect(settings.freeIpThreshold).toBe(25);
  });

  it('fails the synth naming the bad setting', () => {
    expect(() => synth({ capacityScan: { schedule: Duration.hours(48) } })).toThrow('capacityScan.schedule');
  });
});

describe('cdk-nag', () => {
  it.each<[string, EcsWatchdogProps]>([
    ['defaults', {}],
    ['clusters by name and ARN', { clusters: ['prod', 'arn:aws:ecs:eu-west-1:123456789012:cluster/batch'] }],
  ])('reports no unacknowledged finding for the capacity scan (%s)', (_name, props) => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    new WatchdogStack(app, 'EcsWatchdog', { watchdog: props });
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const ours = report.violations.filter((v) =>
      v.violatingResources.some((r) => r.constructPath?.includes('CapacityScan')),
    );
    expect(ours.map((v) => `${v.ruleName}: ${v.violatingResources[0]?.constructPath}`)).toEqual([]);
  });
});
