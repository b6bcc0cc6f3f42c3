/**
 * Seeds the local AWS emulator (moto) with a realistic account that matches the events/ fixtures:
 * account 123456789012 (moto's default), us-east-1, cluster `production`, a VPC with subnets of
 * different sizes, four task definition families, three services, container instances, running and
 * stopped tasks, log groups with log lines, and the alert topic with two SQS subscribers.
 *
 * moto generates VPC/subnet/ENI/instance ids itself (EC2 has no `_custom_id_` support in moto 5.2.5):
 * use `SeededAccount.fixtureIds` to map the ids used in events/ to the ones created here
 * (see `rewriteFixtureIds`).
 *
 * `npx tsx local/seed.ts` starts a throw-away emulator, seeds it and prints the SeededAccount.
 */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  EC2Client,
  ModifyVpcAttributeCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  type ContainerDefinition,
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  type KeyValuePair,
  PutAccountSettingCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  RunTaskCommand,
  StopTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type LocalAwsClientConfig, withLocalAws } from './emulator';
import { type SeededHealthChecks, seedHealthCheckCases } from './seed-health-checks';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const CLUSTER = 'production';
export const TEAM_TAG_KEY = 'team';

/** The ids the events/ fixtures use, mapped to the ids moto generated (see rewriteFixtureIds). */
export const FIXTURE_SUBNET_IDS = {
  a: 'subnet-0a1b2c3d4e5f60001',
  b: 'subnet-0a1b2c3d4e5f60002',
  tiny: 'subnet-0a1b2c3d4e5f60003',
} as const;

/** The EC2 instance behind the worker container instance in events/. */
export const FIXTURE_EC2_INSTANCE_ID = 'i-0f1e2d3c4b5a69788';

export interface SeededSubnet {
  subnetId: string;
  cidr: string;
  az: string;
  /** usable addresses: 2^(32-prefix) - 5 reserved by AWS */
  usable: number;
  /** ENIs the seeder created in it (to make it nearly full) */
  enisCreated: number;
}

export interface SeededService {
  serviceName: string;
  serviceArn: string;
  taskDefinitionArn: string;
  team: string;
  runningTaskArns: string[];
  stoppedTaskArns: string[];
}

export interface SeededAccount {
  account: string;
  region: string;
  cluster: { name: string; arn: string };
  vpcId: string;
  securityGroupId: string;
  subnets: { a: SeededSubnet; b: SeededSubnet; tiny: SeededSubnet };
  /** family -> ARNs of every revision, index 0 = revision 1 */
  taskDefinitions: Record<string, string[]>;
  /** family -> ARN of the latest revision */
  latestTaskDefinition: Record<string, string>;
  services: Record<'api-service' | 'worker-service' | 'checkout-service', SeededService>;
  containerInstance: { arn: string; ec2InstanceId: string; instanceType: string };
  standaloneTaskArns: string[];
  logs: {
    apiGroup: string;
    apiStream: string;
    apiTaskId: string;
    workerGroup: string;
    lines: string[];
  };
  alerts: {
    topicArn: string;
    allAlerts: { queueUrl: string; queueArn: string; subscriptionArn: string };
    paymentsAlerts: { queueUrl: string; queueArn: string; subscriptionArn: string };
  };
  secrets: { dbPasswordArn: string; apiKeyParameterArn: string };
  /** The load balancer, target groups and services of the health-check cases (local/seed-health-checks.ts). */
  healthChecks: SeededHealthChecks;
  /** fixture id -> seeded id (subnets, the worker EC2 instance); apply with rewriteFixtureIds */
  fixtureIds: Record<string, string>;
  timingsMs: Record<string, number>;
}

export interface SeedOptions {
  /** Revisions to register per family; api-service:42 is referenced by the fixtures. */
  revisions?: Partial<Record<'api-service' | 'worker-service' | 'checkout-service' | 'nightly-report', number>>;
  log?: (msg: string) => void;
}

const DEFAULT_REVISIONS = { 'api-service': 42, 'worker-service': 7, 'checkout-service': 12, 'nightly-report': 3 };

