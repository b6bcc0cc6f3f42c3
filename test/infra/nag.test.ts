import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import type { EcsWatchdogProps } from '../../infra/ecs-watchdog.js';
import { WatchdogStack } from '../../infra/watchdog-stack.js';

afterAll(() => CloudAssembly.cleanupTemporaryDirectories());

const configurations: [string, EcsWatchdogProps][] = [
  ['defaults', {}],
  [
    'clusters by name and ARN, e-mail',
    { clusters: ['prod', 'arn:aws:ecs:eu-west-1:123456789012:cluster/batch'], alertEmail: 'oncall@example.com' },
  ],
  [
    'chat channels and PagerDuty (docs/routing.md)',
    {
      chatChannels: [
        { name: 'payments', slack: { workspaceId: 'T0123', channelId: 'C0123' }, teams: ['payments'] },
        { name: 'platform', microsoftTeams: { teamId: 'team', tenantId: 'tenant', channelId: 'channel' } },
      ],
      pagerDuty: {
        routingKeySecret: secretsmanager.Secret.fromSecretCompleteArn(
          new Stack(new App(), 'Secrets'),
          'RoutingKey',
          'arn:aws:secretsmanager:us-east-1:123456789012:secret:pagerduty/ecs-watchdog-AbCdEf',
        ),
      },
    },
  ],
];

describe('cdk-nag AwsSolutions', () => {
  it.each(configurations)('reports no unacknowledged finding, error or warning (%s)', (_name, watchdog) => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    new WatchdogStack(app, 'EcsWatchdog', { watchdog });
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(
      report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources[0]?.constructPath}`),
    ).toEqual([]);
  });

  it('passes synth with the plugin registered, as `cdk synth` runs it', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    new WatchdogStack(app, 'EcsWatchdog');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('fails synth on an unacknowledged error-level finding (the check is live)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new WatchdogStack(app, 'EcsWatchdog');
    stack.watchdog.taskStopped.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess'));
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM4/);
  });
});
