/**
 * The load-balanced part of the seeded account, for health-check alerts: an internal Application Load
 * Balancer in the seeded subnets, one target group per service, and three services whose tasks fail
 * their ELB health check for the runbook's three first causes, plus api-service behind the same load
 * balancer:
 *
 * - `orders-api`: grace period 0 s, the app boots slower than the check's 30 s (events/task-stopped/health-check-elb-grace-period.json)
 * - `catalog-api`: the target group checks /healthz, the app serves /health (…-wrong-path.json; its logs go through FireLens)
 * - `inventory-api`: its security group admits port 8080 from the wrong security group, not the load balancer's (…-security-group.json)
 * - `api-service`: healthy for an hour, then the checks time out (health-check-elb.json)
 *
 * moto keeps every setting the watchdog reads, but it never checks health: registered targets are always
 * `healthy` and services never get events (local/API-SUPPORT.md). `emulateHealthReports`
 * (local/emulate-health-reports.ts) adds ONLY those, as AWS would report them for these seeded cases: the
 * service event ECS writes when it replaces an unhealthy task, and the target health of the seeded targets.
 */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  type ContainerDefinition,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  type TargetHealthReasonEnum,
  type TargetHealthStateEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LocalAwsClientConfig } from './emulator';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ECR = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const FIXTURE_TARGET_GROUP_ARN = (name: string, id: string) =>
  `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/${name}/${id}`;

/** What AWS reports for one target (DescribeTargetHealth), when moto's `healthy` is not it. */
interface EmulatedTarget {
  ip: string;
  state: TargetHealthStateEnum;
  reason?: TargetHealthReasonEnum;
  description?: string;
}

export interface HealthCheckCase {
  fixture: string;
  service: string;
  /** The container registered in the target group. */
  container: string;
  /** The stopped task of the fixture, and its awsvpc address. */
  taskId: string;
  taskIp: string;
  targetGroup: {
    name: string;
    fixtureId: string;
    listenerPort: number;
    path: string;
    intervalSeconds: number;
    unhealthyThreshold: number;
    matcher: string;
  };
  /** healthCheckGracePeriodSeconds of the service. */
  gracePeriodSeconds: number;
  /** Whose security group the task's security group admits on port 8080. */
  admits: 'load balancer' | 'the services security group' | 'the VPC CIDR';
  /** The reason text of the service event ECS writes when it replaces the task, and when. */
  unhealthyEvent: { reason: string; at: string };
  /** Other targets of the group (the task's replacement) and the task's own, as AWS reports them. */
  targets: EmulatedTarget[];
  logGroup?: string;
  logStream?: string;
  logLines?: string[];
}

export const CONTAINER_PORT = 8080;