const DB_PASSWORD_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:production/api/db-password-Ab12Cd`;
const API_KEY_PARAM_ARN = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/production/api/api-key`;
const EXECUTION_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`;
const ECR = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;

function env(pairs: Record<string, string>): KeyValuePair[] {
  return Object.entries(pairs).map(([name, value]) => ({ name, value }));
}

function awslogs(group: string, prefix = 'ecs') {
  return {
    logDriver: 'awslogs' as const,
    options: { 'awslogs-group': group, 'awslogs-region': REGION, 'awslogs-stream-prefix': prefix },
  };
}

/** api-service revision `rev`: the last revision (42) bumps the image and adds an env key. */
function apiServiceTaskDef(rev: number, last: number): RegisterTaskDefinitionCommandInput {
  const isLast = rev === last;
  const api: ContainerDefinition = {
    name: 'api',
    image: `${ECR}/api-service:1.${rev}.0`,
    essential: true,
    memory: 512,
    memoryReservation: 256,
    portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
    healthCheck: {
      command: ['CMD-SHELL', 'curl -fsS http://localhost:8080/health || exit 1'],
      interval: 30,
      timeout: 5,
      retries: 3,
      startPeriod: isLast ? 10 : 60,
    },
    secrets: [
      { name: 'DB_PASSWORD', valueFrom: DB_PASSWORD_ARN },
      { name: 'API_KEY', valueFrom: API_KEY_PARAM_ARN },
    ],
    environment: env({
      NODE_ENV: 'production',
      PORT: '8080',
      DB_HOST: 'payments-db.cluster-abc123.us-east-1.rds.amazonaws.com',
      LOG_LEVEL: 'info',
      ...(isLast ? { FEATURE_NEW_CHECKOUT: 'true' } : {}),
    }),
    logConfiguration: awslogs('/ecs/api-service'),
    dependsOn: [{ containerName: 'log_router', condition: 'START' }],
  };
  const logRouter: ContainerDefinition = {
    name: 'log_router',
    image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0',
    essential: true,
    memoryReservation: 50,
    firelensConfiguration: { type: 'fluentbit', options: { 'enable-ecs-log-metadata': 'true' } },
    logConfiguration: awslogs('/ecs/api-service', 'firelens'),
  };
  return {
    family: 'api-service',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    executionRoleArn: EXECUTION_ROLE_ARN,
    taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/api-service-task`,
    containerDefinitions: [api, logRouter],
    tags: [{ key: TEAM_TAG_KEY, value: 'payments' }],
  };
}

function workerTaskDef(rev: number): RegisterTaskDefinitionCommandInput {
  return {
    family: 'worker-service',
    requiresCompatibilities: ['EC2'],
    networkMode: 'bridge',
    executionRoleArn: EXECUTION_ROLE_ARN,
    containerDefinitions: [
      {
        name: 'worker',
        image: `${ECR}/worker-service:2.${rev}.0`,
        essential: true,
        cpu: 512,
        memory: 1024,
        environment: env({ QUEUE_NAME: 'orders', CONCURRENCY: '8' }),
        logConfiguration: awslogs('/ecs/worker-service'),
      },
    ],
    tags: [{ key: TEAM_TAG_KEY, value: 'fulfilment' }],
  };
}

function checkoutTaskDef(rev: number): RegisterTaskDefinitionCommandInput {
  return {
    family: 'checkout-service',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '512',
    memory: '1024',
    executionRoleArn: EXECUTION_ROLE_ARN,
    containerDefinitions: [
      {
        name: 'app',
        image: `${ECR}/checkout-service:3.${rev}.0`,
        essential: true,
        memory: 768,
        portMappings: [{ containerPort: 3000, protocol: 'tcp' }],
        healthCheck: {
          command: ['CMD-SHELL', 'curl -fsS http://localhost:3000/ready || exit 1'],
          interval: 10,
          timeout: 5,
          retries: 3,
          startPeriod: 30,
        },
        environment: env({ UPSTREAM: 'http://localhost:15000' }),
        logConfiguration: awslogs('/ecs/checkout-service'),
        dependsOn: [{ containerName: 'envoy', condition: 'HEALTHY' }],
      },
      {
        name: 'envoy',
        image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod',
        essential: true,
        memory: 256,
        healthCheck: {
          command: ['CMD-SHELL', 'curl -s http://localhost:9901/server_info | grep state | grep -q LIVE'],
          interval: 5,
          timeout: 2,
          retries: 3,
          startPeriod: 10,
        },
        logConfiguration: awslogs('/ecs/checkout-service', 'envoy'),
      },
    ],
    tags: [{ key: TEAM_TAG_KEY, value: 'payments' }],
  };
}

function nightlyTaskDef(rev: number): RegisterTaskDefinitionCommandInput {
  return {
    family: 'nightly-report',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '1024',
    memory: '2048',
    executionRoleArn: EXECUTION_ROLE_ARN,
    containerDefinitions: [
      {
        name: 'report',
        image: `${ECR}/nightly-report:0.${rev}.0`,
        essential: true,
        memoryReservation: 1024, // moto's RunTask needs memory or memoryReservation on every container
        command: ['node', 'dist/report.js', '--date', 'yesterday'],
        logConfiguration: awslogs('/ecs/nightly-report'),
      },
    ],
    tags: [{ key: TEAM_TAG_KEY, value: 'finance' }],
  };
}

