import { DescribeTaskDefinitionCommand, ECSClient, ListTagsForResourceCommand } from '@aws-sdk/client-ecs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlertPublisher } from '../../lambdas/adapters/alert-publisher';
import { EcsReader } from '../../lambdas/adapters/ecs-reader';
import { processTaskStopped, type TaskStoppedDeps } from '../../lambdas/handlers/process-task-stopped';
import type { WatchdogConfig } from '../../lambdas/handlers/shared/config';
import { MemoryCounter } from '../../lambdas/handlers/shared/telemetry';
import { taskEvent } from '../support/events';

const ecsMock = mockClient(ECSClient);
const snsMock = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ecs-watchdog-alerts';

const config: WatchdogConfig = {
  alertTopicArn: TOPIC,
  teamTagKey: 'team',
  enrichmentBudgetMs: 200,
  logExcerptLines: 20,
  mutedCategories: new Set(),
  severityOverrides: {},
};

const TASK_DEFINITION = {
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api-service:42',
  family: 'api-service',
  revision: 42,
  cpu: '256',
  memory: '512',
  containerDefinitions: [
    {
      name: 'api',
      image: 'api:v1',
      essential: true,
      memory: 512,
      memoryReservation: 256,
      logConfiguration: {
        logDriver: 'awslogs' as const,
        options: { 'awslogs-group': '/ecs/api-service', 'awslogs-stream-prefix': 'ecs', 'awslogs-region': 'us-east-1' },
      },
    },
    { name: 'log_router', image: 'fluent-bit', essential: true },
  ],
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
  const deps: TaskStoppedDeps = {
    config: { ...config, ...overrides },
    ecs: new EcsReader(new ECSClient({ region: 'us-east-1' })),
    publisher: new AlertPublisher(new SNSClient({ region: 'us-east-1' }), TOPIC),
    log: { info: record('info'), warn: record('warn'), error: record('error') },
    counter,
  };
  return { deps, logs, counter };
}

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
  ecsMock.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: TASK_DEFINITION });
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
      'HIGH OOM_KILLED: api-service in production - container api out of memory (its 512 MiB memory limit)',
    );
    expect(input?.MessageStructure).toBe('json');
    expect(input?.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'HIGH' },
      category: { DataType: 'String', StringValue: 'OOM_KILLED' },
      kind: { DataType: 'String', StringValue: 'TASK_STOPPED' },
      cluster: { DataType: 'String', StringValue: 'production' },
      service: { DataType: 'String', StringValue: 'api-service' },
      team: { DataType: 'String', StringValue: 'payments' },
      actionable: { DataType: 'String', StringValue: 'true' },
    });

    const bodies = JSON.parse(input?.Message ?? '{}');
    const alert = JSON.parse(bodies.sqs);
    expect(JSON.parse(bodies.default)).toEqual(alert);
    expect(JSON.parse(bodies.lambda)).toEqual(alert);
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
    expect(counter.counts).toEqual({ AlertsPublished: 1 });
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
    const alert = JSON.parse(JSON.parse(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}').sqs);
    expect(alert.enrichmentErrors).toEqual([
      { lookup: 'task definition', message: 'AccessDeniedException: User is not authorized' },
    ]);
    expect(alert.team).toBe('payments');
    expect(counter.counts.EnrichmentErrors).toBe(1);
  });

  it('still publishes within the budget when a lookup hangs', async () => {
    ecsMock.on(DescribeTaskDefinitionCommand).callsFake(() => new Promise(() => {}));
    const { deps } = makeDeps({ enrichmentBudgetMs: 150 });
    const started = Date.now();
    const outcome = await processTaskStopped(OOM, deps);
    const elapsed = Date.now() - started;
    expect(outcome.status).toBe('published');
    expect(elapsed).toBeLessThan(2000);
    const alert = JSON.parse(JSON.parse(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}').sqs);
    expect(alert.enrichmentErrors).toEqual([{ lookup: 'task definition', message: 'timed out after 150 ms' }]);
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

  it('propagates a publish failure so the invocation is retried and dead-lettered', async () => {
    snsMock.on(PublishCommand).rejects(new Error('Throttling'));
    const { deps } = makeDeps();
    await expect(processTaskStopped(OOM, deps)).rejects.toThrow('Throttling');
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
    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
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
});