export const HEALTH_CHECK_CASES: readonly HealthCheckCase[] = [
  {
    fixture: 'events/task-stopped/health-check-elb-grace-period.json',
    service: 'orders-api',
    container: 'app',
    taskId: 'a3f1c2d4e5b60718293a4b5c6d7e8f90',
    taskIp: '10.0.0.41',
    targetGroup: {
      name: 'orders-api-tg',
      fixtureId: '1f2e3d4c5b6a7980',
      listenerPort: 8081,
      path: '/health',
      intervalSeconds: 10,
      unhealthyThreshold: 3,
      matcher: '200',
    },
    gracePeriodSeconds: 0,
    admits: 'load balancer',
    unhealthyEvent: { reason: 'Health checks failed', at: '2025-03-10T09:12:39.954Z' },
    targets: [
      { ip: '10.0.0.51', state: 'unhealthy', reason: 'Target.FailedHealthChecks', description: 'Health checks failed' },
    ],
    logGroup: '/ecs/orders-api',
    logStream: 'ecs/app/a3f1c2d4e5b60718293a4b5c6d7e8f90',
    logLines: [
      'Starting OrdersApplication v4.2.0 using Java 21.0.5 with PID 1',
      'No active profile set, falling back to 1 default profile: "default"',
      'Bootstrapping Spring Data JPA repositories in DEFAULT mode.',
      'HikariPool-1 - Starting...',
      'Initializing Spring embedded WebApplicationContext',
      'Flyway: migrating schema "orders" to version "57 - add fulfilment index"',
    ],
  },
  {
    fixture: 'events/task-stopped/health-check-elb-wrong-path.json',
    service: 'catalog-api',
    container: 'web',
    taskId: 'b4e2d3c5f6a70819203b4c5d6e7f8091',
    taskIp: '10.0.0.42',
    targetGroup: {
      name: 'catalog-api-tg',
      fixtureId: '2a3b4c5d6e7f8091',
      listenerPort: 8082,
      path: '/healthz',
      intervalSeconds: 15,
      unhealthyThreshold: 2,
      matcher: '200',
    },
    gracePeriodSeconds: 60,
    admits: 'load balancer',
    unhealthyEvent: {
      reason: 'Health checks failed with these codes: [404]',
      at: '2025-03-10T10:21:33.870Z',
    },
    targets: [
      {
        ip: '10.0.0.42',
        state: 'draining',
        reason: 'Target.DeregistrationInProgress',
        description: 'Target deregistration is in progress',
      },
      {
        ip: '10.0.0.52',
        state: 'unhealthy',
        reason: 'Target.ResponseCodeMismatch',
        description: 'Health checks failed with these codes: [404]',
      },
    ],
    // FireLens to CloudWatch Logs: stream = log_stream_prefix + "<container>-firelens-<task id>".
    logGroup: '/ecs/catalog-api',
    logStream: 'catalog-web-firelens-b4e2d3c5f6a70819203b4c5d6e7f8091',
    logLines: [
      'catalog-api 2.8.1 listening on 0.0.0.0:8080',
      'GET /healthz 404 0.41ms "ELB-HealthChecker/2.0"',
      'GET /healthz 404 0.38ms "ELB-HealthChecker/2.0"',
      'GET /healthz 404 0.35ms "ELB-HealthChecker/2.0"',
      'received SIGTERM, draining connections',
    ].map((log) =>
      JSON.stringify({
        container_name: 'web',
        source: 'stdout',
        log,
        ecs_cluster: 'production',
        ecs_task_id: 'b4e2d3c5f6a70819203b4c5d6e7f8091',
      }),
    ),
  },
  {
    fixture: 'events/task-stopped/health-check-elb-security-group.json',
    service: 'inventory-api',
    container: 'app',
    taskId: 'c5f3e4d6a7b8091a2b3c4d5e6f708192',
    taskIp: '10.0.0.43',
    targetGroup: {
      name: 'inventory-api-tg',
      fixtureId: '3b4c5d6e7f8091a2',
      listenerPort: 8083,
      path: '/health',
      intervalSeconds: 10,
      unhealthyThreshold: 3,
      matcher: '200-299',
    },
    gracePeriodSeconds: 30,
    admits: 'the services security group',
    unhealthyEvent: { reason: 'Request timed out', at: '2025-03-10T11:05:06.518Z' },
    targets: [{ ip: '10.0.0.53', state: 'unhealthy', reason: 'Target.Timeout', description: 'Request timed out' }],
    logGroup: '/ecs/inventory-api',
    logStream: 'ecs/app/c5f3e4d6a7b8091a2b3c4d5e6f708192',
    logLines: [
      'inventory-api listening on 0.0.0.0:8080',
      'connected to inventory-db (pool size 10)',
      'received SIGTERM, shutting down',
    ],
  },
  {
    fixture: 'events/task-stopped/health-check-elb.json',
    service: 'api-service',
    container: 'api',
    taskId: '829cacc27600d757a5c2edeacfdd9083',
    taskIp: '10.0.1.196',
    targetGroup: {
      name: 'api-service-tg',
      fixtureId: '6d0ecf831eec9f09',
      listenerPort: 80,
      path: '/health',
      intervalSeconds: 30,
      unhealthyThreshold: 2,
      matcher: '200',
    },
    gracePeriodSeconds: 60,
    admits: 'the VPC CIDR',
    unhealthyEvent: { reason: 'Request timed out', at: '2025-03-07T10:48:00.315Z' },
    targets: [],
  },
];