/** Log lines of the api container (oldest first); includes secrets for redaction tests. */
export const API_LOG_LINES = [
  '{"level":"info","msg":"api-service starting","version":"1.42.0","port":8080}',
  '{"level":"info","msg":"connecting to database","host":"payments-db.cluster-abc123.us-east-1.rds.amazonaws.com"}',
  'DEBUG aws config: AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE region=us-east-1',
  'WARN retrying db connection with user=api password=hunter2 attempt=3',
  '{"level":"warn","msg":"heap usage high","heapUsedMb":488,"limitMb":512}',
  '<--- Last few GCs --->',
  'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
];

/**
 * Log streams of the culprit containers of the events/ fixtures whose culprit ran (stream =
 * prefix/container/task-id), so the demo's alerts carry real log excerpts. The lines are constructed, in
 * each program's usual wording. A culprit that never ran (the task failed to start) has no stream, as in AWS.
 */
export const FIXTURE_LOG_STREAMS: ReadonlyArray<{
  fixture: string;
  logGroup: string;
  logStream: string;
  lines: string[];
}> = [
  {
    fixture: 'events/task-stopped/oom-killed.json',
    logGroup: '/ecs/api-service',
    logStream: 'ecs/api/5f5fbbfadc198f2d1012b7bf2dcbb515',
    lines: API_LOG_LINES,
  },
  {
    fixture: 'events/task-stopped/app-crash-exit-1.json',
    logGroup: '/ecs/api-service',
    logStream: 'ecs/api/aac1ddf72d28949e4c959556517ff51a',
    lines: [
      '{"level":"info","msg":"api-service starting","version":"1.42.0","port":8080}',
      '{"level":"error","msg":"config: required environment variable PAYMENTS_API_URL is not set"}',
      'Error: PAYMENTS_API_URL is required',
      '    at loadConfig (/app/dist/config.js:41:11)',
      '    at main (/app/dist/server.js:12:18)',
    ],
  },
  {
    fixture: 'events/task-stopped/segfault-139.json',
    logGroup: '/ecs/worker-service',
    logStream: 'ecs/worker/a21c3c359bdd87abf9a78fcaefa535bd',
    lines: [
      'worker started, concurrency=8',
      'processing order batch 88213 (250 orders)',
      'Fatal Python error: Segmentation fault',
      'Current thread 0x00007f3a2c1ff700 (most recent call first):',
      '  File "/app/.venv/lib/python3.12/site-packages/lxml/etree.py", line 1 in parse',
    ],
  },
  {
    // The FireLens log router died first: its own awslogs stream (prefix firelens) says why.
    fixture: 'events/task-stopped/dependency-exited-log-router.json',
    logGroup: '/ecs/api-service',
    logStream: 'firelens/log_router/11089bc6aade2a09d0a19d9f25851171',
    lines: [
      'AWS for Fluent Bit Container Image Version 2.32.0',
      'Fluent Bit v1.9.10',
      '[2025/03/05 08:14:02] [error] [config] error in /fluent-bit/etc/extra.conf:7: undefined value - check config is in valid classic format',
      '[2025/03/05 08:14:02] [error] configuration file contains errors, aborting.',
    ],
  },
  {
    fixture: 'events/task-stopped/job-failed-exit-2.json',
    logGroup: '/ecs/nightly-report',
    logStream: 'ecs/report/e54a002ea22d565cf51a2c0b26a228de',
    lines: [
      'nightly-report 0.3.0: building report for yesterday',
      'usage: report.js --date YYYY-MM-DD',
      'report.js: error: argument --date: invalid date value: "yesterday"',
    ],
  },
  {
    fixture: 'events/task-stopped/app-crash-exit-0-service.json',
    logGroup: '/ecs/api-service',
    logStream: 'ecs/api/ddb839151648764f35903969d7a2d70e',
    lines: [
      '{"level":"info","msg":"api-service starting","version":"1.42.0","port":8080}',
      '{"level":"info","msg":"migrations: 3 pending, applying"}',
      '{"level":"info","msg":"migrations: done"}',
      '{"level":"info","msg":"RUN_MODE=migrate: exiting after migrations"}',
    ],
  },
  {
    // App Mesh envoy aborts (134); the app got SIGTERM.
    fixture: 'events/task-stopped/dependency-exited-envoy.json',
    logGroup: '/ecs/checkout-service',
    logStream: 'envoy/envoy/6bb8291d4b38e45a948c1d0edcdabc4b',
    lines: [
      '[2025-03-25 08:30:40.912][1][info][main] [source/server/server.cc:415] initializing epoch 0 (base id=0, hot restart version=11.104)',
      '[2025-03-25 08:30:43.001][1][critical][assert] [source/common/upstream/cluster_manager_impl.cc:1302] assert failure: cluster != nullptr.',
      '[2025-03-25 08:30:43.001][1][critical][backtrace] [./source/server/backtrace.h:104] Caught Aborted, suspect faulting address 0x1',
    ],
  },
  {
    // SIGKILLed after the stop timeout: the worker kept going after SIGTERM.
    fixture: 'events/task-stopped/exit-137-no-oom-reason.json',
    logGroup: '/ecs/worker-service',
    logStream: 'ecs/worker/3efda67764946ef50cd232cfee5264c8',
    lines: [
      'worker started, concurrency=8',
      'processing order batch 87120 (250 orders)',
      'received SIGTERM, finishing the current batch before exiting',
      'still processing batch 87120 (212/250)',
    ],
  },
  {
    fixture: 'events/task-stopped/health-check-container.json',
    logGroup: '/ecs/checkout-service',
    logStream: 'ecs/app/0d72b4c627fea43c69100b4816f9b8b2',
    lines: [
      '{"level":"info","msg":"checkout listening","port":3000}',
      '{"level":"warn","msg":"GET /ready 503: payments upstream not ready"}',
      '{"level":"error","msg":"GET /ready 503: payments upstream timed out after 5000 ms"}',
    ],
  },
  {
    fixture: 'events/task-stopped/health-check-elb-old-wording.json',
    logGroup: '/ecs/api-service',
    logStream: 'ecs/api/31de34cd3c3c09e92629441c220833f7',
    lines: [
      '{"level":"info","msg":"api-service starting","version":"1.42.0","port":8080}',
      '{"level":"warn","msg":"GET /health took 6120 ms: database pool exhausted (20/20 in use)"}',
      '{"level":"info","msg":"SIGTERM received, shutting down"}',
    ],
  },
  {
    // Healthy for an hour, then the checks time out.
    fixture: 'events/task-stopped/health-check-elb.json',
    logGroup: '/ecs/api-service',
    logStream: 'ecs/api/829cacc27600d757a5c2edeacfdd9083',
    lines: [
      '{"level":"warn","msg":"event loop lag 4200 ms"}',
      '{"level":"warn","msg":"GET /health took 5310 ms"}',
      '{"level":"info","msg":"SIGTERM received, shutting down"}',
    ],
  },
  {
    // The log router exited first (0); the app reports no exit code.
    fixture: 'events/task-stopped/missing-exit-code.json',
    logGroup: '/ecs/api-service',
    logStream: 'firelens/log_router/ede951ae1798dd59fb759eeacfb3ce13',
    lines: [
      'AWS for Fluent Bit Container Image Version 2.32.0',
      'Fluent Bit v1.9.10',
      '[2025/04/15 06:43:16] [engine] caught signal (SIGTERM)',
      '[2025/04/15 06:43:17] [ info] [engine] service has stopped (0 pending tasks)',
    ],
  },
  {
    fixture: 'events/task-stopped/oddly-cased-truncated-reason.json',
    logGroup: '/ecs/worker-service',
    logStream: 'ecs/worker/5f3e638aa239508e174ae16a006abe67',
    lines: [
      'worker started, concurrency=8',
      'processing order batch 91544 (250 orders)',
      'loading the 1.2 GB catalogue snapshot into memory',
    ],
  },
  {
    // The FireLens log router ran out of memory buffering for a slow CloudWatch output.
    fixture: 'events/task-stopped/oom-killed-sidecar.json',
    logGroup: '/ecs/api-service',
    logStream: 'firelens/log_router/1cd3a537d4b6336adde6c77cfc3eeb1f',
    lines: [
      'AWS for Fluent Bit Container Image Version 2.32.0',
      '[2025/03/02 05:37:01] [ warn] [input] tail.0 paused (mem buf overlimit)',
      '[2025/03/02 05:37:20] [ warn] [output:cloudwatch_logs:cloudwatch_logs.0] retry in 9 seconds',
    ],
  },
];

