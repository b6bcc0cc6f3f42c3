/**
 * processTaskStopped for health-check stops, with every AWS client mocked (aws-sdk-client-mock): the
 * verdict and ordered steps in the published alert, what a lookup that fails leaves out, the AWS calls
 * an alert costs cold and warm, and FireLens log excerpts.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  type ContainerDefinition,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlertPublisher } from '../../lambdas/adapters/alert-publisher';
import { EcsReader } from '../../lambdas/adapters/ecs-reader';
import { ElbReader } from '../../lambdas/adapters/elb-reader';
import { LogsReader } from '../../lambdas/adapters/logs-reader';
import { MetricsReader } from '../../lambdas/adapters/metrics-reader';
import { SecurityGroupReader } from '../../lambdas/adapters/security-group-reader';
import { ServiceHealthReader } from '../../lambdas/adapters/service-health-reader';
import { processTaskStopped, type TaskStoppedDeps } from '../../lambdas/app/process-task-stopped';
import { MemoryCounter, silentLog } from '../../lambdas/app/shared/telemetry';
import type { Alert } from '../../lambdas/domain/alerts/alert';
import { makeRedactor } from '../../lambdas/domain/alerts/redact';
import { ELB_HEALTH_CHECK_STEPS } from '../../lambdas/domain/health/health-check-diagnosis';
import { taskEvent } from '../support/events';

const ecsMock = mockClient(ECSClient);
const elbMock = mockClient(ElasticLoadBalancingV2Client);
const ec2Mock = mockClient(EC2Client);
const logsMock = mockClient(CloudWatchLogsClient);
const snsMock = mockClient(SNSClient);
const REGION = { region: 'us-east-1' };
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ecs-watchdog-alerts';
const TASK_ID = '0123456789abcdef0123456789abcdef';
const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api-service-tg/6d0ecf831eec9f09';
const LB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/storefront-alb/1';

const ELB_STOP = taskEvent({
  stopCode: 'ServiceSchedulerInitiated',
  stoppedReason: `Task failed ELB health checks in (target-group ${TG})`,
  startedAt: '2026-11-26T02:59:00.000Z',
  stoppingAt: '2026-11-26T02:59:38.000Z',
  stoppedAt: '2026-11-26T02:59:52.000Z',
  attachments: [
    {
      type: 'eni',
      details: [
        { name: 'subnetId', value: 'subnet-a' },
        { name: 'privateIPv4Address', value: '10.0.0.41' },
      ],
    },
  ],
  containers: [{ name: 'api', exitCode: 143, lastStatus: 'STOPPED' }],
});

const API_CONTAINER = {
  name: 'api',
  image: 'api:v1',
  essential: true,
  memory: 512,
  portMappings: [{ containerPort: 8080, protocol: 'tcp' as const }],
  healthCheck: { command: ['CMD-SHELL', 'curl -fsS http://localhost:8080/health || exit 1'] },
  logConfiguration: {
    logDriver: 'awslogs' as const,
    options: { 'awslogs-group': '/ecs/api-service', 'awslogs-stream-prefix': 'ecs' },
  },
};

function taskDefinition(containerDefinitions: ContainerDefinition[]) {
  return {
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api-service:42',
    family: 'api-service',
    revision: 42,
    containerDefinitions,
  };
}

function service(events: { message: string; createdAt?: Date }[] = []) {
  return {
    serviceName: 'api-service',
    healthCheckGracePeriodSeconds: 0,
    loadBalancers: [{ targetGroupArn: TG, containerName: 'api', containerPort: 8080 }],
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'], securityGroups: ['sg-task'] } },
    events,
  };
}

beforeEach(() => {
  for (const mock of [ecsMock, elbMock, ec2Mock, logsMock, snsMock]) mock.reset();
  ecsMock.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: taskDefinition([API_CONTAINER]),
  });
  ecsMock.on(ListTagsForResourceCommand).resolves({ tags: [{ key: 'team', value: 'payments' }] });
  ecsMock.on(DescribeServicesCommand).resolves({ services: [service()] });
  elbMock.on(DescribeTargetGroupsCommand).resolves({
    TargetGroups: [
      {
        TargetGroupArn: TG,
        TargetGroupName: 'api-service-tg',
        Protocol: 'HTTP',
        Port: 8080,
        TargetType: 'ip',
        HealthCheckPort: 'traffic-port',
        HealthCheckPath: '/health',
        HealthCheckIntervalSeconds: 10,
        HealthCheckTimeoutSeconds: 5,
        UnhealthyThresholdCount: 3,
        Matcher: { HttpCode: '200' },
        LoadBalancerArns: [LB],
      },
    ],
  });
  elbMock.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [] });
  elbMock
    .on(DescribeLoadBalancersCommand)
    .resolves({ LoadBalancers: [{ LoadBalancerArn: LB, SecurityGroups: ['sg-alb'], AvailabilityZones: [] }] });
  ec2Mock.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: [
      {
        GroupId: 'sg-task',
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: 'sg-alb' }] }],
        IpPermissionsEgress: [],
      },
      {
        GroupId: 'sg-alb',
        IpPermissions: [],
        IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      },
    ],
  });
  logsMock.on(GetLogEventsCommand).resolves({ events: [{ timestamp: 1, message: 'booting...' }] });
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

function makeDeps(): TaskStoppedDeps {
  const readers = {
    services: new ServiceHealthReader(new ECSClient(REGION)),
    elb: new ElbReader(new ElasticLoadBalancingV2Client(REGION)),
    network: new SecurityGroupReader(new EC2Client(REGION)),
  };
  return {
    config: {
      alertTopicArn: TOPIC,
      teamTagKey: 'team',
      enrichmentBudgetMs: 500,
      logExcerptLines: 20,
      mutedCategories: new Set(),
      severityOverrides: {},
      redactPatterns: [],
    },
    ecs: new EcsReader(new ECSClient(REGION)),
    logs: new LogsReader(new CloudWatchLogsClient(REGION)),
    metrics: new MetricsReader(new CloudWatchClient(REGION)),
    redactor: makeRedactor([]),
    healthChecks: async () => readers,
    publisher: new AlertPublisher(new SNSClient(REGION), TOPIC),
    log: silentLog,
    counter: new MemoryCounter(),
  };
}

const published = (i = 0): Alert =>
  JSON.parse(JSON.parse(snsMock.commandCalls(PublishCommand)[i]?.args[0].input.Message ?? '{}').default);

describe('processTaskStopped: ELB health-check stops', () => {
  it('publishes the verdict in the subject and body, with its steps first', async () => {
    await processTaskStopped(ELB_STOP, makeDeps());
    const alert = published();
    expect(alert.title).toBe('HIGH HEALTH_CHECK_ELB: api-service in production - killed before it could boot');
    expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toBe(alert.title);
    expect(alert.verdict).toBe(
      'killed 38 s after start; grace period 0 s; the check needs 30 s to fail: raise healthCheckGracePeriodSeconds to at least the boot time',
    );
    expect(alert.nextSteps[0]).toContain('--health-check-grace-period-seconds');
    expect(alert.nextSteps).not.toContain(ELB_HEALTH_CHECK_STEPS[1]?.text);
    expect(alert.evidence.facts).toContainEqual({
      label: 'Security groups',
      value:
        'load balancer (sg-alb) → task (sg-task) on tcp 8080: allowed (sg-task allows tcp 8080 from sg-alb); load balancer outbound: allowed (sg-alb allows all traffic to 0.0.0.0/0)',
    });
    expect(alert.enrichmentErrors).toEqual([]);
    expect(elbMock.commandCalls(DescribeTargetGroupsCommand)[0]?.args[0].input).toEqual({ TargetGroupArns: [TG] });
    // Security-group rules decided it: no CIDR rule on the port, so the subnets were not read.
    expect(ec2Mock.commandCalls(DescribeSubnetsCommand)).toHaveLength(0);
  });

  it('names the wrong path from the service event ECS wrote when it replaced the task', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({
      services: [
        service([
          {
            createdAt: new Date('2026-11-26T02:59:36.000Z'),
            message: `(service api-service) (task ${TASK_ID}) (port 8080) is unhealthy in (target-group ${TG}) due to (reason Health checks failed with these codes: [404]).`,
          },
        ]),
      ],
    });
    await processTaskStopped(ELB_STOP, makeDeps());
    const alert = published();
    expect(alert.verdict).toBe('the target returned 404 on /health: the path or the matcher is wrong');
    expect(alert.title).toBe('HIGH HEALTH_CHECK_ELB: api-service in production - 404 on /health');
  });

  it('names the missing security-group rule', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        { GroupId: 'sg-task', IpPermissions: [], IpPermissionsEgress: [] },
        {
          GroupId: 'sg-alb',
          IpPermissions: [],
          IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        },
      ],
    });
    await processTaskStopped(ELB_STOP, makeDeps());
    expect(published().verdict).toBe(
      "the task's security group sg-task has no rule admitting the load balancer's security group sg-alb on port 8080: the health checks never reach the task",
    );
  });

  it('alerts without what it could not read, says which, and keeps the generic steps', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(
      Object.assign(new Error('You are not authorized to perform this operation.'), {
        name: 'UnauthorizedOperation',
      }),
    );
    elbMock.on(DescribeTargetGroupsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    await processTaskStopped(ELB_STOP, makeDeps());
    const alert = published();
    expect(alert.enrichmentErrors).toEqual([
      { lookup: 'target group', message: 'Throttling: Rate exceeded' },
      { lookup: 'security groups', message: 'needs the target group: Throttling: Rate exceeded' },
    ]);
    expect(alert.verdict).toBeUndefined();
    expect(alert.nextSteps).toEqual(ELB_HEALTH_CHECK_STEPS.map((s) => s.text));
    expect(alert.evidence.facts).toContainEqual({ label: 'Grace period', value: '0 s' });
  });

  it('names a security-group lookup it had no permission for', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(
      Object.assign(new Error('You are not authorized to perform this operation.'), {
        name: 'UnauthorizedOperation',
      }),
    );
    await processTaskStopped(ELB_STOP, makeDeps());
    const alert = published();
    expect(alert.enrichmentErrors).toEqual([
      {
        lookup: 'security groups',
        message: 'UnauthorizedOperation: You are not authorized to perform this operation.',
      },
    ]);
    expect(alert.evidence.facts).toContainEqual({
      label: 'Security groups',
      value: 'not checked: the security groups were not read',
    });
    expect(alert.verdict).toMatch(/\(the security groups could not be checked\)$/);
  });

  it('costs 9 AWS calls cold (5 of them for the health check) and 4 warm', async () => {
    const deps = makeDeps();
    const count = () => [ecsMock, elbMock, ec2Mock, logsMock, snsMock].reduce((n, m) => n + m.calls().length, 0);
    await processTaskStopped(ELB_STOP, deps);
    expect(count()).toBe(9);
    expect(ecsMock.commandCalls(DescribeServicesCommand)).toHaveLength(1);
    await processTaskStopped({ ...ELB_STOP, id: 'evt-2' }, deps);
    // Warm: the service (for its newest events), the target health, the log lines and the publish.
    expect(count()).toBe(9 + 4);
    expect(ecsMock.commandCalls(DescribeServicesCommand)).toHaveLength(2);
    expect(elbMock.commandCalls(DescribeTargetHealthCommand)).toHaveLength(2);
  });

  it('makes no health-check lookups for other stops', async () => {
    await processTaskStopped(taskEvent({ containers: [{ name: 'api', exitCode: 1 }] }), makeDeps());
    expect(ecsMock.commandCalls(DescribeServicesCommand)).toHaveLength(0);
    expect(elbMock.calls()).toHaveLength(0);
    expect(ec2Mock.calls()).toHaveLength(0);
    expect(published().verdict).toBeUndefined();
  });
});

describe('processTaskStopped: container health-check stops and FireLens logs', () => {
  it('explains a container check and reads the culprit’s FireLens stream in CloudWatch Logs', async () => {
    ecsMock.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: taskDefinition([
        {
          ...API_CONTAINER,
          healthCheck: { command: ['CMD', 'curl -f http://localhost:8080/health || exit 1'] },
          logConfiguration: {
            logDriver: 'awsfirelens',
            options: {
              Name: 'cloudwatch_logs',
              region: 'eu-west-1',
              log_group_name: '/ecs/api',
              log_stream_prefix: 'api-',
            },
          },
        },
        { name: 'log_router', image: 'fluent-bit', essential: true, firelensConfiguration: { type: 'fluentbit' } },
      ]),
    });
    logsMock.on(GetLogEventsCommand).resolves({
      events: [{ timestamp: 1, message: '{"container_name":"api","source":"stderr","log":"sh: curl: not found"}' }],
    });
    await processTaskStopped(
      taskEvent({
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: 'Task failed container health checks',
        startedAt: '2026-11-26T02:58:00.000Z',
        stoppingAt: '2026-11-26T02:59:45.000Z',
        containers: [{ name: 'api', exitCode: 137, lastStatus: 'STOPPED', healthStatus: 'UNHEALTHY' }],
      }),
      makeDeps(),
    );
    const alert = published();
    expect(alert.category).toBe('HEALTH_CHECK_CONTAINER');
    expect(alert.verdict).toBe(
      'the exec form CMD runs "curl -f http://localhost:8080/health || exit 1" as one program name, which does not exist: the check can never pass; use CMD-SHELL',
    );
    expect(alert.evidence.logExcerpt).toEqual({
      container: 'api',
      logGroup: '/ecs/api',
      logStream: `api-api-firelens-${TASK_ID}`,
      lines: ['sh: curl: not found'],
    });
    expect(logsMock.commandCalls(GetLogEventsCommand)[0]?.args[0].input).toMatchObject({
      logGroupName: '/ecs/api',
      logStreamName: `api-api-firelens-${TASK_ID}`,
    });
    // Container checks need the service's grace period, nothing from the load balancer.
    expect(ecsMock.commandCalls(DescribeServicesCommand)).toHaveLength(1);
    expect(elbMock.calls()).toHaveLength(0);
  });

  it('shows the log router’s own awslogs lines when it died first and took the FireLens-routed app down', async () => {
    ecsMock.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: taskDefinition([
        {
          ...API_CONTAINER,
          logConfiguration: {
            logDriver: 'awsfirelens',
            options: { Name: 'cloudwatch_logs', log_group_name: '/ecs/api', log_stream_prefix: 'api-' },
          },
        },
        {
          name: 'log_router',
          image: 'fluent-bit',
          essential: true,
          firelensConfiguration: { type: 'fluentbit' },
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': '/ecs/api-service', 'awslogs-stream-prefix': 'firelens' },
          },
        },
      ]),
    });
    await processTaskStopped(
      taskEvent({
        containers: [
          { name: 'api', exitCode: 143, lastStatus: 'STOPPED' },
          { name: 'log_router', exitCode: 255, lastStatus: 'STOPPED' },
        ],
      }),
      makeDeps(),
    );
    const alert = published();
    expect(alert.category).toBe('DEPENDENCY_EXITED');
    expect(alert.evidence.logExcerpt).toMatchObject({
      container: 'log_router',
      logGroup: '/ecs/api-service',
      logStream: `firelens/log_router/${TASK_ID}`,
    });
  });
});
