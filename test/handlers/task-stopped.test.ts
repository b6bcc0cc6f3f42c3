import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeClustersCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-ecs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlertPublisher } from '../../lambdas/adapters/alert-publisher';
import { EcsReader } from '../../lambdas/adapters/ecs-reader';
import { LogsReader } from '../../lambdas/adapters/logs-reader';
import { MemoryIncidentStore } from '../../lambdas/adapters/memory-incident-store';
import { MetricsReader } from '../../lambdas/adapters/metrics-reader';
import type { TimerMessage } from '../../lambdas/adapters/timer-queue';
import { processTaskStopped, type TaskStoppedDeps } from '../../lambdas/app/process-task-stopped';
import type { WatchdogConfig } from '../../lambdas/app/shared/config';
import { MemoryCounter } from '../../lambdas/app/shared/telemetry';
import { makeRedactor } from '../../lambdas/domain/alerts/redact';
import { taskEvent } from '../support/events';

const ecsMock = mockClient(ECSClient);
const snsMock = mockClient(SNSClient);
const logsMock = mockClient(CloudWatchLogsClient);
const cloudWatchMock = mockClient(CloudWatchClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ecs-watchdog-alerts';

const config: WatchdogConfig = {
  alertTopicArn: TOPIC,
  teamTagKey: 'team',
  enrichmentBudgetMs: 200,
  logExcerptLines: 20,
  mutedCategories: new Set(),
  severityOverrides: {},
  redactPatterns: ['customer-\\d+'],
  // As deployed: incident tracking on (the in-memory store behind the same port as DynamoDB). No group
  // wait, so that a first stop pages in the invocation under test.
  incidents: {
    tableName: 'state',
    timerQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/timers',
    policy: { threshold: 3, windowMs: 10 * 60_000, groupWaitMs: 0, quietMs: 15 * 60_000 },
  },
};

const API_CONTAINER = {
  name: 'api',
  image: 'api:v1',
  essential: true,
  memory: 512,
  memoryReservation: 256,
  logConfiguration: {
    logDriver: 'awslogs' as const,
    options: { 'awslogs-group': '/ecs/api-service', 'awslogs-stream-prefix': 'ecs', 'awslogs-region': 'us-east-1' },
  },
};
const LOG_ROUTER = { name: 'log_router', image: 'fluent-bit', essential: true };

const TASK_DEFINITION = {
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api-service:42',
  family: 'api-service',
  revision: 42,
  cpu: '256',
  memory: '512',
  containerDefinitions: [API_CONTAINER, LOG_ROUTER],
};

const PREVIOUS_DEFINITION = {
  ...TASK_DEFINITION,
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api-service:41',
  revision: 41,
  memory: '1024',
  containerDefinitions: [{ ...API_CONTAINER, memory: 1024 }, LOG_ROUTER],
};

interface Recorded {
  level: string;
  message: string;
  extra?: Record<string, unknown>;
}

function makeDeps(overrides: Partial<WatchdogConfig> = {}) {
  const logs: Recorded[] = [];
  const record = (level: string) => (message: string, extra?: Record<string, unknown>) =>
    logs.push({ level, message, extra });
  const counter = new MemoryCounter();
  const now = () => Date.parse('2026-11-26T03:00:00Z');
  const store = new MemoryIncidentStore(now);
  const timers: TimerMessage[] = [];
  const trackedIncidents = () =>
    'incidents' in overrides && !overrides.incidents
      ? undefined
      : { store, timers: { schedule: async (m: TimerMessage) => void timers.push(m) }, now };
  const deps: TaskStoppedDeps = {
    config: { ...config, ...overrides },
    ecs: new EcsReader(new ECSClient({ region: 'us-east-1' })),
    logs: new LogsReader(new CloudWatchLogsClient({ region: 'us-east-1' })),
    metrics: new MetricsReader(new CloudWatchClient({ region: 'us-east-1' }), () => new Date('2026-11-26T03:00:00Z')),
    redactor: makeRedactor(config.redactPatterns),
    publisher: new AlertPublisher(new SNSClient({ region: 'us-east-1' }), TOPIC),
    log: { info: record('info'), warn: record('warn'), error: record('error') },
    counter,
    incidents: trackedIncidents(),
  };
  return { deps, logs, counter, store, timers };
}

const OOM_TASK_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/production/0123456789abcdef0123456789abcdef';
const OOM = taskEvent({
  containers: [
    {
      name: 'api',
      exitCode: 137,
      reason: 'OutOfMemoryError: Container killed due to memory usage',
      lastStatus: 'STOPPED',
    },
    { name: 'log_router', exitCode: 143, lastStatus: 'STOPPED' },
  ],
});

beforeEach(() => {
  ecsMock.reset();
  snsMock.reset();
  logsMock.reset();
  cloudWatchMock.reset();
  ecsMock.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: TASK_DEFINITION });
  ecsMock
    .on(DescribeTaskDefinitionCommand, { taskDefinition: PREVIOUS_DEFINITION.taskDefinitionArn })
    .resolves({ taskDefinition: PREVIOUS_DEFINITION });
  ecsMock
    .on(DescribeClustersCommand)
    .resolves({ clusters: [{ settings: [{ name: 'containerInsights', value: 'enabled' }] }] });
  logsMock.on(GetLogEventsCommand).resolves({
    events: [
      { timestamp: 1, message: 'starting worker for customer-1234' },
      { timestamp: 2, message: 'connecting with password=hunter2\n' },
      { timestamp: 3, message: 'java.lang.OutOfMemoryError: Java heap space' },
    ],
  });
  cloudWatchMock
    .on(GetMetricDataCommand)
    .resolves({ MetricDataResults: [{ Id: 'peak', Values: [498.2, 509.7, 301] }] });
  ecsMock.on(ListTagsForResourceCommand).resolves({ tags: [{ key: 'team', value: 'payments' }] });
  snsMock.on(PublishCommand).resolves({ MessageId: 'msg-1' });
});