async function timed<T>(timings: Record<string, number>, name: string, fn: () => Promise<T>): Promise<T> {
  const t = Date.now();
  try {
    return await fn();
  } finally {
    timings[name] = Date.now() - t;
  }
}

export async function seedAccount(clientConfig: LocalAwsClientConfig, opts: SeedOptions = {}): Promise<SeededAccount> {
  const log = opts.log ?? (() => {});
  const revisions = { ...DEFAULT_REVISIONS, ...opts.revisions };
  const timings: Record<string, number> = {};
  const ec2 = new EC2Client(clientConfig);
  const ecs = new ECSClient(clientConfig);
  const logs = new CloudWatchLogsClient(clientConfig);
  const sns = new SNSClient(clientConfig);
  const sqs = new SQSClient(clientConfig);
  const started = Date.now();

  try {
    // ------------------------------------------------------------ network
    const { vpcId, securityGroupId, subnets } = await timed(timings, 'network', async () => {
      const vpc = await ec2.send(
        new CreateVpcCommand({
          CidrBlock: '10.0.0.0/16',
          TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'production' }] }],
        }),
      );
      const vpcId = vpc.Vpc?.VpcId as string;
      // Needed by moto too: RunTask with awsvpc crashes (500, NetworkInterface has no private_dns_name)
      // in a VPC without DNS hostnames.
      await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsSupport: { Value: true } }));
      await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
      const sg = await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: 'ecs-services', Description: 'ECS services', VpcId: vpcId }),
      );
      const securityGroupId = sg.GroupId as string;
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: securityGroupId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }],
        }),
      );
      const mk = async (cidr: string, az: string, name: string): Promise<SeededSubnet> => {
        const s = await ec2.send(
          new CreateSubnetCommand({
            VpcId: vpcId,
            CidrBlock: cidr,
            AvailabilityZone: az,
            TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'Name', Value: name }] }],
          }),
        );
        const prefix = Number(cidr.split('/')[1]);
        return { subnetId: s.Subnet?.SubnetId as string, cidr, az, usable: 2 ** (32 - prefix) - 5, enisCreated: 0 };
      };
      const subnets = {
        a: await mk('10.0.0.0/24', 'us-east-1a', 'production-private-a'),
        b: await mk('10.0.1.0/26', 'us-east-1b', 'production-private-b'),
        tiny: await mk('10.0.2.0/28', 'us-east-1c', 'production-private-tiny'),
      };
      // Fill the /28 (11 usable) to 2 free addresses.
      for (let i = 0; i < 9; i++) {
        await ec2.send(
          new CreateNetworkInterfaceCommand({
            SubnetId: subnets.tiny.subnetId,
            Groups: [securityGroupId],
            Description: `filler ${i + 1} (seeded to make the /28 nearly full)`,
          }),
        );
        subnets.tiny.enisCreated++;
      }
      return { vpcId, securityGroupId, subnets };
    });
    log(`network: ${vpcId} ${subnets.a.subnetId} ${subnets.b.subnetId} ${subnets.tiny.subnetId}`);

    // ------------------------------------------------------------ cluster
    for (const name of ['serviceLongArnFormat', 'taskLongArnFormat', 'containerInstanceLongArnFormat'] as const) {
      await ecs.send(new PutAccountSettingCommand({ name, value: 'enabled' }));
    }
    const cluster = await ecs.send(
      new CreateClusterCommand({
        clusterName: CLUSTER,
        capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
        tags: [{ key: 'environment', value: 'production' }],
      }),
    );
    const clusterArn = cluster.cluster?.clusterArn as string;

    // ------------------------------------------------------------ task definitions
    const taskDefinitions: Record<string, string[]> = {};
    await timed(timings, 'taskDefinitions', async () => {
      const families: Array<[string, number, (rev: number) => RegisterTaskDefinitionCommandInput]> = [
        ['api-service', revisions['api-service'], (r) => apiServiceTaskDef(r, revisions['api-service'])],
        ['worker-service', revisions['worker-service'], workerTaskDef],
        ['checkout-service', revisions['checkout-service'], checkoutTaskDef],
        ['nightly-report', revisions['nightly-report'], nightlyTaskDef],
      ];
      for (const [family, count, build] of families) {
        taskDefinitions[family] = [];
        for (let rev = 1; rev <= count; rev++) {
          const res = await ecs.send(new RegisterTaskDefinitionCommand(build(rev)));
          const arn = res.taskDefinition?.taskDefinitionArn as string;
          if (res.taskDefinition?.revision !== rev) {
            throw new Error(`expected ${family}:${rev}, moto registered ${arn} (was the emulator reset?)`);
          }
          taskDefinitions[family]?.push(arn);
        }
      }
    });
    const latestTaskDefinition = Object.fromEntries(
      Object.entries(taskDefinitions).map(([f, arns]) => [f, arns[arns.length - 1] as string]),
    );

    // ------------------------------------------------------------ container instance (EC2 capacity)
    const containerInstance = await timed(timings, 'containerInstance', async () => {
      const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
      const imageId = images.Images?.find((i) => i.Architecture === 'x86_64')?.ImageId ?? 'ami-12c6146b';
      const instanceType = 'm5.large';
      const run = await ec2.send(
        new RunInstancesCommand({
          ImageId: imageId,
          InstanceType: instanceType,
          MinCount: 1,
          MaxCount: 1,
          SubnetId: subnets.a.subnetId,
          SecurityGroupIds: [securityGroupId],
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'ecs-production-worker' }] }],
        }),
      );
      const ec2InstanceId = run.Instances?.[0]?.InstanceId as string;
      const ci = await ecs.send(
        new RegisterContainerInstanceCommand({
          cluster: CLUSTER,
          instanceIdentityDocument: JSON.stringify({
            instanceId: ec2InstanceId,
            instanceType,
            region: REGION,
            accountId: ACCOUNT,
            availabilityZone: subnets.a.az,
          }),
        }),
      );
      return { arn: ci.containerInstance?.containerInstanceArn as string, ec2InstanceId, instanceType };
    });

    // ------------------------------------------------------------ services
    const awsvpc = (subnetIds: string[]) => ({
      awsvpcConfiguration: {
        subnets: subnetIds,
        securityGroups: [securityGroupId],
        assignPublicIp: 'DISABLED' as const,
      },
    });
    const deploymentConfiguration = {
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      deploymentCircuitBreaker: { enable: true, rollback: true },
    };
    const services = await timed(timings, 'services', async () => {
      const create = async (
        name: 'api-service' | 'worker-service' | 'checkout-service',
        team: string,
        input: Partial<ConstructorParameters<typeof CreateServiceCommand>[0]>,
      ): Promise<SeededService> => {
        const res = await ecs.send(
          new CreateServiceCommand({
            cluster: CLUSTER,
            serviceName: name,
            taskDefinition: latestTaskDefinition[name],
            tags: [
              { key: TEAM_TAG_KEY, value: team },
              { key: 'environment', value: 'production' },
            ],
            deploymentConfiguration,
            propagateTags: 'SERVICE',
            enableECSManagedTags: true,
            ...input,
          }),
        );
        // moto's CreateService ignores deploymentConfiguration / capacityProviderStrategy; UpdateService stores them.
        await ecs.send(
          new UpdateServiceCommand({
            cluster: CLUSTER,
            service: name,
            deploymentConfiguration,
            ...(input.capacityProviderStrategy ? { capacityProviderStrategy: input.capacityProviderStrategy } : {}),
          }),
        );
        return {
          serviceName: name,
          serviceArn: res.service?.serviceArn as string,
          taskDefinitionArn: latestTaskDefinition[name] as string,
          team,
          runningTaskArns: [],
          stoppedTaskArns: [],
        };
      };
      return {
        'api-service': await create('api-service', 'payments', {
          desiredCount: 4,
          launchType: 'FARGATE',
          platformVersion: 'LATEST',
          networkConfiguration: awsvpc([subnets.a.subnetId, subnets.b.subnetId]),
        }),
        'worker-service': await create('worker-service', 'fulfilment', {
          desiredCount: 2,
          launchType: 'EC2',
        }),
        'checkout-service': await create('checkout-service', 'payments', {
          desiredCount: 2,
          capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
          networkConfiguration: awsvpc([subnets.b.subnetId]),
        }),
      };
    });

    // ------------------------------------------------------------ tasks (moto's services do not start tasks)
    const standaloneTaskArns: string[] = [];
    await timed(timings, 'tasks', async () => {
      const runFor = async (svc: SeededService, count: number, extra: Record<string, unknown>) => {
        const deploymentId = 'ecs-svc/1234567890123456789';
        const res = await ecs.send(
          new RunTaskCommand({
            cluster: CLUSTER,
            taskDefinition: svc.taskDefinitionArn,
            count,
            startedBy: deploymentId,
            group: `service:${svc.serviceName}`,
            tags: [{ key: TEAM_TAG_KEY, value: svc.team }],
            ...extra,
          }),
        );
        return (res.tasks ?? []).map((t) => t.taskArn as string);
      };
      const api = services['api-service'];
      api.runningTaskArns = await runFor(api, 5, {
        launchType: 'FARGATE',
        networkConfiguration: awsvpc([subnets.a.subnetId, subnets.b.subnetId]),
      });
      // one api task stopped (OOM-like); it stays listed under desiredStatus STOPPED
      const stopped = api.runningTaskArns.pop() as string;
      await ecs.send(
        new StopTaskCommand({ cluster: CLUSTER, task: stopped, reason: 'Essential container in task exited' }),
      );
      api.stoppedTaskArns.push(stopped);

      const worker = services['worker-service'];
      worker.runningTaskArns = await runFor(worker, 2, { launchType: 'EC2' });

      const checkout = services['checkout-service'];
      checkout.runningTaskArns = await runFor(checkout, 2, {
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
        networkConfiguration: awsvpc([subnets.b.subnetId]),
      });

      const nightly = await ecs.send(
        new RunTaskCommand({
          cluster: CLUSTER,
          taskDefinition: latestTaskDefinition['nightly-report'],
          count: 1,
          launchType: 'FARGATE',
          startedBy: 'events-rule/nightly-report',
          group: 'family:nightly-report',
          networkConfiguration: awsvpc([subnets.a.subnetId]),
        }),
      );
      standaloneTaskArns.push(...(nightly.tasks ?? []).map((t) => t.taskArn as string));
    });

    // ------------------------------------------------------------ logs
    const apiTaskId = (services['api-service'].stoppedTaskArns[0] ?? '').split('/').pop() as string;
    const apiGroup = '/ecs/api-service';
    const apiStream = `ecs/api/${apiTaskId}`;
    await timed(timings, 'logs', async () => {
      for (const group of ['/ecs/api-service', '/ecs/worker-service', '/ecs/checkout-service', '/ecs/nightly-report']) {
        await logs.send(new CreateLogGroupCommand({ logGroupName: group, tags: { team: 'payments' } }));
        await logs.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: 30 }));
      }
      await logs.send(new CreateLogStreamCommand({ logGroupName: apiGroup, logStreamName: apiStream }));
      const base = Date.now() - 60_000;
      await logs.send(
        new PutLogEventsCommand({
          logGroupName: apiGroup,
          logStreamName: apiStream,
          logEvents: API_LOG_LINES.map((message, i) => ({ timestamp: base + i * 1000, message })),
        }),
      );
      for (const stream of FIXTURE_LOG_STREAMS) {
        await logs.send(new CreateLogStreamCommand({ logGroupName: stream.logGroup, logStreamName: stream.logStream }));
        await logs.send(
          new PutLogEventsCommand({
            logGroupName: stream.logGroup,
            logStreamName: stream.logStream,
            logEvents: stream.lines.map((message, i) => ({ timestamp: base + i * 1000, message })),
          }),
        );
      }
      const workerTaskId = (services['worker-service'].runningTaskArns[0] ?? 'unknown').split('/').pop();
      const workerStream = `ecs/worker/${workerTaskId}`;
      await logs.send(new CreateLogStreamCommand({ logGroupName: '/ecs/worker-service', logStreamName: workerStream }));
      await logs.send(
        new PutLogEventsCommand({
          logGroupName: '/ecs/worker-service',
          logStreamName: workerStream,
          logEvents: [
            { timestamp: base, message: 'worker started, concurrency=8' },
            { timestamp: base + 500, message: 'Error: connect ECONNREFUSED 10.0.0.12:5432' },
          ],
        }),
      );
    });

    // ------------------------------------------------------------ load balancer and health-check cases
    const healthChecks = await timed(timings, 'healthChecks', () =>
      seedHealthCheckCases(clientConfig, CLUSTER, {
        vpcId,
        subnetIds: [subnets.a.subnetId, subnets.b.subnetId],
        servicesSecurityGroupId: securityGroupId,
      }),
    );

    // ------------------------------------------------------------ alert topic + SQS subscribers
    const alerts = await timed(timings, 'alerts', async () => {
      const topic = await sns.send(
        new CreateTopicCommand({ Name: 'ecs-watchdog-alerts', Tags: [{ Key: 'app', Value: 'ecs-watchdog' }] }),
      );
      const topicArn = topic.TopicArn as string;
      const queue = (name: string, filterPolicy?: Record<string, unknown>) =>
        subscribeQueue(sns, sqs, topicArn, name, filterPolicy);
      return {
        topicArn,
        allAlerts: await queue('all-alerts'),
        paymentsAlerts: await queue('payments-alerts', { team: ['payments'] }),
      };
    });

    timings.total = Date.now() - started;
    log(`seeded in ${timings.total} ms`);
    return {
      account: ACCOUNT,
      region: REGION,
      cluster: { name: CLUSTER, arn: clusterArn },
      vpcId,
      securityGroupId,
      subnets,
      taskDefinitions,
      latestTaskDefinition,
      services,
      containerInstance,
      standaloneTaskArns,
      logs: { apiGroup, apiStream, apiTaskId, workerGroup: '/ecs/worker-service', lines: API_LOG_LINES },
      alerts,
      secrets: { dbPasswordArn: DB_PASSWORD_ARN, apiKeyParameterArn: API_KEY_PARAM_ARN },
      healthChecks,
      fixtureIds: {
        ...healthChecks.fixtureIds,
        [FIXTURE_SUBNET_IDS.a]: subnets.a.subnetId,
        [FIXTURE_SUBNET_IDS.b]: subnets.b.subnetId,
        [FIXTURE_SUBNET_IDS.tiny]: subnets.tiny.subnetId,
        [FIXTURE_EC2_INSTANCE_ID]: containerInstance.ec2InstanceId,
      },
      timingsMs: timings,
    };
  } finally {
    for (const c of [ec2, ecs, logs, sns, sqs]) c.destroy();
  }
}

