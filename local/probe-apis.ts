/**
 * Probes every AWS API the product uses against the local emulator (moto) with the real SDK v3,
 * and prints a markdown table: API | served? | notes.  Run: `npx tsx local/probe-apis.ts [--out FILE]`
 */
import { writeFileSync } from 'node:fs';
import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateNetworkInterfaceCommand,
  DescribeInstanceTypesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type LocalAws, withLocalAws } from './emulator';
import { seedAccount } from './seed';

type Status = 'yes' | 'partly' | 'no';
interface Row {
  api: string;
  served: Status;
  notes: string;
}

const rows: Row[] = [];
function record(api: string, served: Status, notes: string): void {
  rows.push({ api, served, notes });
  console.error(`${served.padEnd(6)} ${api}: ${notes}`);
}
async function probe(api: string, fn: () => Promise<[Status, string]>): Promise<void> {
  try {
    const [s, n] = await fn();
    record(api, s, n);
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    record(
      api,
      'no',
      `threw ${e.name}: ${e.message.split('\n')[0]?.slice(0, 160)} (HTTP ${e.$metadata?.httpStatusCode ?? '?'})`,
    );
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function receiveAll(sqs: SQSClient, queueUrl: string, waitMs = 1500) {
  const deadline = Date.now() + waitMs;
  const out: Array<{ body: string; handle: string }> = [];
  while (Date.now() < deadline) {
    const r = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    for (const m of r.Messages ?? []) out.push({ body: m.Body ?? '', handle: m.ReceiptHandle ?? '' });
    if ((r.Messages ?? []).length === 0) await sleep(200);
  }
  return out;
}

async function run(aws: LocalAws): Promise<void> {
  const cfg = aws.clientConfig;
  const t0 = Date.now();
  const s = await seedAccount(cfg);
  console.error(`seeded in ${Date.now() - t0} ms`);
  const ecs = new ECSClient(cfg);
  const ec2 = new EC2Client(cfg);
  const sns = new SNSClient(cfg);
  const sqs = new SQSClient(cfg);
  const ddb = new DynamoDBClient(cfg);
  const cw = new CloudWatchClient(cfg);
  const logs = new CloudWatchLogsClient(cfg);
  const api = s.services['api-service'];

  // ---------------------------------------------------------------- ECS
  await probe('ECS ListClusters', async () => {
    const r = await ecs.send(new ListClustersCommand({}));
    return r.clusterArns?.includes(s.cluster.arn)
      ? ['yes', `${r.clusterArns.length} cluster(s)`]
      : ['no', JSON.stringify(r.clusterArns)];
  });
  await probe('ECS ListServices', async () => {
    const r = await ecs.send(new ListServicesCommand({ cluster: 'production' }));
    const longArn = r.serviceArns?.every((a) => a.includes(':service/production/'));
    const seededServices = new Set([...Object.keys(s.services), ...Object.keys(s.healthChecks.services)]).size;
    return [
      r.serviceArns?.length === seededServices ? 'yes' : 'partly',
      `${r.serviceArns?.length} services; long ARN format (service/CLUSTER/NAME): ${longArn}`,
    ];
  });
  await probe('ECS DescribeServices (include TAGS)', async () => {
    const r = await ecs.send(
      new DescribeServicesCommand({
        cluster: 'production',
        services: ['api-service', 'checkout-service'],
        include: ['TAGS'],
      }),
    );
    const svc = r.services?.[0];
    const co = r.services?.[1];
    const tags = svc?.tags?.map((t) => `${t.key}=${t.value}`).join(',');
    const dep = svc?.deployments?.[0];
    const dc = svc?.deploymentConfiguration;
    const notes = [
      `tags: ${tags}`,
      `deployments: ${svc?.deployments?.length} (id ${dep?.id}, rolloutState ${dep?.rolloutState}, taskDefinition ${dep?.taskDefinition?.split('/').pop()})`,
      `events: ${svc?.events?.length} (moto never writes service events)`,
      `deploymentConfiguration: ${dc ? JSON.stringify(dc) : 'missing'}`,
      `networkConfiguration subnets: ${svc?.networkConfiguration?.awsvpcConfiguration?.subnets?.length}`,
      `runningCount ${svc?.runningCount}/desired ${svc?.desiredCount}`,
      `checkout capacityProviderStrategy: ${JSON.stringify(co?.capacityProviderStrategy ?? 'missing')}`,
    ];
    const noTags = await ecs.send(new DescribeServicesCommand({ cluster: 'production', services: ['api-service'] }));
    notes.push(`without include: tags ${noTags.services?.[0]?.tags ? 'present' : 'omitted'}`);
    return [tags?.includes('team=payments') && dep ? 'partly' : 'no', notes.join('; ')];
  });
  await probe('ECS DescribeTaskDefinition (include TAGS)', async () => {
    const r = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'api-service:42', include: ['TAGS'] }),
    );
    const td = r.taskDefinition;
    const c = td?.containerDefinitions?.find((x) => x.name === 'api');
    const lr = td?.containerDefinitions?.find((x) => x.name === 'log_router');
    const prev = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'api-service:41' }));
    const ok =
      td?.revision === 42 && c?.secrets?.length === 2 && c?.healthCheck && lr?.firelensConfiguration && r.tags?.length;
    return [
      ok ? 'yes' : 'partly',
      `arn ${td?.taskDefinitionArn}; cpu ${td?.cpu} memory ${td?.memory}; api memory ${c?.memory}/reservation ${c?.memoryReservation}; secrets ${c?.secrets?.map((x) => x.name)}; healthCheck ${Boolean(c?.healthCheck)}; logConfiguration ${c?.logConfiguration?.options?.['awslogs-group']}; firelens ${lr?.firelensConfiguration?.type}; tags ${JSON.stringify(r.tags)}; revision 41 image ${prev.taskDefinition?.containerDefinitions?.[0]?.image?.split(':').pop()}`,
    ];
  });
  await probe('ECS ListTagsForResource (service, long ARN)', async () => {
    const r = await ecs.send(new ListTagsForResourceCommand({ resourceArn: api.serviceArn }));
    const td = await ecs.send(new ListTagsForResourceCommand({ resourceArn: s.latestTaskDefinition['api-service'] }));
    const short = await ecs
      .send(new ListTagsForResourceCommand({ resourceArn: api.serviceArn.replace('/production/', '/') }))
      .then(
        () => 'served',
        (e: Error) => `${e.name}`,
      );
    const task = await ecs.send(new ListTagsForResourceCommand({ resourceArn: api.runningTaskArns[0] as string })).then(
      (x) => `tags ${JSON.stringify(x.tags)}`,
      (e: Error) => `${e.name}: ${e.message.slice(0, 80)}`,
    );
    return [
      r.tags?.some((t) => t.key === 'team') ? 'yes' : 'no',
      `service ${api.serviceArn}: ${JSON.stringify(r.tags)}; task definition: ${td.tags?.length} tags; short service ARN: ${short}; task ARN: ${task}`,
    ];
  });
  await probe('ECS ListTasks (desiredStatus STOPPED, startedBy, serviceName)', async () => {
    const stopped = await ecs.send(new ListTasksCommand({ cluster: 'production', desiredStatus: 'STOPPED' }));
    const running = await ecs.send(new ListTasksCommand({ cluster: 'production', desiredStatus: 'RUNNING' }));
    const by = await ecs.send(
      new ListTasksCommand({ cluster: 'production', startedBy: 'ecs-svc/1234567890123456789' }),
    );
    const svc = await ecs.send(new ListTasksCommand({ cluster: 'production', serviceName: 'api-service' }));
    const fam = await ecs.send(new ListTasksCommand({ cluster: 'production', family: 'nightly-report' }));
    const ok = stopped.taskArns?.length === 1 && (by.taskArns?.length ?? 0) >= 8 && svc.taskArns?.length === 4;
    return [
      ok ? 'yes' : 'partly',
      `STOPPED ${stopped.taskArns?.length}, RUNNING ${running.taskArns?.length}, startedBy ${by.taskArns?.length}, serviceName=api-service ${svc.taskArns?.length} (moto ignores serviceName and returns every task, stopped ones included), family ${fam.taskArns?.length}; task ARN format ${stopped.taskArns?.[0]}`,
    ];
  });
  await probe('ECS DescribeTasks', async () => {
    const r = await ecs.send(
      new DescribeTasksCommand({
        cluster: 'production',
        tasks: [api.stoppedTaskArns[0] as string, api.runningTaskArns[0] as string],
        include: ['TAGS'],
      }),
    );
    const st = r.tasks?.find((t) => t.taskArn === api.stoppedTaskArns[0]);
    const ru = r.tasks?.find((t) => t.taskArn === api.runningTaskArns[0]);
    const eni = ru?.attachments?.[0]?.details?.find((d) => d.name === 'networkInterfaceId')?.value;
    return [
      r.tasks?.length === 2 ? 'partly' : 'no',
      `stopped: lastStatus ${st?.lastStatus}, desiredStatus ${st?.desiredStatus}, stopCode ${st?.stopCode ?? 'none'}, stoppedReason "${st?.stoppedReason}", containers ${st?.containers?.length} (exitCode ${st?.containers?.[0]?.exitCode ?? 'none'}, reason ${st?.containers?.[0]?.reason ?? 'none'}); running: group ${ru?.group}, startedBy ${ru?.startedBy}, launchType ${ru?.launchType}, attachments ${ru?.attachments?.length} (ENI ${eni}), tags ${ru?.tags?.length}, containers ${ru?.containers?.map((c) => c.name).join('+')}`,
    ];
  });
  await probe('ECS ListContainerInstances', async () => {
    const r = await ecs.send(new ListContainerInstancesCommand({ cluster: 'production' }));
    return [r.containerInstanceArns?.length === 1 ? 'yes' : 'no', `${r.containerInstanceArns?.[0]}`];
  });
  await probe('ECS DescribeContainerInstances (remainingResources)', async () => {
    const r = await ecs.send(
      new DescribeContainerInstancesCommand({ cluster: 'production', containerInstances: [s.containerInstance.arn] }),
    );
    const ci = r.containerInstances?.[0];
    const res = (l?: Array<{ name?: string; integerValue?: number }>) =>
      l
        ?.filter((x) => x.name === 'CPU' || x.name === 'MEMORY')
        .map((x) => `${x.name}=${x.integerValue}`)
        .join(' ');
    return [
      ci?.remainingResources ? 'partly' : 'no',
      `registered ${res(ci?.registeredResources)}; remaining ${res(ci?.remainingResources)} after 2 worker tasks (512 CPU/1024 MiB each); runningTasksCount ${ci?.runningTasksCount}; ec2InstanceId ${ci?.ec2InstanceId}; instance type attribute ${ci?.attributes?.find((a) => a.name === 'ecs.instance-type')?.value ?? 'missing'}; registered resources are fixed at 4096 CPU / 7482 MiB whatever the instance type`,
    ];
  });

  // ---------------------------------------------------------------- EC2
  await probe('EC2 DescribeSubnets (AvailableIpAddressCount)', async () => {
    const before = await ec2.send(
      new DescribeSubnetsCommand({ SubnetIds: [s.subnets.a.subnetId, s.subnets.b.subnetId, s.subnets.tiny.subnetId] }),
    );
    const count = (id: string, r = before) => r.Subnets?.find((x) => x.SubnetId === id)?.AvailableIpAddressCount;
    await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: s.subnets.b.subnetId }));
    const after = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [s.subnets.b.subnetId] }));
    const filt = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [s.vpcId] }] }));
    const decreases = (count(s.subnets.b.subnetId, after) ?? 0) < (count(s.subnets.b.subnetId) ?? 0);
    return [
      decreases ? 'yes' : 'partly',
      `/24 ${count(s.subnets.a.subnetId)} (251 usable), /26 ${count(s.subnets.b.subnetId)} (59 usable), /28 ${count(s.subnets.tiny.subnetId)} (11 usable, 9 filler ENIs); one more ENI in the /26 → ${count(s.subnets.b.subnetId, after)}: decreases per ENI = ${decreases}; vpc-id filter → ${filt.Subnets?.length} subnets; CidrBlock ${before.Subnets?.[0]?.CidrBlock}`,
    ];
  });
  await probe('EC2 DescribeInstanceTypes (MaximumNetworkInterfaces)', async () => {
    const r = await ec2.send(
      new DescribeInstanceTypesCommand({ InstanceTypes: ['m5.large', 'c5.xlarge', 't3.micro'] }),
    );
    const v = r.InstanceTypes?.map(
      (t) =>
        `${t.InstanceType}: ENIs ${t.NetworkInfo?.MaximumNetworkInterfaces}, IPv4/ENI ${t.NetworkInfo?.Ipv4AddressesPerInterface}, vCPU ${t.VCpuInfo?.DefaultVCpus}, MiB ${t.MemoryInfo?.SizeInMiB}`,
    );
    return [
      r.InstanceTypes?.every((t) => t.NetworkInfo?.MaximumNetworkInterfaces) ? 'yes' : 'partly',
      v?.join('; ') ?? '',
    ];
  });
  await probe('EC2 DescribeNetworkInterfaces', async () => {
    const r = await ec2.send(
      new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'subnet-id', Values: [s.subnets.tiny.subnetId] }] }),
    );
    const all = await ec2.send(new DescribeNetworkInterfacesCommand({}));
    const ecsEnis = all.NetworkInterfaces?.filter((n) => n.Description === 'moto ECS');
    const ip = ecsEnis?.[0]?.PrivateIpAddress;
    return [
      r.NetworkInterfaces?.length === 9 ? 'yes' : 'partly',
      `subnet-id filter → ${r.NetworkInterfaces?.length} ENIs; ${ecsEnis?.length} ENIs made by RunTask (Description "moto ECS", status ${ecsEnis?.[0]?.Status}, IP ${ip} — random 10.x.y.z, not inside the subnet CIDR)`,
    ];
  });

  // ---------------------------------------------------------------- health checks: ECS, ELBv2, EC2 security groups
  const elb = new ElasticLoadBalancingV2Client(cfg);
  const orders = s.healthChecks.services['orders-api'];
  await probe('ECS DescribeServices (loadBalancers, healthCheckGracePeriodSeconds, security groups)', async () => {
    const r = await ecs.send(new DescribeServicesCommand({ cluster: 'production', services: ['orders-api'] }));
    const svc = r.services?.[0];
    const ok =
      svc?.loadBalancers?.[0]?.targetGroupArn === orders?.targetGroupArn &&
      svc?.healthCheckGracePeriodSeconds === 0 &&
      svc?.networkConfiguration?.awsvpcConfiguration?.securityGroups?.[0] === orders?.securityGroupId;
    return [
      ok ? 'partly' : 'no',
      `loadBalancers ${JSON.stringify(svc?.loadBalancers)}; grace period ${svc?.healthCheckGracePeriodSeconds} (kept only from UpdateService, CreateService drops it); events ${svc?.events?.length} (no "is unhealthy in (target-group …)" events)`,
    ];
  });
  await probe('ELBv2 DescribeTargetGroups (health check settings)', async () => {
    const r = await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [orders?.targetGroupArn ?? ''] }));
    const tg = r.TargetGroups?.[0];
    return [
      tg?.HealthCheckPath === '/health' && tg.UnhealthyThresholdCount === 3 && tg.LoadBalancerArns?.length === 1
        ? 'yes'
        : 'partly',
      `${tg?.TargetType} ${tg?.Protocol}:${tg?.Port} check ${tg?.HealthCheckProtocol} ${tg?.HealthCheckPath} on ${tg?.HealthCheckPort}, matcher ${tg?.Matcher?.HttpCode}, every ${tg?.HealthCheckIntervalSeconds} s, timeout ${tg?.HealthCheckTimeoutSeconds} s, thresholds ${tg?.HealthyThresholdCount}/${tg?.UnhealthyThresholdCount}, load balancers ${tg?.LoadBalancerArns?.length}`,
    ];
  });
  await probe('ELBv2 DescribeTargetHealth', async () => {
    const all = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: orders?.targetGroupArn }));
    const named = await elb.send(
      new DescribeTargetHealthCommand({
        TargetGroupArn: orders?.targetGroupArn,
        Targets: [{ Id: '10.9.9.9', Port: 8080 }],
      }),
    );
    const states = all.TargetHealthDescriptions?.map((d) => `${d.Target?.Id} ${d.TargetHealth?.State}`).join(', ');
    const gone = named.TargetHealthDescriptions?.[0]?.TargetHealth;
    return [
      'partly',
      `registered targets: ${states} (always healthy: moto runs no health checks, so no unhealthy state, reason or description); an unregistered target named in the request: ${gone?.State} ${gone?.Reason}`,
    ];
  });
  await probe('ELBv2 DescribeLoadBalancers (SecurityGroups, subnets)', async () => {
    const r = await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [s.healthChecks.loadBalancerArn] }));
    const lb = r.LoadBalancers?.[0];
    return [
      lb?.SecurityGroups?.[0] === s.healthChecks.loadBalancerSecurityGroupId ? 'yes' : 'partly',
      `${lb?.Type} ${lb?.Scheme}, security groups ${lb?.SecurityGroups?.join(',')}, subnets ${lb?.AvailabilityZones?.map((z) => z.SubnetId).join(',')}`,
    ];
  });
  await probe('EC2 DescribeSecurityGroups (rules by group and CIDR)', async () => {
    const r = await ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: [orders?.securityGroupId ?? '', s.securityGroupId] }),
    );
    const rules = r.SecurityGroups?.map(
      (g) =>
        `${g.GroupName}: in ${g.IpPermissions?.map((p) => `${p.IpProtocol} ${p.FromPort}-${p.ToPort} from ${[...(p.UserIdGroupPairs ?? []).map((u) => u.GroupId), ...(p.IpRanges ?? []).map((i) => i.CidrIp)].join(',')}`).join('; ')}, out ${g.IpPermissionsEgress?.map((p) => `${p.IpProtocol} ${p.IpRanges?.map((i) => i.CidrIp).join(',')}`).join('; ')}`,
    );
    return [r.SecurityGroups?.length === 2 ? 'yes' : 'partly', rules?.join(' | ') ?? ''];
  });

  // ---------------------------------------------------------------- SNS + SQS
  const attrs = {
    severity: { DataType: 'String', StringValue: 'CRITICAL' },
    team: { DataType: 'String', StringValue: 'payments' },
    actionable: { DataType: 'String', StringValue: 'true' },
  };
  await probe('SNS Publish (MessageStructure json, Subject, MessageAttributes)', async () => {
    const alert = { kind: 'TASK_STOPPED', category: 'OOM_KILLED', title: 'probe' };
    const r = await sns.send(
      new PublishCommand({
        TopicArn: s.alerts.topicArn,
        Subject: 'OOM_KILLED api-service: api ran out of memory',
        MessageStructure: 'json',
        Message: JSON.stringify({
          default: 'readable text',
          email: 'email text',
          sqs: JSON.stringify(alert),
          lambda: JSON.stringify(alert),
          https: '{"version":"1.0"}',
        }),
        MessageAttributes: attrs,
      }),
    );
    const got = await receiveAll(sqs, s.alerts.allAlerts.queueUrl);
    const env = got[0] ? JSON.parse(got[0].body) : undefined;
    const sqsKey = env?.Message === JSON.stringify(alert);
    const ma = env?.MessageAttributes ? Object.keys(env.MessageAttributes).join(',') : 'none';
    for (const m of got)
      await sqs.send(new DeleteMessageCommand({ QueueUrl: s.alerts.allAlerts.queueUrl, ReceiptHandle: m.handle }));
    return [
      sqsKey && env?.Subject ? 'yes' : 'partly',
      `MessageId ${Boolean(r.MessageId)}; all-alerts got ${got.length}; envelope Type ${env?.Type}; Message = ${sqsKey ? 'the "sqs" key' : JSON.stringify(env?.Message)}; Subject ${JSON.stringify(env?.Subject)}; MessageAttributes in envelope: ${ma} (format ${JSON.stringify(env?.MessageAttributes?.team)})`,
    ];
  });
  await probe('SNS subscription filter policy (MessageAttributes scope)', async () => {
    for (const m of await receiveAll(sqs, s.alerts.paymentsAlerts.queueUrl, 300))
      await sqs.send(new DeleteMessageCommand({ QueueUrl: s.alerts.paymentsAlerts.queueUrl, ReceiptHandle: m.handle }));
    await sns.send(
      new PublishCommand({ TopicArn: s.alerts.topicArn, Message: 'for payments', MessageAttributes: attrs }),
    );
    await sns.send(
      new PublishCommand({
        TopicArn: s.alerts.topicArn,
        Message: 'for fulfilment',
        MessageAttributes: { ...attrs, team: { DataType: 'String', StringValue: 'fulfilment' } },
      }),
    );
    await sns.send(new PublishCommand({ TopicArn: s.alerts.topicArn, Message: 'no attributes' }));
    const pay = await receiveAll(sqs, s.alerts.paymentsAlerts.queueUrl);
    const all = await receiveAll(sqs, s.alerts.allAlerts.queueUrl);
    const payBodies = pay.map((m) => JSON.parse(m.body).Message);
    for (const m of all)
      await sqs.send(new DeleteMessageCommand({ QueueUrl: s.alerts.allAlerts.queueUrl, ReceiptHandle: m.handle }));
    for (const m of pay)
      await sqs.send(new DeleteMessageCommand({ QueueUrl: s.alerts.paymentsAlerts.queueUrl, ReceiptHandle: m.handle }));
    const ok = payBodies.length === 1 && payBodies[0] === 'for payments' && all.length === 3;
    return [ok ? 'yes' : 'no', `payments-alerts got ${JSON.stringify(payBodies)}; all-alerts got ${all.length}/3`];
  });
  await probe('SQS ReceiveMessage / DeleteMessage', async () => {
    await sns.send(new PublishCommand({ TopicArn: s.alerts.topicArn, Message: 'x', MessageAttributes: attrs }));
    const got = await receiveAll(sqs, s.alerts.allAlerts.queueUrl, 800);
    for (const m of got)
      await sqs.send(new DeleteMessageCommand({ QueueUrl: s.alerts.allAlerts.queueUrl, ReceiptHandle: m.handle }));
    const again = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: s.alerts.allAlerts.queueUrl, VisibilityTimeout: 0, WaitTimeSeconds: 1 }),
    );
    return [
      got.length === 1 && !again.Messages?.length ? 'yes' : 'partly',
      `received ${got.length}, after delete ${again.Messages?.length ?? 0}; long polling (WaitTimeSeconds) honoured`,
    ];
  });

  // ---------------------------------------------------------------- DynamoDB
  const table = 'ecs-watchdog-probe';
  await probe('DynamoDB CreateTable / UpdateTimeToLive / DescribeTimeToLive', async () => {
    await ddb.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    await ddb.send(
      new UpdateTimeToLiveCommand({
        TableName: table,
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      }),
    );
    const d = await ddb.send(new DescribeTimeToLiveCommand({ TableName: table }));
    return [
      d.TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED' ? 'yes' : 'partly',
      `TTL ${d.TimeToLiveDescription?.TimeToLiveStatus} on ${d.TimeToLiveDescription?.AttributeName}; moto does not expire items (TTL is metadata only)`,
    ];
  });
  await probe('DynamoDB PutItem with ConditionExpression', async () => {
    const put = () =>
      ddb.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: 'event#1' }, sk: { S: 'dedupe' }, expiresAt: { N: '1' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    await put();
    const second = await put().then(
      () => 'succeeded (wrong)',
      (e) =>
        e instanceof ConditionalCheckFailedException
          ? 'ConditionalCheckFailedException (instanceof works)'
          : `${(e as Error).name}`,
    );
    return [second.startsWith('Conditional') ? 'yes' : 'no', `second put: ${second}`];
  });
  await probe('DynamoDB UpdateItem with conditions (ADD, ReturnValues)', async () => {
    const upd = (expected: number) =>
      ddb.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { pk: { S: 'svc#api' }, sk: { S: 'incident' } },
          UpdateExpression: 'SET #s = :open ADD stops :one',
          ConditionExpression: 'attribute_not_exists(stops) OR stops = :expected',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':open': { S: 'OPEN' },
            ':one': { N: '1' },
            ':expected': { N: String(expected) },
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
    const a = await upd(0);
    const b = await upd(1);
    const c = await upd(5).then(
      () => 'succeeded (wrong)',
      (e) => (e as Error).name,
    );
    return [
      b.Attributes?.stops?.N === '2' && c === 'ConditionalCheckFailedException' ? 'yes' : 'no',
      `stops ${a.Attributes?.stops?.N} → ${b.Attributes?.stops?.N}; stale condition → ${c}`,
    ];
  });
  await probe('DynamoDB TransactWriteItems', async () => {
    // The same transaction twice: the second must be cancelled by the dedupe condition.
    const transaction = () =>
      ddb.send(
        new TransactWriteItems_({
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: { pk: { S: 'event#2' }, sk: { S: 'dedupe' } },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: table,
                Key: { pk: { S: 'svc#api' }, sk: { S: 'incident' } },
                UpdateExpression: 'ADD stops :one',
                ExpressionAttributeValues: { ':one': { N: '1' } },
              },
            },
          ],
        }),
      );
    await transaction();
    const dup = await transaction().then(
      () => 'succeeded (wrong)',
      (e) =>
        e instanceof TransactionCanceledException
          ? `TransactionCanceledException, reasons ${JSON.stringify(e.CancellationReasons?.map((r) => r.Code))}`
          : (e as Error).name,
    );
    return [dup.startsWith('TransactionCanceled') ? 'yes' : 'no', `duplicate transaction → ${dup}`];
  });
  await probe('DynamoDB Query', async () => {
    const r = await ddb.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': { S: 'svc#api' }, ':p': { S: 'inc' } },
        ScanIndexForward: false,
        Limit: 5,
      }),
    );
    return [
      r.Items?.length === 1 && r.Items[0]?.stops?.N === '3' ? 'yes' : 'partly',
      `items ${r.Items?.length}, stops ${r.Items?.[0]?.stops?.N}`,
    ];
  });

  // ---------------------------------------------------------------- CloudWatch
  await probe('CloudWatch PutMetricData', async () => {
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'EcsWatchdog',
        MetricData: [
          {
            MetricName: 'SubnetFreeIps',
            Dimensions: [{ Name: 'SubnetId', Value: s.subnets.tiny.subnetId }],
            Value: 2,
            Unit: 'Count',
            Timestamp: new Date(),
          },
          {
            MetricName: 'SubnetFreeIps',
            Dimensions: [{ Name: 'SubnetId', Value: s.subnets.a.subnetId }],
            Value: 240,
            Unit: 'Count',
            Timestamp: new Date(),
          },
        ],
      }),
    );
    return ['yes', 'accepted (see GetMetricData for the round trip)'];
  });
  await probe('CloudWatch GetMetricData', async () => {
    const now = Date.now();
    const r = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(now - 600_000),
        EndTime: new Date(now + 60_000),
        MetricDataQueries: [
          {
            Id: 'free',
            MetricStat: {
              Metric: {
                Namespace: 'EcsWatchdog',
                MetricName: 'SubnetFreeIps',
                Dimensions: [{ Name: 'SubnetId', Value: s.subnets.tiny.subnetId }],
              },
              Period: 60,
              Stat: 'Minimum',
            },
          },
        ],
      }),
    );
    const v = r.MetricDataResults?.[0]?.Values;
    return [
      v?.[0] === 2 ? 'yes' : 'partly',
      `values ${JSON.stringify(v)}, status ${r.MetricDataResults?.[0]?.StatusCode}`,
    ];
  });

  // ---------------------------------------------------------------- Logs
  await probe('CloudWatch Logs CreateLogGroup / PutLogEvents', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/probe/x' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/probe/x', logStreamName: 's' }));
    const r = await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/probe/x',
        logStreamName: 's',
        logEvents: [{ timestamp: Date.now(), message: 'hi' }],
      }),
    );
    return [
      'yes',
      `nextSequenceToken ${r.nextSequenceToken ? 'returned' : 'none'}; rejected ${JSON.stringify(r.rejectedLogEventsInfo ?? null)}`,
    ];
  });
  await probe('CloudWatch Logs GetLogEvents (startFromHead false, limit N)', async () => {
    const r = await logs.send(
      new GetLogEventsCommand({
        logGroupName: s.logs.apiGroup,
        logStreamName: s.logs.apiStream,
        startFromHead: false,
        limit: 3,
      }),
    );
    const msgs = r.events?.map((e) => e.message) ?? [];
    const want = s.logs.lines.slice(-3);
    const ok = JSON.stringify(msgs) === JSON.stringify(want);
    const missing = await logs
      .send(
        new GetLogEventsCommand({ logGroupName: s.logs.apiGroup, logStreamName: 'ecs/api/does-not-exist', limit: 3 }),
      )
      .then(
        () => 'no error',
        (e: Error) => e.name,
      );
    return [
      ok ? 'yes' : 'partly',
      `limit 3 from the tail → ${ok ? 'the last 3 lines, oldest first' : JSON.stringify(msgs)}; missing stream → ${missing}`,
    ];
  });
  await probe('CloudWatch Logs DescribeLogStreams', async () => {
    const r = await logs.send(
      new DescribeLogStreamsCommand({ logGroupName: s.logs.apiGroup, logStreamNamePrefix: 'ecs/api/' }),
    );
    const st = r.logStreams?.[0];
    return [
      st?.logStreamName === s.logs.apiStream ? 'yes' : 'partly',
      `${r.logStreams?.length} stream(s), lastEventTimestamp ${st?.lastEventTimestamp ? 'set' : 'missing'}`,
    ];
  });

  for (const c of [ecs, ec2, elb, sns, sqs, ddb, cw, logs]) c.destroy();
}

// alias kept short for the long transaction literals above
const TransactWriteItems_ = TransactWriteItemsCommand;

function table(): string {
  const esc = (x: string) => x.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    '| API | served? | notes |',
    '|---|---|---|',
    ...rows.map((r) => `| ${esc(r.api)} | ${r.served} | ${esc(r.notes)} |`),
  ].join('\n');
}

if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  const outIdx = process.argv.indexOf('--out');
  const out = outIdx > 0 ? process.argv[outIdx + 1] : undefined;
  withLocalAws(run, { log: (m) => console.error(`[local-aws] ${m}`) })
    .then(() => {
      const md = table();
      if (out) writeFileSync(out, `${md}\n`);
      console.log(md);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
