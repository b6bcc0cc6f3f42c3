import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ElbReader, LOAD_BALANCING_CACHE_MS } from '../../lambdas/adapters/elb-reader';
import { SecurityGroupReader } from '../../lambdas/adapters/security-group-reader';
import { ServiceHealthReader } from '../../lambdas/adapters/service-health-reader';

const elbMock = mockClient(ElasticLoadBalancingV2Client);
const ec2Mock = mockClient(EC2Client);
const ecsMock = mockClient(ECSClient);
const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/orders-api-tg/1f2e3d4c5b6a7980';
const LB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/storefront-alb/50dc6c495c0c9188';

beforeEach(() => {
  elbMock.reset();
  ec2Mock.reset();
  ecsMock.reset();
});

/** A clock the test moves. */
function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('ElbReader', () => {
  // DescribeTargetGroups / DescribeTargetHealth / DescribeLoadBalancers output as the API reference documents it.
  beforeEach(() => {
    elbMock.on(DescribeTargetGroupsCommand).resolves({
      TargetGroups: [
        {
          TargetGroupArn: TG,
          TargetGroupName: 'orders-api-tg',
          Protocol: 'HTTP',
          Port: 8080,
          VpcId: 'vpc-1',
          HealthCheckProtocol: 'HTTP',
          HealthCheckPort: 'traffic-port',
          HealthCheckEnabled: true,
          HealthCheckIntervalSeconds: 10,
          HealthCheckTimeoutSeconds: 5,
          HealthyThresholdCount: 2,
          UnhealthyThresholdCount: 3,
          HealthCheckPath: '/health',
          Matcher: { HttpCode: '200-299' },
          LoadBalancerArns: [LB],
          TargetType: 'ip',
        },
      ],
    });
    elbMock.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        {
          Target: { Id: '10.0.0.52', Port: 8080, AvailabilityZone: 'us-east-1a' },
          HealthCheckPort: '8080',
          TargetHealth: {
            State: 'unhealthy',
            Reason: 'Target.ResponseCodeMismatch',
            Description: 'Health checks failed with these codes: [404]',
          },
        },
        { Target: { Id: '10.0.0.53', Port: 8080 }, HealthCheckPort: '8080', TargetHealth: { State: 'healthy' } },
      ],
    });
    elbMock.on(DescribeLoadBalancersCommand).resolves({
      LoadBalancers: [
        {
          LoadBalancerArn: LB,
          LoadBalancerName: 'storefront-alb',
          Type: 'application',
          SecurityGroups: ['sg-alb'],
          AvailabilityZones: [
            { ZoneName: 'us-east-1a', SubnetId: 'subnet-a' },
            { ZoneName: 'us-east-1b', SubnetId: 'subnet-b' },
          ],
        },
      ],
    });
  });

  it('maps the target group, its targets and load balancers', async () => {
    const reader = new ElbReader(new ElasticLoadBalancingV2Client({ region: 'us-east-1' }));
    expect(await reader.targetGroup(TG)).toEqual({
      arn: TG,
      name: 'orders-api-tg',
      protocol: 'HTTP',
      port: 8080,
      targetType: 'ip',
      healthCheck: {
        enabled: true,
        protocol: 'HTTP',
        port: 'traffic-port',
        path: '/health',
        matcher: '200-299',
        intervalSeconds: 10,
        timeoutSeconds: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
      loadBalancerArns: [LB],
    });
    expect(await reader.targetHealth(TG)).toEqual([
      {
        id: '10.0.0.52',
        port: 8080,
        state: 'unhealthy',
        reason: 'Target.ResponseCodeMismatch',
        description: 'Health checks failed with these codes: [404]',
      },
      { id: '10.0.0.53', port: 8080, state: 'healthy', reason: undefined, description: undefined },
    ]);
    expect(await reader.loadBalancers([LB])).toEqual([
      {
        arn: LB,
        name: 'storefront-alb',
        type: 'application',
        securityGroups: ['sg-alb'],
        subnetIds: ['subnet-a', 'subnet-b'],
      },
    ]);
    expect(elbMock.commandCalls(DescribeTargetGroupsCommand)[0]?.args[0].input).toEqual({ TargetGroupArns: [TG] });
  });

  it('keeps settings for a few minutes per instance, but reads target health every time', async () => {
    const time = clock();
    const reader = new ElbReader(new ElasticLoadBalancingV2Client({ region: 'us-east-1' }), time.now);
    await Promise.all([reader.targetGroup(TG), reader.targetGroup(TG), reader.loadBalancers([LB])]);
    await reader.loadBalancers([LB]);
    await reader.targetHealth(TG);
    await reader.targetHealth(TG);
    expect(elbMock.commandCalls(DescribeTargetGroupsCommand)).toHaveLength(1);
    expect(elbMock.commandCalls(DescribeLoadBalancersCommand)).toHaveLength(1);
    expect(elbMock.commandCalls(DescribeTargetHealthCommand)).toHaveLength(2);
    time.advance(LOAD_BALANCING_CACHE_MS);
    await reader.targetGroup(TG);
    expect(elbMock.commandCalls(DescribeTargetGroupsCommand)).toHaveLength(2);
  });

  it('forgets a failed lookup so that the next alert tries again', async () => {
    elbMock
      .on(DescribeTargetGroupsCommand)
      .rejectsOnce(new Error('Throttling: Rate exceeded'))
      .resolves({ TargetGroups: [{ TargetGroupArn: TG, TargetGroupName: 'orders-api-tg' }] });
    const reader = new ElbReader(new ElasticLoadBalancingV2Client({ region: 'us-east-1' }));
    await expect(reader.targetGroup(TG)).rejects.toThrow('Rate exceeded');
    await expect(reader.targetGroup(TG)).resolves.toMatchObject({ name: 'orders-api-tg' });
  });

  it('says which target group does not exist', async () => {
    elbMock.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [] });
    const reader = new ElbReader(new ElasticLoadBalancingV2Client({ region: 'us-east-1' }));
    await expect(reader.targetGroup(TG)).rejects.toThrow(`DescribeTargetGroups returned no target group for ${TG}`);
  });
});

