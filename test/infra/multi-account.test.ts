import { type App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { EcsWatchdog, taskStoppedPattern } from '../../infra/ecs-watchdog.js';
import { EcsWatchdogForwarder, type EcsWatchdogForwarderProps } from '../../infra/ecs-watchdog-forwarder.js';
import { addMemberStacks } from '../../infra/member-stack.js';
import { deploymentPattern, serviceActionPattern } from '../../infra/rollout-watch.js';
import { WatchdogStack } from '../../infra/watchdog-stack.js';
import { sdkCalls } from '../support/sdk-calls';
import { actionsOf, defined, type Json, resourceOf, roleStatements, synthWatchdog, testApp } from './helpers.js';

afterAll(() => CloudAssembly.cleanupTemporaryDirectories());

const CENTRAL = '999999999999';
const MEMBERS = ['111111111111', '222222222222'];
const ORG = 'o-abcdefghij';
const resolve = (stack: Stack, value: unknown) => stack.resolve(value);
const text = (stack: Stack, value: unknown) => JSON.stringify(resolve(stack, value));

function member(props: Partial<EcsWatchdogForwarderProps> = {}) {
  const app = testApp();
  const stack = new Stack(app, 'Member', { env: { account: '111111111111', region: 'eu-west-1' } });
  const forwarder = new EcsWatchdogForwarder(stack, 'Forwarder', {
    centralAccount: CENTRAL,
    centralRegion: 'us-east-1',
    ...props,
  });
  return { stack, forwarder, template: Template.fromStack(stack) };
}

function nagViolations(app: App): string[] {
  const report = new AwsSolutionsChecks(app).validateScope(app);
  return report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources[0]?.constructPath}`);
}

describe('the central bus policy', () => {
  it('lets the listed member accounts put only ECS events of the three kinds on the default bus', () => {
    const { stack, watchdog } = synthWatchdog({ memberAccounts: MEMBERS });
    const policy = resolve(stack, defined(watchdog.memberAccess.busPolicy).statement) as Json;
    expect(policy.Action).toBe('events:PutEvents');
    expect(JSON.stringify(policy.Resource)).toContain(':event-bus/default');
    expect(JSON.stringify(policy.Principal)).toContain(':iam::111111111111:root');
    expect(JSON.stringify(policy.Principal)).toContain(':iam::222222222222:root');
    expect(policy.Condition).toEqual({
      StringEquals: {
        'events:source': ['aws.ecs'],
        'events:detail-type': ['ECS Task State Change', 'ECS Deployment State Change', 'ECS Service Action'],
      },
    });
  });

  it('lets every account of an organization in, by aws:PrincipalOrgID', () => {
    const { stack, watchdog } = synthWatchdog({ organizationId: ORG });
    const policy = resolve(stack, defined(watchdog.memberAccess.busPolicy).statement) as Json;
    expect(policy.Principal).toBe('*');
    expect(policy.Condition.StringEquals['aws:PrincipalOrgID']).toBe(ORG);
    expect(policy.Condition.StringEquals['events:source']).toEqual(['aws.ecs']);
  });

  it('has no bus policy for a single account, whose rules match only its own events', () => {
    const { stack, watchdog, template } = synthWatchdog();
    expect(watchdog.memberAccess.busPolicy).toBeUndefined();
    template.resourceCountIs('AWS::Events::EventBusPolicy', 0);
    expect(text(stack, watchdog.memberAccess.ruleAccounts)).toBe('[{"Ref":"AWS::AccountId"}]');
  });

  it('matches the members in every rule; any account of an organization', () => {
    const listed = synthWatchdog({ memberAccounts: MEMBERS });
    const rule = resourceOf(listed.template, listed.watchdog.taskStoppedRule).Properties.EventPattern;
    expect(rule.account).toEqual([{ Ref: 'AWS::AccountId' }, ...MEMBERS]);
    const org = synthWatchdog({ organizationId: ORG });
    for (const r of [
      org.watchdog.taskStoppedRule,
      org.watchdog.rolloutWatch.deploymentRule,
      org.watchdog.rolloutWatch.serviceActionRule,
    ]) {
      expect(resourceOf(org.template, r).Properties.EventPattern.account).toBeUndefined();
    }
  });
});

describe('the central lookup functions', () => {
  const { stack, watchdog, template } = synthWatchdog({ memberAccounts: MEMBERS });
  const lookups = [watchdog.taskStopped, watchdog.rolloutWatch.handler, defined(watchdog.capacityScan).handler];

  it.each(lookups.map((fn) => [fn.node.path, fn] as const))(
    '%s: role on the path the member roles trust, may assume only the member roles',
    (_path, fn) => {
      expect(resourceOf(template, fn.role).Properties.Path).toBe('/ecs-watchdog-central/');
      const assume = roleStatements(template, fn.role).filter((s: Json) => actionsOf(s).includes('sts:AssumeRole'));
      expect(assume).toHaveLength(1);
      const resources = JSON.stringify(assume[0].Resource);
      for (const account of MEMBERS)
        expect(resources).toContain(`:iam::${account}:role/ecs-watchdog/ecs-watchdog-member`);
      expect(resources).not.toContain('*');
      expect(text(stack, resourceOf(template, fn.function).Properties.Environment.Variables.WATCHDOG_ACCOUNT)).toBe(
        '{"Ref":"AWS::AccountId"}',
      );
    },
  );

  it('the capacity scan is told the members and regions to scan', () => {
    const scan = synthWatchdog({ memberAccounts: MEMBERS, memberRegions: ['eu-west-1', 'us-east-1'] });
    const env = resourceOf(scan.template, defined(scan.watchdog.capacityScan).handler.function).Properties.Environment
      .Variables;
    expect(env.MEMBER_ACCOUNTS).toBe('111111111111,222222222222');
    expect(env.MEMBER_REGIONS).toBe('eu-west-1,us-east-1');
  });

  it('in an organization, may assume the member role of its accounts only (aws:ResourceOrgID)', () => {
    const org = synthWatchdog({ organizationId: ORG });
    const statement = roleStatements(org.template, org.watchdog.taskStopped.role).find(
      (s: Json) => s.Sid === 'AssumeOrganizationMemberRoles',
    );
    expect(statement.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': ORG } });
  });
});

describe('a watched cluster no member entry covers fails the synth naming the setting', () => {
  const inStack = (props: ConstructorParameters<typeof EcsWatchdog>[2]) => () => {
    const stack = new Stack(testApp(), 'Central', { env: { account: CENTRAL, region: 'us-east-1' } });
    new EcsWatchdog(stack, 'Watchdog', props);
  };

  it('an account neither this one nor a member', () => {
    expect(inStack({ clusters: ['arn:aws:ecs:us-east-1:333333333333:cluster/prod'] })).toThrow(
      /clusters: .*333333333333.* no member entry covers .*-c memberAccounts/,
    );
    expect(inStack({ memberAccounts: MEMBERS, clusters: ['arn:aws:ecs:us-east-1:333333333333:cluster/prod'] })).toThrow(
      /-c memberAccounts/,
    );
  });

  it('a region neither this one nor a member region', () => {
    expect(inStack({ memberAccounts: MEMBERS, clusters: ['arn:aws:ecs:eu-west-1:111111111111:cluster/prod'] })).toThrow(
      /clusters: .*region eu-west-1.* no member entry covers .*-c memberRegions/,
    );
  });

  it('accepts the clusters of members in member regions, and of any account of the organization', () => {
    expect(
      inStack({
        memberAccounts: MEMBERS,
        memberRegions: ['eu-west-1'],
        clusters: ['arn:aws:ecs:eu-west-1:111111111111:cluster/prod', `arn:aws:ecs:us-east-1:${CENTRAL}:cluster/home`],
      }),
    ).not.toThrow();
    expect(
      inStack({ organizationId: ORG, clusters: ['arn:aws:ecs:us-east-1:444444444444:cluster/prod'] }),
    ).not.toThrow();
  });

  it('names the -c key of a malformed member setting', () => {
    expect(inStack({ memberRegions: ['mars-1'] })).toThrow(
      /memberRegions: "mars-1" is not an AWS region.*-c memberRegions/,
    );
    expect(inStack({ organizationId: 'org-1' })).toThrow(/organizationId .*-c organizationId/);
    expect(inStack({ accountNames: { '1234': 'x' } })).toThrow(/accountNames.*-c accountNames/);
  });
});

describe('EcsWatchdogForwarder', () => {
  it("forwards the three kinds with the central rules' own patterns, this account's events only", () => {
    const { stack, forwarder, template } = member();
    const patterns = forwarder.rules.map((rule) => resourceOf(template, rule).Properties.EventPattern);
    const central = [taskStoppedPattern(), deploymentPattern(), serviceActionPattern()].map((pattern) => {
      const { detailType, ...rest } = pattern as Json;
      return { ...rest, 'detail-type': detailType, account: [stack.account] };
    });
    expect(patterns).toEqual(central);
  });

  it("targets the central account's default bus with a role that may only put events there", () => {
    const { forwarder, template } = member();
    for (const rule of forwarder.rules) {
      const [target] = resourceOf(template, rule).Properties.Targets;
      expect(JSON.stringify(target.Arn)).toContain(`:events:us-east-1:${CENTRAL}:event-bus/default`);
      expect(target.RoleArn).toBeDefined();
      expect(target.DeadLetterConfig).toBeDefined();
    }
    const roles = Object.values(template.findResources('AWS::IAM::Policy')).filter((p: Json) =>
      JSON.stringify(p).includes('events:PutEvents'),
    ) as Json[];
    expect(roles).toHaveLength(1);
    const statements = roles[0].Properties.PolicyDocument.Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe('events:PutEvents');
    expect(JSON.stringify(statements[0].Resource)).toContain(`:events:us-east-1:${CENTRAL}:event-bus/default`);
  });

  it('needs the central account and region, naming each -c key', () => {
    expect(() => member({ centralRegion: undefined })).toThrow(/centralRegion is required \(-c centralRegion\)/);
    expect(() => member({ centralAccount: '99' })).toThrow(/centralAccount .*-c centralAccount/);
  });
});

describe('the member role', () => {
  it('is trusted only by the central lookup roles, with the external id (and the organization when given)', () => {
    const { stack, forwarder, template } = member({ organizationId: ORG });
    const role = resourceOf(template, defined(forwarder.memberRole).role).Properties;
    expect(role.RoleName).toBe('ecs-watchdog-member');
    expect(role.Path).toBe('/ecs-watchdog/');
    const [trust, ...others] = role.AssumeRolePolicyDocument.Statement;
    expect(others).toEqual([]);
    expect(trust.Action).toBe('sts:AssumeRole');
    expect(JSON.stringify(trust.Principal)).toContain(`:iam::${CENTRAL}:root`);
    expect(text(stack, trust.Condition.ArnLike['aws:PrincipalArn'])).toContain(
      `:iam::${CENTRAL}:role/ecs-watchdog-central/*`,
    );
    expect(trust.Condition.StringEquals).toEqual({
      'aws:PrincipalOrgID': ORG,
      'sts:ExternalId': `ecs-watchdog-${CENTRAL}`,
    });
    expect(member({ externalId: 'ops-42' }).template.toJSON().Resources).toBeDefined();
    const custom = member({ externalId: 'ops-42' });
    const customTrust = resourceOf(custom.template, defined(custom.forwarder.memberRole).role).Properties
      .AssumeRolePolicyDocument.Statement[0];
    expect(customTrust.Condition.StringEquals).toEqual({ 'sts:ExternalId': 'ops-42' });
  });

  it('grants exactly the reads the central lookup functions make, nothing they do in the central account', () => {
    const { forwarder, template } = member();
    const granted = new Set(roleStatements(template, defined(forwarder.memberRole).role).flatMap(actionsOf));
    // What the lookup entries call, except what they do with their own role in the central account.
    const central = /^(sns|dynamodb|sqs|sts):|^cloudwatch:PutMetricData$/;
    const called = new Set(
      ['task-stopped', 'rollout', 'capacity-scan']
        .flatMap((entry) => [...sdkCalls(entry).keys()])
        .filter((a) => !central.test(a)),
    );
    expect([...granted].sort()).toEqual([...called].sort());
    for (const action of granted) expect(action).toMatch(/:(Describe|List|Get)/);
  });

  it("scopes resources to the member's account, and regions to memberRegions", () => {
    const { stack, forwarder, template } = member({ memberRegions: ['eu-west-1', 'us-east-1'] });
    for (const statement of roleStatements(template, defined(forwarder.memberRole).role)) {
      for (const resource of [statement.Resource].flat()) {
        if (resource !== '*') expect(text(stack, resource)).toContain(':111111111111:');
      }
      expect(statement.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } });
    }
  });

  it('is created once per account: in the first region of a list only', () => {
    const app = testApp();
    const stacks = addMemberStacks(app, {
      centralAccount: CENTRAL,
      centralRegion: 'eu-west-1',
      memberRegions: ['eu-west-1', 'us-east-1'],
    });
    expect(stacks.map((s) => [s.stackName, s.region, s.forwarder.memberRole !== undefined])).toEqual([
      ['EcsWatchdogMember-eu-west-1', 'eu-west-1', true],
      ['EcsWatchdogMember-us-east-1', 'us-east-1', false],
    ]);
    // No bootstrap needed in a member account (a StackSet can deploy it): no bootstrap version parameter or rule.
    const template = Template.fromStack(stacks[0] as Stack).toJSON();
    expect([template.Parameters, template.Rules]).toEqual([undefined, undefined]);
  });
});

describe('cdk-nag AwsSolutions, many accounts', () => {
  it.each([
    ['member, one stack', { centralAccount: CENTRAL, centralRegion: 'eu-west-1' }],
    [
      'member, per region, organization',
      {
        centralAccount: CENTRAL,
        centralRegion: 'eu-west-1',
        memberRegions: ['eu-west-1', 'us-east-1'],
        organizationId: ORG,
      },
    ],
  ] as [string, EcsWatchdogForwarderProps][])('%s: no unacknowledged finding', (_name, forwarder) => {
    const app = testApp();
    addMemberStacks(app, forwarder);
    expect(nagViolations(app)).toEqual([]);
  });

  it.each([
    ['central, listed members', { memberAccounts: MEMBERS, memberRegions: ['us-east-1', 'eu-west-1'] }],
    ['central, organization', { organizationId: ORG, accountNames: { '111111111111': 'payments-prod' } }],
  ])('%s: no unacknowledged finding', (_name, watchdog) => {
    const app = testApp();
    new WatchdogStack(app, 'EcsWatchdog', { watchdog });
    expect(nagViolations(app)).toEqual([]);
  });
});