/**
 * An SQS queue subscribed to a topic (raw delivery off), with a filter policy on message attributes
 * if given: how a team subscribes to the alerts (docs/routing.md).
 */
export async function subscribeQueue(
  sns: SNSClient,
  sqs: SQSClient,
  topicArn: string,
  name: string,
  filterPolicy?: Record<string, unknown>,
): Promise<{ queueUrl: string; queueArn: string; subscriptionArn: string }> {
  const q = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const queueUrl = q.QueueUrl as string;
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const queueArn = attrs.Attributes?.QueueArn as string;
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: queueUrl,
      Attributes: {
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'sns.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: queueArn,
              Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
            },
          ],
        }),
      },
    }),
  );
  const sub = await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      ReturnSubscriptionArn: true,
      Attributes: {
        RawMessageDelivery: 'false',
        ...(filterPolicy ? { FilterPolicy: JSON.stringify(filterPolicy), FilterPolicyScope: 'MessageAttributes' } : {}),
      },
    }),
  );
  return { queueUrl, queueArn, subscriptionArn: sub.SubscriptionArn as string };
}

/**
 * Replace fixture ids (e.g. subnet-0a1b2c3d4e5f60001) with the seeded ones everywhere in a
 * JSON-serialisable value (an EventBridge event from events/), returning a copy.
 */