export interface SeededHealthChecks {
  loadBalancerArn: string;
  loadBalancerSecurityGroupId: string;
  /** service -> its target group ARN and its tasks' security group */
  services: Record<string, { targetGroupArn: string; securityGroupId: string }>;
  /** fixture target group ARN -> seeded ARN (moto generates target group ids) */
  fixtureIds: Record<string, string>;
}

interface Network {
  vpcId: string;
  subnetIds: [string, string];
  /** The seeded `ecs-services` group (api-service's; admits 8080 from the VPC CIDR). */
  servicesSecurityGroupId: string;
}

export async function seedHealthCheckCases(
  clientConfig: LocalAwsClientConfig,
  cluster: string,
  network: Network,
): Promise<SeededHealthChecks> {
  const ec2 = new EC2Client(clientConfig);
  const elb = new ElasticLoadBalancingV2Client(clientConfig);
  const ecs = new ECSClient(clientConfig);
  const logs = new CloudWatchLogsClient(clientConfig);
  try {
    const securityGroup = async (name: string) =>
      (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: network.vpcId })))
        .GroupId as string;
    const admit = (groupId: string, fromPort: number, toPort: number, source: { group?: string; cidr?: string }) =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: fromPort,
              ToPort: toPort,
              ...(source.group ? { UserIdGroupPairs: [{ GroupId: source.group }] } : {}),
              ...(source.cidr ? { IpRanges: [{ CidrIp: source.cidr }] } : {}),
            },
          ],
        }),
      );

    const albGroup = await securityGroup('storefront-alb');
    await admit(albGroup, 80, 8083, { cidr: '10.0.0.0/16' });
    const loadBalancerArn = (
      await elb.send(
        new CreateLoadBalancerCommand({
          Name: 'storefront-alb',
          Subnets: network.subnetIds,
          SecurityGroups: [albGroup],
          Scheme: 'internal',
          Type: 'application',
        }),
      )
    ).LoadBalancers?.[0]?.LoadBalancerArn as string;

    const services: SeededHealthChecks['services'] = {};
    const fixtureIds: Record<string, string> = {};
    for (const c of HEALTH_CHECK_CASES) {
      const tg = (
        await elb.send(
          new CreateTargetGroupCommand({
            Name: c.targetGroup.name,
            Protocol: 'HTTP',
            Port: CONTAINER_PORT,
            VpcId: network.vpcId,
            TargetType: 'ip',
            HealthCheckProtocol: 'HTTP',
            HealthCheckPath: c.targetGroup.path,
            HealthCheckIntervalSeconds: c.targetGroup.intervalSeconds,
            HealthCheckTimeoutSeconds: 5,
            HealthyThresholdCount: 2,
            UnhealthyThresholdCount: c.targetGroup.unhealthyThreshold,
            Matcher: { HttpCode: c.targetGroup.matcher },
          }),
        )
      ).TargetGroups?.[0]?.TargetGroupArn as string;
      await elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: loadBalancerArn,
          Protocol: 'HTTP',
          Port: c.targetGroup.listenerPort,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }],
        }),
      );
      const targets = c.targets.map((t) => ({ Id: t.ip, Port: CONTAINER_PORT }));
      if (targets.length > 0) await elb.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: targets }));
      fixtureIds[FIXTURE_TARGET_GROUP_ARN(c.targetGroup.name, c.targetGroup.fixtureId)] = tg;

      let taskGroup = network.servicesSecurityGroupId;
      if (c.admits !== 'the VPC CIDR') {
        taskGroup = await securityGroup(`${c.service}-tasks`);
        await admit(taskGroup, CONTAINER_PORT, CONTAINER_PORT, {
          group: c.admits === 'load balancer' ? albGroup : network.servicesSecurityGroupId,
        });
      }
      services[c.service] = { targetGroupArn: tg, securityGroupId: taskGroup };
      const loadBalancers = [{ targetGroupArn: tg, containerName: c.container, containerPort: CONTAINER_PORT }];

      if (c.service === 'api-service') {
        // moto's UpdateService stores any setting it is given, the load balancers included.
        await ecs.send(
          new UpdateServiceCommand({
            cluster,
            service: c.service,
            loadBalancers,
            healthCheckGracePeriodSeconds: c.gracePeriodSeconds,
          }),
        );
        continue;
      }
      const taskDefinition = (await ecs.send(new RegisterTaskDefinitionCommand(taskDefinitionOf(c)))).taskDefinition
        ?.taskDefinitionArn as string;
      await ecs.send(
        new CreateServiceCommand({
          cluster,
          serviceName: c.service,
          taskDefinition,
          desiredCount: 2,
          launchType: 'FARGATE',
          loadBalancers,
          tags: [{ key: 'team', value: 'storefront' }],
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: [network.subnetIds[0]],
              securityGroups: [taskGroup],
              assignPublicIp: 'DISABLED',
            },
          },
        }),
      );
      // moto's CreateService ignores the grace period; UpdateService stores it.
      await ecs.send(
        new UpdateServiceCommand({
          cluster,
          service: c.service,
          healthCheckGracePeriodSeconds: c.gracePeriodSeconds,
          deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
        }),
      );
    }

    for (const c of HEALTH_CHECK_CASES) {
      if (!c.logGroup || !c.logStream || !c.logLines) continue;
      await logs.send(new CreateLogGroupCommand({ logGroupName: c.logGroup }));
      await logs.send(new CreateLogStreamCommand({ logGroupName: c.logGroup, logStreamName: c.logStream }));
      const base = Date.now() - 60_000;
      await logs.send(
        new PutLogEventsCommand({
          logGroupName: c.logGroup,
          logStreamName: c.logStream,
          logEvents: c.logLines.map((message, i) => ({ timestamp: base + i * 1000, message })),
        }),
      );
    }
    return { loadBalancerArn, loadBalancerSecurityGroupId: albGroup, services, fixtureIds };
  } finally {
    for (const client of [ec2, elb, ecs, logs]) client.destroy();
  }
}