describe('SecurityGroupReader', () => {
  it('maps ingress and egress rules: group references, IPv4 ranges, prefix lists, protocol -1', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        {
          GroupId: 'sg-task',
          GroupName: 'orders-api-tasks',
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: 8080,
              ToPort: 8080,
              UserIdGroupPairs: [{ GroupId: 'sg-alb', UserId: '123456789012' }],
              IpRanges: [{ CidrIp: '10.0.0.0/16' }],
              PrefixListIds: [{ PrefixListId: 'pl-0a1b2c' }],
            },
          ],
          IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        },
      ],
    });
    const reader = new SecurityGroupReader(new EC2Client({ region: 'us-east-1' }));
    expect(await reader.securityGroups(['sg-task', 'sg-task'])).toEqual([
      {
        groupId: 'sg-task',
        name: 'orders-api-tasks',
        ingress: [
          {
            protocol: 'tcp',
            fromPort: 8080,
            toPort: 8080,
            groupIds: ['sg-alb'],
            cidrs: ['10.0.0.0/16'],
            prefixListIds: ['pl-0a1b2c'],
          },
        ],
        egress: [
          {
            protocol: '-1',
            fromPort: undefined,
            toPort: undefined,
            groupIds: [],
            cidrs: ['0.0.0.0/0'],
            prefixListIds: [],
          },
        ],
      },
    ]);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)[0]?.args[0].input).toEqual({ GroupIds: ['sg-task'] });
  });

  it('reads all groups in one call and subnets only when asked, each cached', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    ec2Mock.on(DescribeSubnetsCommand).resolves({
      Subnets: [
        {
          SubnetId: 'subnet-a',
          CidrBlock: '10.0.0.0/24',
          AvailabilityZone: 'us-east-1a',
          AvailableIpAddressCount: 200,
        },
        { SubnetId: 'subnet-b', CidrBlock: '10.0.1.0/26', AvailabilityZone: 'us-east-1b', AvailableIpAddressCount: 50 },
      ],
    });
    const reader = new SecurityGroupReader(new EC2Client({ region: 'us-east-1' }));
    await reader.securityGroups(['sg-task', 'sg-alb']);
    await reader.securityGroups(['sg-alb', 'sg-task']);
    expect(await reader.subnetCidrs(['subnet-b', 'subnet-a'])).toEqual([
      { subnetId: 'subnet-a', cidr: '10.0.0.0/24' },
      { subnetId: 'subnet-b', cidr: '10.0.1.0/26' },
    ]);
    await reader.subnetCidrs(['subnet-a', 'subnet-b']);
    expect(await reader.securityGroups([])).toEqual([]);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(1);
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)[0]?.args[0].input).toEqual({
      GroupIds: ['sg-alb', 'sg-task'],
    });
    expect(ec2Mock.commandCalls(DescribeSubnetsCommand)).toHaveLength(1);
  });
});

describe('ServiceHealthReader', () => {
  it('maps the grace period, load balancers, awsvpc security groups and events', async () => {
    const createdAt = new Date('2025-03-10T09:12:38.402Z');
    ecsMock.on(DescribeServicesCommand).resolves({
      services: [
        {
          serviceName: 'orders-api',
          healthCheckGracePeriodSeconds: 0,
          loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 8080 }],
          networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'], securityGroups: ['sg-task'] } },
          events: [{ id: '1', createdAt, message: '(service orders-api) has reached a steady state.' }],
        },
      ],
    });
    const reader = new ServiceHealthReader(new ECSClient({ region: 'us-east-1' }));
    expect(await reader.settings('arn:aws:ecs:us-east-1:123456789012:cluster/production', 'orders-api')).toEqual({
      serviceName: 'orders-api',
      healthCheckGracePeriodSeconds: 0,
      loadBalancers: [{ targetGroupArn: TG, loadBalancerName: undefined, containerName: 'app', containerPort: 8080 }],
      securityGroups: ['sg-task'],
      events: [{ createdAt: '2025-03-10T09:12:38.402Z', message: '(service orders-api) has reached a steady state.' }],
    });
  });

  it('names the service ECS could not find', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({ services: [], failures: [{ reason: 'MISSING' }] });
    const reader = new ServiceHealthReader(new ECSClient({ region: 'us-east-1' }));
    await expect(reader.settings('arn:aws:ecs:us-east-1:123456789012:cluster/production', 'gone')).rejects.toThrow(
      'DescribeServices: gone: MISSING',
    );
  });
});
