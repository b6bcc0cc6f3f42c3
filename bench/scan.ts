/**
 * Scale benchmark of the capacity scan (`npm run bench:scan`): seeds a throw-away local AWS (moto) with
 * 100 clusters × 50 awsvpc services spread over 40 subnets (plus a few EC2 container instances, half
 * of them with an ENI trunk), runs one scan through the real handler code with every AWS call counted,
 * and prints ONE JSON line:
 *
 *   {"clusters":100,"services":5000,"subnets":40,"apiCalls":{...},"minimumApiCalls":{...},"wallSeconds":…}
 *
 * `minimumApiCalls` is what the APIs' page and batch limits make unavoidable for the seeded counts
 * (e.g. DescribeServices: 10 services per call → 50 services = 5 calls per cluster); `apiCalls` must
 * stay within 10% of it. `wallSeconds` is the scan alone; seeding time goes to stderr.
 *
 * Options (environment): BENCH_CLUSTERS, BENCH_SERVICES_PER_CLUSTER, BENCH_SUBNETS, BENCH_SEED_CONCURRENCY.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
  ModifyVpcAttributeCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  PutAccountSettingCommand,
  PutAttributesCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { AlertPublisher } from '../lambdas/adapters/alert-publisher';
import { CapacityDiscovery, SCAN_LIMITS } from '../lambdas/adapters/capacity-discovery';
import { CapacityMetricsPublisher, PUT_METRIC_DATA_MAX_METRICS } from '../lambdas/adapters/capacity-metrics-publisher';
import { DynamoDbCapacityStateStore } from '../lambdas/adapters/capacity-state-store';
import { mapWithConcurrency } from '../lambdas/adapters/concurrency';
import { type CallCounts, countCalls, totalCalls } from '../lambdas/adapters/sdk-call-counter';
import { StateStore } from '../lambdas/adapters/state-store';
import { processCapacityScan } from '../lambdas/app/process-capacity-scan';
import { MemoryCounter, silentLog } from '../lambdas/app/shared/telemetry';
import { batchCount } from '../lambdas/domain/capacity/batches';
import { TRUNK_ATTRIBUTE } from '../lambdas/domain/capacity/eni-trunking';
import { type LocalAwsClientConfig, withLocalAws } from '../local/emulator';
import { createStateResources } from '../local/state-resources';

const CLUSTERS = intEnv('BENCH_CLUSTERS', 100);
const SERVICES_PER_CLUSTER = intEnv('BENCH_SERVICES_PER_CLUSTER', 50);
const SUBNETS = intEnv('BENCH_SUBNETS', 40);
const SEED_CONCURRENCY = intEnv('BENCH_SEED_CONCURRENCY', 16);
/** Clusters that also get EC2 container instances, and how many each. */
const EC2_CLUSTERS = Math.min(10, CLUSTERS);
const INSTANCES_PER_EC2_CLUSTER = 2;
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'];
/** Subnets each service spreads over (one per zone). */
const SUBNETS_PER_SERVICE = 3;
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