function taskDefinitionOf(c: HealthCheckCase) {
  const app: ContainerDefinition = {
    name: c.container,
    image: `${ECR}/${c.service}:1.0.0`,
    essential: true,
    memory: 512,
    portMappings: [{ containerPort: CONTAINER_PORT, protocol: 'tcp' }],
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': `/ecs/${c.service}`, 'awslogs-region': REGION, 'awslogs-stream-prefix': 'ecs' },
    },
  };
  const containers: ContainerDefinition[] = [app];
  if (c.service === 'catalog-api') {
    // The app serves /health (its own container check calls it) and logs through FireLens.
    app.healthCheck = {
      command: ['CMD-SHELL', `curl -fsS http://localhost:${CONTAINER_PORT}/health || exit 1`],
      interval: 30,
      timeout: 5,
      retries: 3,
      startPeriod: 15,
    };
    app.logConfiguration = {
      logDriver: 'awsfirelens',
      options: {
        Name: 'cloudwatch_logs',
        region: REGION,
        log_group_name: '/ecs/catalog-api',
        log_stream_prefix: 'catalog-',
        auto_create_group: 'false',
      },
    };
    containers.push({
      name: 'log_router',
      image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0',
      essential: true,
      memoryReservation: 50,
      firelensConfiguration: { type: 'fluentbit' },
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': '/ecs/catalog-api',
          'awslogs-region': REGION,
          'awslogs-stream-prefix': 'firelens',
        },
      },
    });
  }
  return {
    family: c.service,
    requiresCompatibilities: ['FARGATE' as const],
    networkMode: 'awsvpc' as const,
    cpu: '512',
    memory: '1024',
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
    containerDefinitions: containers,
    tags: [{ key: 'team', value: 'storefront' }],
  };
}