describe('processTaskStopped', () => {
  it('publishes one enriched alert with the exact subject, attributes and per-protocol bodies', async () => {
    const { deps, counter } = makeDeps();
    const outcome = await processTaskStopped(OOM, deps);

    expect(outcome.status).toBe('published');
    const calls = snsMock.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.TopicArn).toBe(TOPIC);
    expect(input?.Subject).toBe(
      'HIGH OOM_KILLED: api-service in production - container api out of memory (limit 512 MiB)',
    );
    expect(input?.MessageStructure).toBe('json');
    expect(input?.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'HIGH' },
      category: { DataType: 'String', StringValue: 'OOM_KILLED' },
      kind: { DataType: 'String', StringValue: 'TASK_STOPPED' },
      cluster: { DataType: 'String', StringValue: 'production' },
      service: { DataType: 'String', StringValue: 'api-service' },
      team: { DataType: 'String', StringValue: 'payments' },
      account: { DataType: 'String', StringValue: '123456789012' },
      region: { DataType: 'String', StringValue: 'us-east-1' },
      actionable: { DataType: 'String', StringValue: 'true' },
      resolves: { DataType: 'String', StringValue: 'false' },
    });

    const bodies = JSON.parse(input?.Message ?? '{}');
    // SQS, Lambda, Firehose and email-json subscribers get `default`: the alert JSON.
    expect(Object.keys(bodies).sort()).toEqual(['default', 'email', 'https']);
    const alert = JSON.parse(bodies.default);
    expect(alert).toMatchObject({
      kind: 'TASK_STOPPED',
      category: 'OOM_KILLED',
      culpritContainer: 'api',
      team: 'payments',
      taskDefinition: 'api-service:42',
      enrichmentErrors: [],
    });
    const api = alert.evidence.containers.find((c: { name: string }) => c.name === 'api');
    expect(api).toMatchObject({
      essential: true,
      memoryHardMiB: 512,
      memorySoftMiB: 256,
      culprit: true,
      exitCode: 137,
    });
    expect(alert.links.map((l: { label: string }) => l.label)).toContain('Logs /ecs/api-service');
    const logLink = alert.links.find((l: { label: string }) => l.label === 'Logs /ecs/api-service').url;
    expect(logLink).toContain(
      'log-group/$252Fecs$252Fapi-service/log-events/ecs$252Fapi$252F0123456789abcdef0123456789abcdef',
    );

    expect(bodies.email).toContain('NEXT STEPS');
    expect(bodies.email).toContain('Container api (CULPRIT): exit 137');
    const chat = JSON.parse(bodies.https);
    expect(chat).toMatchObject({ version: '1.0', source: 'custom', metadata: { threadId: alert.incidentId } });
    expect(chat.content.nextSteps.length).toBeGreaterThan(0);
    expect(counter.counts).toEqual({ ActionableStops: 1, AlertsPublished: 1 });
    expect(counter.dimensioned).toEqual({ 'Pages{severity=HIGH,category=OOM_KILLED}': 1 });
  });

  it('publishes nothing for a routine stop and logs why at info', async () => {
    const { deps, logs, counter } = makeDeps();
    const scaleIn = taskEvent({
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1234567890123456789)',
      containers: [{ name: 'api', exitCode: 143 }],
    });
    const outcome = await processTaskStopped(scaleIn, deps);
    expect(outcome.status).toBe('routine');
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
    expect(ecsMock.calls()).toHaveLength(0);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'info',
        extra: expect.objectContaining({ category: 'SCALE_IN_OR_DEPLOYMENT' }),
      }),
    );
    expect(counter.counts).toEqual({ RoutineStops: 1 });
  });

  it('still publishes when the task definition lookup fails, naming what is missing', async () => {
    ecsMock
      .on(DescribeTaskDefinitionCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    const { deps, counter } = makeDeps();
    const outcome = await processTaskStopped(OOM, deps);
    expect(outcome.status).toBe('published');
    const alert = JSON.parse(
      JSON.parse(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}').default,
    );
    expect(alert.enrichmentErrors).toEqual([
      { lookup: 'task definition', message: 'AccessDeniedException: User is not authorized' },
      { lookup: 'log excerpt', message: 'needs the task definition: AccessDeniedException: User is not authorized' },
      { lookup: 'previous revision', message: 'AccessDeniedException: User is not authorized' },
    ]);
    expect(alert.team).toBe('payments');
    expect(alert.evidence.containers.find((c: { name: string }) => c.name === 'api').memoryHardMiB).toBeUndefined();
    expect(counter.counts.EnrichmentErrors).toBe(3);
  });

  it('still publishes within the budget when a lookup hangs', async () => {
    ecsMock.on(DescribeTaskDefinitionCommand).callsFake(() => new Promise(() => {}));
    const { deps } = makeDeps({ enrichmentBudgetMs: 150 });
    const started = Date.now();
    const outcome = await processTaskStopped(OOM, deps);
    const elapsed = Date.now() - started;
    expect(outcome.status).toBe('published');
    expect(elapsed).toBeLessThan(2000);
    const alert = JSON.parse(
      JSON.parse(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}').default,
    );
    expect(alert.enrichmentErrors).toContainEqual({ lookup: 'task definition', message: 'timed out after 150 ms' });
    expect(alert.enrichmentErrors.map((e: { lookup: string }) => e.lookup).sort()).toEqual([
      'log excerpt',
      'previous revision',
      'task definition',
    ]);
    expect(alert.evidence.facts).toContainEqual(expect.objectContaining({ label: 'Peak memory, last 60 min' }));
  });

  it('rejects a malformed event with a clear, logged and counted error, without throwing', async () => {
    const { deps, logs, counter } = makeDeps();
    const bad = taskEvent({
      taskArn: undefined,
      overrides: { containerOverrides: [{ environment: [{ name: 'PW', value: 'hunter2' }] }] },
    });
    const outcome = await processTaskStopped(bad, deps);
    expect(outcome.status).toBe('invalid');
    expect(outcome.status === 'invalid' && outcome.error.message).toBe(
      'detail.taskArn: expected a non-empty string, got nothing',
    );
    expect(counter.counts).toEqual({ InvalidEvents: 1 });
    const entry = logs.find((l) => l.level === 'error');
    expect(entry?.extra?.reason).toBe('detail.taskArn: expected a non-empty string, got nothing');
    expect(JSON.stringify(entry)).not.toContain('hunter2');
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('keeps an alert SNS refused in the outbox, and a retry of the event publishes it once', async () => {
    snsMock.on(PublishCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }));
    const { deps, store, counter } = makeDeps();
    expect((await processTaskStopped(OOM, deps)).status).toBe('published');
    expect(store.alerts('PENDING').map((a) => a.alertId)).toEqual([`task-stopped:${OOM_TASK_ARN}`]);
    expect(counter.counts.AlertDeliveryFailures).toBe(1);

    snsMock.on(PublishCommand).resolves({ MessageId: 'm-2' });
    expect((await processTaskStopped(OOM, deps)).status).toBe('duplicate');
    expect((await processTaskStopped(OOM, deps)).status).toBe('duplicate');
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(2);
    expect(store.alerts('DELIVERED')).toHaveLength(1);
  });

  it('fails the invocation when the incident store fails, so Lambda retries it', async () => {
    const { deps, store } = makeDeps();
    store.hooks = {
      before: (op) => {
        if (op === 'commit') throw Object.assign(new Error('Table unavailable'), { name: 'ResourceNotFoundException' });
      },
    };
    await expect(processTaskStopped(OOM, deps)).rejects.toThrow('Table unavailable');
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
    store.hooks = {};
    expect((await processTaskStopped(OOM, deps)).status).toBe('published');
  });

  it('does not page for a muted category, and counts it', async () => {
    const { deps, counter } = makeDeps({ mutedCategories: new Set(['OOM_KILLED']) });
    const outcome = await processTaskStopped(OOM, deps);
    expect(outcome.status).toBe('muted');
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
    expect(counter.counts.MutedAlerts).toBe(1);
  });

  it('caches the task definition across invocations of a warm function', async () => {
    const { deps } = makeDeps();
    await processTaskStopped(OOM, deps);
    await processTaskStopped({ ...OOM, id: 'evt-0002' }, deps);
    // The current revision and, for an OOM kill, the previous one: each looked up once.
    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(2);
    expect(ecsMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(1);
    expect(ecsMock.commandCalls(ListTagsForResourceCommand)[0]?.args[0].input.resourceArn).toBe(
      'arn:aws:ecs:us-east-1:123456789012:service/production/api-service',
    );
  });

  it('marks the team unassigned when the service has no team tag', async () => {
    ecsMock.on(ListTagsForResourceCommand).resolves({ tags: [] });
    const { deps } = makeDeps();
    await processTaskStopped(OOM, deps);
    const attributes = snsMock.commandCalls(PublishCommand)[0]?.args[0].input.MessageAttributes;
    expect(attributes?.team?.StringValue).toBe('unassigned');
  });

  it('adds the redacted log excerpt and the memory evidence an OOM investigation needs', async () => {
    const { deps } = makeDeps();
    const outcome = await processTaskStopped(
      { ...OOM, detail: { ...(OOM.detail as object), launchType: 'FARGATE', cpu: '256', memory: '512' } },
      deps,
    );
    expect(outcome.status).toBe('published');
    const alert = JSON.parse(
      JSON.parse(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}').default,
    );
    expect(alert.enrichmentErrors).toEqual([]);
    expect(alert.evidence.logExcerpt).toEqual({
      container: 'api',
      logGroup: '/ecs/api-service',
      logStream: 'ecs/api/0123456789abcdef0123456789abcdef',
      lines: [
        'starting worker for [REDACTED]',
        'connecting with password=[REDACTED]',
        'java.lang.OutOfMemoryError: Java heap space',
      ],
    });
    expect(logsMock.commandCalls(GetLogEventsCommand)[0]?.args[0].input).toEqual({
      logGroupName: '/ecs/api-service',
      logStreamName: 'ecs/api/0123456789abcdef0123456789abcdef',
      limit: 20,
      startFromHead: false,
    });
    const facts = Object.fromEntries(
      alert.evidence.facts.map((f: { label: string; value: string }) => [f.label, f.value]),
    );
    expect(facts['Memory limits of api']).toBe('hard 512 MiB, soft 256 MiB');
    expect(facts['Peak memory, last 60 min']).toBe(
      '510 MiB (100% of 512 MiB) - Container Insights MemoryUtilized (Maximum of any task)',
    );
    expect(facts['Limit change']).toBe(
      'revision 41: container 1024 MiB, task 1024 MiB -> revision 42: container 512 MiB, task 512 MiB',
    );
    expect(facts['Next Fargate size']).toBe('256 CPU units / 1024 MiB (now 256 / 512)');
    const metricQuery =
      cloudWatchMock.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries?.[0]?.MetricStat;
    expect(metricQuery?.Metric?.Dimensions).toEqual([
      { Name: 'ClusterName', Value: 'production' },
      { Name: 'ServiceName', Value: 'api-service' },
    ]);
    const email = JSON.parse(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}').email;
    expect(email).toContain('LAST 3 LOG LINES');
    expect(email).not.toContain('hunter2');
  });

  it('says so when Container Insights is off instead of guessing peak memory', async () => {
    ecsMock
      .on(DescribeClustersCommand)
      .resolves({ clusters: [{ settings: [{ name: 'containerInsights', value: 'disabled' }] }] });
    const { deps } = makeDeps();
    await processTaskStopped(OOM, deps);
    const alert = JSON.parse(
      JSON.parse(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}').default,
    );
    expect(alert.evidence.facts).toContainEqual({
      label: 'Peak memory',
      value: 'Container Insights is off for cluster production: turn it on to see peak memory use',
    });
    expect(cloudWatchMock.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });

  it('gives a note instead of an excerpt for a container that logs through FireLens', async () => {
    ecsMock.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        ...TASK_DEFINITION,
        containerDefinitions: [
          { ...API_CONTAINER, logConfiguration: { logDriver: 'awsfirelens' as const } },
          LOG_ROUTER,
        ],
      },
    });
    const { deps } = makeDeps();
    await processTaskStopped(taskEvent({ containers: [{ name: 'api', exitCode: 1 }] }), deps);
    const alert = JSON.parse(
      JSON.parse(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}').default,
    );
    expect(alert.evidence.logExcerpt).toBeUndefined();
    expect(alert.evidence.facts).toContainEqual({
      label: 'Logs',
      value: "api logs through FireLens to the outputs of the log router's own configuration: read them there",
    });
    expect(logsMock.commandCalls(GetLogEventsCommand)).toHaveLength(0);
  });

  it('reads no logs of a container that never ran (the task failed to start): says so, not an enrichment error', async () => {
    const { deps, logs } = makeDeps();
    const pullFailed = taskEvent({
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s): not found',
      containers: [
        { name: 'api', reason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s): not found' },
        { name: 'log_router', exitCode: 0 },
      ],
    });
    await processTaskStopped(pullFailed, deps);
    const alert = JSON.parse(
      JSON.parse(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}').default,
    );
    expect(alert.category).toBe('IMAGE_PULL');
    expect(alert.evidence.facts).toContainEqual({
      label: 'Logs',
      value: 'none: container api never ran (the task failed to start)',
    });
    expect(alert.enrichmentErrors).toEqual([]);
    expect(logs.filter((l) => l.level === 'warn')).toEqual([]);
    expect(logsMock.commandCalls(GetLogEventsCommand)).toHaveLength(0);
  });

  it('skips the log excerpt when it is disabled', async () => {
    const { deps } = makeDeps({ logExcerptLines: 0 });
    await processTaskStopped(taskEvent({ containers: [{ name: 'api', exitCode: 1 }] }), deps);
    expect(logsMock.commandCalls(GetLogEventsCommand)).toHaveLength(0);
  });

  it('makes 4 AWS calls for an actionable alert cold and 2 warm; an OOM adds 3 cold and 1 warm', async () => {
    // Enrichment's own calls, every stop paging alone (the incident store's calls: bench/enrichment.ts).
    const { deps } = makeDeps({ incidents: undefined });
    const crash = taskEvent({ containers: [{ name: 'api', exitCode: 1 }] });
    const count = () =>
      ecsMock.calls().length + logsMock.calls().length + cloudWatchMock.calls().length + snsMock.calls().length;
    await processTaskStopped(crash, deps);
    expect(count()).toBe(4);
    await processTaskStopped({ ...crash, id: 'evt-2' }, deps);
    expect(count()).toBe(4 + 2);
    await processTaskStopped(OOM, deps);
    expect(count()).toBe(6 + 2 + 3);
    await processTaskStopped({ ...OOM, id: 'evt-4' }, deps);
    expect(count()).toBe(11 + 3);
  });

  it('cuts long log lines after redacting them, and keeps the newest lines within the excerpt budget', async () => {
    const secret = 'password=hunter2';
    logsMock.on(GetLogEventsCommand).resolves({
      events: Array.from({ length: 20 }, (_, i) => ({
        timestamp: i,
        message: `${i} ${'x'.repeat(990)} ${secret} ${'y'.repeat(4000)}`,
      })),
    });
    const { deps } = makeDeps();
    await processTaskStopped(taskEvent({ containers: [{ name: 'api', exitCode: 1 }] }), deps);
    const alert = JSON.parse(
      JSON.parse(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}').default,
    );
    const lines: string[] = alert.evidence.logExcerpt.lines;
    expect(lines.every((line) => line.length <= 1000)).toBe(true);
    expect(lines.join('').length).toBeLessThanOrEqual(16_000);
    expect(lines.at(-1)?.startsWith('19 ')).toBe(true);
    expect(JSON.stringify(alert)).not.toContain('hunter2');
  });

  it("takes a standalone task's team from its task definition's tags (a scheduled job has no service)", async () => {
    ecsMock
      .on(ListTagsForResourceCommand, { resourceArn: TASK_DEFINITION.taskDefinitionArn })
      .resolves({ tags: [{ key: 'team', value: 'reporting' }] });
    const { deps } = makeDeps();
    await processTaskStopped(
      taskEvent({ group: 'family:api-service', containers: [{ name: 'api', exitCode: 2 }] }),
      deps,
    );
    const attributes = snsMock.commandCalls(PublishCommand)[0]?.args[0].input.MessageAttributes;
    expect(attributes?.team?.StringValue).toBe('reporting');
    // The task definition family stands for the service a standalone task lacks (docs/routing.md).
    expect(attributes?.service?.StringValue).toBe('api-service');
  });
});