function intEnv(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

const log = (message: string): void => console.error(`[bench:scan] ${message}`);

interface Seeded {
  subnetIds: string[];
  instances: { trunked: number; untrunked: number; types: number };
  topicArn: string;
  tableName: string;
  seedSeconds: number;
}

async function seed(config: LocalAwsClientConfig): Promise<Seeded> {
  const started = Date.now();
  const ec2 = new EC2Client(config);
  const ecs = new ECSClient(config);
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const vpcId = vpc.Vpc?.VpcId as string;
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
  // moto's CreateService needs security groups in an awsvpcConfiguration (AWS does not).
  const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'bench', Description: 'bench', VpcId: vpcId }));
  const securityGroups = [sg.GroupId as string];
  // Mostly /22 subnets (1019 usable addresses each); the last two are /24s, too small for their share
  // of the surges, so the scan has alerts to publish.
  const subnetIds = await mapWithConcurrency(
    Array.from({ length: SUBNETS }, (_, i) => i),
    SEED_CONCURRENCY,
    async (i) => {
      const small = i >= SUBNETS - 2;
      const cidr = small ? `10.0.${252 + (i - (SUBNETS - 2))}.0/24` : `10.0.${i * 4}.0/22`;
      const out = await ec2.send(
        new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: ZONES[i % ZONES.length] }),
      );
      return out.Subnet?.SubnetId as string;
    },
  );
  await ecs.send(new PutAccountSettingCommand({ name: 'serviceLongArnFormat', value: 'enabled' }));
  const taskDefinition = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'bench-service',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:1.27', essential: true, memory: 512 }],
    }),
  );
  const taskDefinitionArn = taskDefinition.taskDefinition?.taskDefinitionArn as string;

  const clusterNames = Array.from({ length: CLUSTERS }, (_, c) => `bench-${String(c).padStart(3, '0')}`);
  await mapWithConcurrency(clusterNames, SEED_CONCURRENCY, (name) =>
    ecs.send(new CreateClusterCommand({ clusterName: name })),
  );
  const t0 = Date.now();
  const serviceJobs = clusterNames.flatMap((cluster, c) =>
    Array.from({ length: SERVICES_PER_CLUSTER }, (_, s) => ({ cluster, c, s })),
  );
  let done = 0;
  await mapWithConcurrency(serviceJobs, SEED_CONCURRENCY, async ({ cluster, c, s }) => {
    const n = c * SERVICES_PER_CLUSTER + s;
    // Consecutive subnets are in consecutive zones: each service gets one subnet in each of 3 zones.
    const subnets = Array.from({ length: SUBNETS_PER_SERVICE }, (_, k) => subnetIds[(n + k) % SUBNETS] as string);
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: `svc-${String(s).padStart(2, '0')}`,
        taskDefinition: taskDefinitionArn,
        desiredCount: 2,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups, assignPublicIp: 'DISABLED' } },
      }),
    );
    done++;
    if (done % 1000 === 0) log(`${done} services created (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  });

  // EC2 capacity: a few clusters with container instances, every other one with an ENI trunk.
  const instanceJobs = clusterNames
    .slice(0, EC2_CLUSTERS)
    .flatMap((cluster) => Array.from({ length: INSTANCES_PER_EC2_CLUSTER }, (_, k) => ({ cluster, k })));
  let trunked = 0;
  await mapWithConcurrency(instanceJobs, SEED_CONCURRENCY, async ({ cluster, k }) => {
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-12c6146b',
        InstanceType: 'm5.large',
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnetIds[0],
      }),
    );
    const instanceId = run.Instances?.[0]?.InstanceId as string;
    const registered = await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster,
        instanceIdentityDocument: JSON.stringify({
          instanceId,
          instanceType: 'm5.large',
          region: REGION,
          accountId: ACCOUNT,
          availabilityZone: ZONES[0],
        }),
      }),
    );
    if (k % 2 === 1) {
      trunked++;
      // moto: the full ARN as targetId without targetType (with targetType it wants the bare id).
      await ecs.send(
        new PutAttributesCommand({
          cluster,
          attributes: [
            {
              name: TRUNK_ATTRIBUTE,
              value: `trunk-${instanceId}`,
              targetId: registered.containerInstance?.containerInstanceArn,
            },
          ],
        }),
      );
    }
  });

  const sns = new SNSClient(config);
  const topic = await sns.send(new CreateTopicCommand({ Name: 'bench-alerts' }));
  const { tableName } = await createStateResources(config, { table: 'bench-capacity-state' });
  for (const client of [ec2, ecs, sns]) client.destroy();
  return {
    subnetIds,
    instances: { trunked, untrunked: instanceJobs.length - trunked, types: 1 },
    topicArn: topic.TopicArn as string,
    tableName,
    seedSeconds: (Date.now() - started) / 1000,
  };
}

/** Calls the page and batch limits make unavoidable for what was seeded (and for the alerts the scan had to send). */
function minimumCalls(
  seeded: Seeded,
  metricPoints: number,
  alerts: number,
  stateSaved: boolean,
  serviceDeploymentsRead: number,
): CallCounts {
  const instances = seeded.instances.trunked + seeded.instances.untrunked;
  const perCluster = (perCall: number, items: number) => Math.max(1, batchCount(items, perCall));
  const minimum: CallCounts = {
    ListClusters: perCluster(SCAN_LIMITS.listPage, CLUSTERS),
    DescribeClusters: batchCount(CLUSTERS, SCAN_LIMITS.describeClusters),
    ListServices: CLUSTERS * perCluster(SCAN_LIMITS.listPage, SERVICES_PER_CLUSTER),
    DescribeServices: CLUSTERS * batchCount(SERVICES_PER_CLUSTER, SCAN_LIMITS.describeServices),
    // Lifecycle hooks: only services that configure hooks and are deploying are asked about (none seeded here).
    DescribeServiceDeployments: batchCount(serviceDeploymentsRead, SCAN_LIMITS.describeServiceDeployments),
    ListContainerInstances: EC2_CLUSTERS * perCluster(SCAN_LIMITS.listPage, INSTANCES_PER_EC2_CLUSTER),
    DescribeContainerInstances:
      EC2_CLUSTERS * batchCount(INSTANCES_PER_EC2_CLUSTER, SCAN_LIMITS.describeContainerInstances),
    DescribeSubnets: batchCount(SUBNETS, SCAN_LIMITS.ec2FilterValues),
    DescribeInstanceTypes: instances > 0 ? batchCount(seeded.instances.types, SCAN_LIMITS.describeInstanceTypes) : 0,
    DescribeInstances: batchCount(seeded.instances.untrunked, SCAN_LIMITS.ec2FilterValues),
    PutMetricData: batchCount(metricPoints, PUT_METRIC_DATA_MAX_METRICS),
    GetItem: 1,
    PutItem: stateSaved ? 1 : 0,
    Publish: alerts,
  };
  return Object.fromEntries(Object.entries(minimum).filter(([, n]) => n > 0));
}

async function main(): Promise<void> {
  await withLocalAws(
    async (aws) => {
      log(`seeding ${CLUSTERS} clusters × ${SERVICES_PER_CLUSTER} services over ${SUBNETS} subnets`);
      const seeded = await seed(aws.clientConfig);
      log(`seeded in ${seeded.seedSeconds.toFixed(1)} s`);

      const calls: CallCounts = {};
      const counted = <C>(client: C): C => {
        countCalls(client, calls);
        return client;
      };
      const discoveryConfig = { ...aws.clientConfig, retryMode: 'adaptive', maxAttempts: 10 };
      const ecs = counted(new ECSClient(discoveryConfig));
      const ec2 = counted(new EC2Client(discoveryConfig));
      const cloudWatch = counted(new CloudWatchClient(aws.clientConfig));
      const dynamodb = counted(new DynamoDBClient(aws.clientConfig));
      const sns = counted(new SNSClient(aws.clientConfig));
      const counter = new MemoryCounter();

      const started = Date.now();
      const outcome = await processCapacityScan({
        config: { freeIpThreshold: 25, teamTagKey: 'team' },
        discovery: CapacityDiscovery.onClients(ecs, ec2),
        metrics: new CapacityMetricsPublisher(cloudWatch),
        state: new DynamoDbCapacityStateStore(new StateStore(dynamodb, seeded.tableName)),
        outbox: new StateStore(dynamodb, seeded.tableName),
        publisher: new AlertPublisher(sns, seeded.topicArn),
        log: silentLog,
        counter,
      });
      const wallSeconds = (Date.now() - started) / 1000;

      const a = outcome.assessment;
      const metricPoints =
        a.subnets.length * 2 + a.instances.filter((i) => i.freeNetworkInterfaces !== undefined).length;
      const minimum = minimumCalls(
        seeded,
        metricPoints,
        outcome.published.length,
        outcome.stateSaved,
        outcome.serviceDeploymentsRead,
      );
      const sorted = (counts: CallCounts) =>
        Object.fromEntries(Object.entries(counts).sort(([x], [y]) => x.localeCompare(y)));
      const made = totalCalls(calls);
      const least = totalCalls(minimum);
      log(
        `scan: ${outcome.services} services, ${a.subnets.length} subnets, ${a.instances.length} instances, ` +
          `${outcome.published.length} alerts; ${made} calls vs ${least} minimum (${((made / least - 1) * 100).toFixed(1)}% over)`,
      );
      console.log(
        JSON.stringify({
          clusters: outcome.clusters,
          services: outcome.services,
          subnets: a.subnets.length,
          containerInstances: a.instances.length,
          alerts: outcome.published.length,
          alertsByKind: countBy(outcome.published.map((a) => a.kind)),
          stallsPending: outcome.stalls.pending.length,
          apiCalls: sorted(calls),
          apiCallsTotal: made,
          minimumApiCalls: sorted(minimum),
          minimumApiCallsTotal: least,
          withinTenPercent: made <= least * 1.1,
          wallSeconds: Number(wallSeconds.toFixed(2)),
          seedSeconds: Number(seeded.seedSeconds.toFixed(1)),
        }),
      );
      for (const client of [ecs, ec2, cloudWatch, dynamodb, sns]) client.destroy();
    },
    { log },
  );
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
