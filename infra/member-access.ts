import { Aws, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { MEMBER_ROLE_NAME, MEMBER_ROLE_PATH, memberRoleArn } from '../lambdas/domain/accounts/member-accounts.js';
import { RESOURCE_ENV, type SettingName } from '../lambdas/domain/settings/settings.js';
import type { WatchdogSettings } from './config.js';
import type { WatchdogFunction } from './watchdog-function.js';

/** The settings every function that looks up member accounts reads (besides its own). */
export const MEMBER_LOOKUP_SETTINGS = ['externalId', 'accountNames'] as const satisfies readonly SettingName[];

/** The ECS events members forward (README "Many accounts and regions"); the bus policy accepts only these. */
export const FORWARDED_DETAIL_TYPES = ['ECS Task State Change', 'ECS Deployment State Change', 'ECS Service Action'];

export interface MemberAccessProps {
  readonly settings: Pick<WatchdogSettings, 'memberAccounts' | 'organizationId'>;
}

/**
 * The central side of many accounts (README "Many accounts and regions"): the default bus's policy
 * letting the member accounts (or the organization) put their ECS events here, the accounts the rules
 * match, and each lookup function's right to assume the member role (`EcsWatchdogForwarder`).
 */
export class MemberAccess extends Construct {
  /** Accounts the rules match: this one and the members; undefined (any) for an organization. */
  readonly ruleAccounts: string[] | undefined;
  /** The default bus's policy for the members; undefined for a single account. */
  readonly busPolicy?: events.CfnEventBusPolicy;

  private readonly memberAccounts: readonly string[];
  private readonly organizationId?: string;

  constructor(scope: Construct, id: string, props: MemberAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.memberAccounts = props.settings.memberAccounts ?? [];
    this.organizationId = props.settings.organizationId;
    this.ruleAccounts = this.organizationId ? undefined : [...new Set([stack.account, ...this.memberAccounts])];
    const principal = this.organizationId
      ? { Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': this.organizationId } } }
      : this.memberAccounts.length > 0
        ? { Principal: { AWS: this.memberAccounts.map((account) => `arn:${Aws.PARTITION}:iam::${account}:root`) } }
        : undefined;
    if (principal) {
      this.busPolicy = new events.CfnEventBusPolicy(this, 'MemberEvents', {
        statementId: 'EcsWatchdogMemberEvents',
        statement: {
          Sid: 'EcsWatchdogMemberEvents',
          Effect: 'Allow',
          Action: 'events:PutEvents',
          Resource: stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' }),
          ...principal,
          Condition: {
            ...principal.Condition,
            // Only ECS's own events of the three kinds the watchdog handles.
            StringEquals: {
              ...principal.Condition?.StringEquals,
              'events:source': ['aws.ecs'],
              'events:detail-type': FORWARDED_DETAIL_TYPES,
            },
          },
        },
      });
    }
  }

  /**
   * Lets a lookup function assume the member role of each member account (of the organization's
   * accounts, by `aws:ResourceOrgID`), and of this account for its other regions; tells it its account.
   */
  grantLookups(fn: WatchdogFunction): void {
    const stack = Stack.of(this);
    const accounts = [stack.account, ...this.memberAccounts];
    fn.function.addEnvironment(RESOURCE_ENV.homeAccount, stack.account);
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeMemberRoles',
        actions: ['sts:AssumeRole'],
        resources: accounts.map((account) => memberRoleArn(account, Aws.PARTITION)),
      }),
    );
    if (!this.organizationId) return;
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeOrganizationMemberRoles',
        actions: ['sts:AssumeRole'],
        resources: [`arn:${Aws.PARTITION}:iam::*:role${MEMBER_ROLE_PATH}${MEMBER_ROLE_NAME}`],
        conditions: { StringEquals: { 'aws:ResourceOrgID': this.organizationId } },
      }),
    );
    Validations.of(fn.role.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role${MEMBER_ROLE_PATH}${MEMBER_ROLE_NAME}]`,
      reason:
        'The member role of every account of the organization (organizationId): one role name, in accounts not ' +
        'known at deploy time, limited to the organization by aws:ResourceOrgID. Its own policy is read-only.',
    });
  }
}
