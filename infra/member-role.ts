import { ArnFormat, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  CENTRAL_LOOKUP_ROLE_PATH,
  MEMBER_ROLE_NAME,
  MEMBER_ROLE_PATH,
} from '../lambdas/domain/accounts/member-accounts.js';

export interface MemberRoleProps {
  readonly centralAccount: string;
  /** Trust only principals of this organization (`aws:PrincipalOrgID`). */
  readonly organizationId?: string;
  /** Require this external id (`sts:ExternalId`). */
  readonly externalId: string;
  /** Allow the lookups in these regions only (`aws:RequestedRegion`); undefined: any region. */
  readonly regions?: readonly string[];
}

/**
 * The read-only role of a member account that the central watchdog's lookup functions assume (README
 * "Many accounts and regions"): exactly the reads of task-stopped (enrichment, health checks), rollout
 * (rollout stories, placement diagnoses) and capacity-scan, on this account's resources. Trusted only by
 * roles on the central lookup path of the central account, within the organization or with the external id.
 */
export class MemberRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: MemberRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const central = `arn:${stack.partition}:iam::${props.centralAccount}:role${CENTRAL_LOOKUP_ROLE_PATH}*`;
    this.role = new iam.Role(this, 'Role', {
      roleName: MEMBER_ROLE_NAME,
      path: MEMBER_ROLE_PATH,
      description: 'ECS Watchdog: read-only lookups of the central watchdog in this account',
      assumedBy: new iam.AccountPrincipal(props.centralAccount).withConditions({
        ArnLike: { 'aws:PrincipalArn': central },
        StringEquals: {
          ...(props.organizationId ? { 'aws:PrincipalOrgID': props.organizationId } : {}),
          'sts:ExternalId': props.externalId,
        },
      }),
    });
    const arn = (service: string, resource: string, format = ArnFormat.SLASH_RESOURCE_NAME) =>
      stack.formatArn({ service, region: '*', resource, resourceName: '*', arnFormat: format });
    const regions = props.regions && { StringEquals: { 'aws:RequestedRegion': [...props.regions] } };
    const statements: iam.PolicyStatementProps[] = [
      {
        sid: 'ReadEcsWithoutResourceTypes',
        // DescribeTaskDefinition and ListClusters have no resource type; ListTasks and ListServices are
        // narrowed by ecs:cluster only, which the central watchdog cannot know for a member.
        actions: ['ecs:DescribeTaskDefinition', 'ecs:ListClusters', 'ecs:ListServices', 'ecs:ListTasks'],
        resources: ['*'],
      },
      {
        sid: 'ReadClusters',
        actions: ['ecs:DescribeClusters', 'ecs:ListContainerInstances'],
        resources: [arn('ecs', 'cluster')],
      },
      {
        sid: 'ReadServices',
        actions: ['ecs:DescribeServices', 'ecs:ListTagsForResource'],
        resources: [arn('ecs', 'service')],
      },
      {
        sid: 'ReadTaskDefinitionTags',
        actions: ['ecs:ListTagsForResource'],
        resources: [arn('ecs', 'task-definition')],
      },
      { sid: 'ReadTasks', actions: ['ecs:DescribeTasks'], resources: [arn('ecs', 'task')] },
      {
        sid: 'ReadServiceDeployments',
        actions: ['ecs:DescribeServiceDeployments'],
        resources: [arn('ecs', 'service-deployment')],
      },
      {
        sid: 'ReadContainerInstances',
        actions: ['ecs:DescribeContainerInstances'],
        resources: [arn('ecs', 'container-instance')],
      },
      {
        sid: 'ReadContainerLogs',
        actions: ['logs:GetLogEvents'],
        resources: [
          stack.formatArn({
            service: 'logs',
            region: '*',
            resource: 'log-group',
            resourceName: '*:log-stream:*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      },
      {
        sid: 'ReadWithoutResourceTypes',
        actions: [
          'cloudwatch:GetMetricData',
          'elasticloadbalancing:DescribeLoadBalancers',
          'elasticloadbalancing:DescribeTargetGroups',
          'elasticloadbalancing:DescribeTargetHealth',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeSubnets',
          'ec2:DescribeInstanceTypes',
          'ec2:DescribeInstances',
        ],
        resources: ['*'],
      },
    ];
    for (const statement of statements) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ ...statement, ...(regions ? { conditions: regions } : {}) }),
      );
    }
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    const nag = (service: string, resource: string) => `arn:${partition}:${service}:*:<AWS::AccountId>:${resource}`;
    Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'ecs:DescribeTaskDefinition, ecs:ListClusters, cloudwatch:GetMetricData, elasticloadbalancing:Describe* and the ' +
          'ec2:Describe* calls support no resource-level permissions; ecs:ListServices and ecs:ListTasks only an ' +
          'ecs:cluster condition, and the clusters of a member are not known to it. All read-only.',
      },
      ...[
        ['ecs', 'cluster/*', 'the clusters of this account the central watchdog watches (any, as it decides)'],
        ['ecs', 'service/*', 'the services whose tasks stop or deploy, and their team tags'],
        ['ecs', 'task-definition/*', 'the team tag of the task definition of a standalone task'],
        ['ecs', 'task/*', 'the stopped tasks of a failed deployment'],
        ['ecs', 'service-deployment/*', 'the lifecycle hooks of a deploying service, for the capacity scan'],
        [
          'ecs',
          'container-instance/*',
          'remaining CPU, memory and ports for placement diagnoses and the capacity scan',
        ],
        [
          'logs',
          'log-group:*:log-stream:*',
          'the log stream of the container that stopped, in any log group a team chose',
        ],
      ].map(([service, resource, what]) => ({
        id: `AwsSolutions-IAM5[Resource::${nag(service as string, resource as string)}]`,
        reason: `Read-only: ${what}. Resources of this account only, in the regions it forwards from.`,
      })),
    );
  }
}