export function rewriteFixtureIds<T>(value: T, fixtureIds: Record<string, string>): T {
  let text = JSON.stringify(value);
  for (const [from, to] of Object.entries(fixtureIds)) text = text.split(from).join(to);
  return JSON.parse(text) as T;
}

/** One SNS notification as a subscribed SQS queue receives it (raw delivery off): the envelope, unwrapped. */
export interface SnsDelivery {
  messageId: string;
  subject?: string;
  /** The body SNS picked for the `sqs` protocol (MessageStructure json). */
  message: string;
  /** Message attributes, name -> value. */
  attributes: Record<string, string>;
  timestamp?: string;
}

/**
 * Reads everything in a queue subscribed to the alert topic (the seeded `all-alerts` or
 * `payments-alerts`), deletes what it read, and unwraps the SNS envelopes. moto delivers to SQS
 * synchronously, so every alert published before this call is already in the queue.
 */
export async function drainSnsDeliveries(clientConfig: LocalAwsClientConfig, queueUrl: string): Promise<SnsDelivery[]> {
  const sqs = new SQSClient(clientConfig);
  const deliveries: SnsDelivery[] = [];
  try {
    for (;;) {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      const messages = out.Messages ?? [];
      if (messages.length === 0) return deliveries;
      deliveries.push(...messages.map((m) => unwrapSnsEnvelope(m.Body ?? '')));
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
  } finally {
    sqs.destroy();
  }
}

function unwrapSnsEnvelope(body: string): SnsDelivery {
  const envelope = JSON.parse(body) as {
    Type?: string;
    MessageId?: string;
    Subject?: string;
    Message?: string;
    Timestamp?: string;
    MessageAttributes?: Record<string, { Type?: string; Value?: string }>;
  };
  if (envelope.Type !== 'Notification' || typeof envelope.Message !== 'string') {
    throw new Error(`not an SNS notification envelope: ${body.slice(0, 200)}`);
  }
  return {
    messageId: envelope.MessageId ?? '',
    subject: envelope.Subject,
    message: envelope.Message,
    attributes: Object.fromEntries(
      Object.entries(envelope.MessageAttributes ?? {}).map(([name, value]) => [name, value.Value ?? '']),
    ),
    timestamp: envelope.Timestamp,
  };
}

if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  const log = (m: string): void => console.error(`[seed] ${m}`);
  withLocalAws(
    async (aws) => {
      const seeded = await seedAccount(aws.clientConfig, { log });
      console.log(JSON.stringify(seeded, null, 2));
    },
    { log },
  ).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
