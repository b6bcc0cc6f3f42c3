import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EcsWatchdog, type EcsWatchdogProps } from '../../infra/ecs-watchdog.js';
import { rulerMatches } from './event-ruler.js';
import { type Json, resourceOf, synthWatchdog } from './helpers.js';

afterAll(() => CloudAssembly.cleanupTemporaryDirectories());

/**
 * The rules' patterns as synthesized (what EventBridge is given), matched by Event Ruler, EventBridge's
 * own matcher (test/infra/event-ruler.ts): which ECS events reach the functions.
 */
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const CLUSTER = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`;
const SERVICE = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/api`;

function patterns(props: EcsWatchdogProps = {}): { taskStopped: Json; deployment: Json; serviceAction: Json } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'PatternStack', { env: { account: ACCOUNT, region: REGION } });
  const watchdog = new EcsWatchdog(stack, 'Watchdog', props);
  const template = Template.fromStack(stack);
  const of = (rule: Parameters<typeof resourceOf>[1]) => resourceOf(template, rule).Properties.EventPattern;
  return {
    taskStopped: of(watchdog.taskStoppedRule),
    deployment: of(watchdog.rolloutWatch.deploymentRule),
    serviceAction: of(watchdog.rolloutWatch.serviceActionRule),
  };
}

function envelope(detailType: string, detail: Json, extra: Json = {}): Json {
  return {
    version: '0',
    id: 'b5b2a7b1-0000-4000-8000-000000000001',
    'detail-type': detailType,
    source: 'aws.ecs',
    account: ACCOUNT,
    time: '2025-01-01T00:00:00Z',
    region: REGION,
    resources: [],
    detail,
    ...extra,
  };
}

function stopEvent(detail: Json = {}, extra: Json = {}): Json {
  return envelope(
    'ECS Task State Change',
    {
      clusterArn: CLUSTER,
      group: 'service:api',
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [{ name: 'app', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }],
      ...detail,
    },
    { resources: [`arn:aws:ecs:${REGION}:${ACCOUNT}:task/prod/0123456789abcdef`], ...extra },
  );
}

function without(event: Json, field: string): Json {
  const { [field]: _removed, ...detail } = event.detail;
  return { ...event, detail };
}

const SCALING = 'Scaling activity initiated by (deployment ecs-svc/1234567890123456789)';
const all = patterns();
const scoped = patterns({ clusters: [CLUSTER] });
/** History off: routine stops are filtered at the rule again (README "History"). */
const noHistory = patterns({ historyRetentionDays: 0 });
const otherAccounts = patterns({ memberAccounts: ['210987654321'] });
/** What the rule would be without the `$or` (an anything-but alone needs the field to be present). */
const naive = {
  source: ['aws.ecs'],
  detail: {
    lastStatus: ['STOPPED'],
    stopCode: [{ 'anything-but': ['UserInitiated'] }],
    stoppedReason: [{ 'anything-but': { prefix: 'Scaling activity initiated by' } }],
  },
};

const CASES: [string, Json, Json, boolean][] = [
  ['task stop: an OOM kill', all.taskStopped, stopEvent(), true],
  [
    'task stop: a health-check replacement (same stop code as scale-in, another reason)',
    all.taskStopped,
    stopEvent({
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: 'Task failed ELB health checks in (target-group x)',
    }),
    true,
  ],
  [
    'task stop: a user stop is dropped without history',
    noHistory.taskStopped,
    stopEvent({ stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' }),
    false,
  ],
  [
    'task stop: a scale-in is dropped without history',
    noHistory.taskStopped,
    stopEvent({ stopCode: 'ServiceSchedulerInitiated', stoppedReason: SCALING }),
    false,
  ],
  [
    'task stop: a scale-in without stopCode is dropped without history',
    noHistory.taskStopped,
    without(stopEvent({ stoppedReason: SCALING }), 'stopCode'),
    false,
  ],
  [
    'task stop: with history on, a scale-in reaches the function, to be recorded',
    all.taskStopped,
    stopEvent({ stopCode: 'ServiceSchedulerInitiated', stoppedReason: SCALING }),
    true,
  ],
  [
    'task stop: with history on, a user stop reaches the function, to be recorded',
    all.taskStopped,
    stopEvent({ stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' }),
    true,
  ],
  ['task stop: no stopCode is kept without history', noHistory.taskStopped, without(stopEvent(), 'stopCode'), true],
  ['task stop: no stopCode is kept', all.taskStopped, without(stopEvent(), 'stopCode'), true],
  ['task stop: no stoppedReason is kept', all.taskStopped, without(stopEvent(), 'stoppedReason'), true],
  ['task stop: neither is kept', all.taskStopped, without(without(stopEvent(), 'stopCode'), 'stoppedReason'), true],
  ['a bare anything-but keeps an OOM kill', naive, stopEvent(), true],
  [
    'a bare anything-but would lose a stop without stopCode: the reason for the $or',
    naive,
    without(stopEvent(), 'stopCode'),
    false,
  ],
  [
    'task stop: a Spot warning (not yet stopped) is left out',
    all.taskStopped,
    stopEvent({ lastStatus: 'RUNNING', stopCode: 'SpotInterruption' }),
    false,
  ],
  ['task stop: a pending task is left out', all.taskStopped, stopEvent({ lastStatus: 'PENDING' }), false],
  [
    'task stop: another detail type is left out',
    all.taskStopped,
    { ...stopEvent(), 'detail-type': 'ECS Container Instance State Change' },
    false,
  ],
  ['task stop: another source is left out', all.taskStopped, { ...stopEvent(), source: 'custom.ecs' }, false],
  ['task stop: another account is left out', all.taskStopped, stopEvent({}, { account: '210987654321' }), false],
  [
    'task stop: a listed other account is accepted',
    otherAccounts.taskStopped,
    stopEvent({}, { account: '210987654321' }),
    true,
  ],
  ['task stop: with clusters, a watched cluster is kept', scoped.taskStopped, stopEvent(), true],
  [
    'task stop: with clusters, another cluster is left out',
    scoped.taskStopped,
    stopEvent({ clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/dev` }),
    false,
  ],
  ...(
    [
      [{ eventType: 'WARN', eventName: 'SERVICE_TASK_START_IMPAIRED' }, true],
      [{ eventType: 'ERROR', eventName: 'SERVICE_TASK_PLACEMENT_FAILURE' }, true],
      [{ eventType: 'INFO', eventName: 'SERVICE_STEADY_STATE' }, true],
      [{ eventType: 'INFO', eventName: 'SERVICE_DESIRED_COUNT_UPDATED' }, false],
    ] as [Json, boolean][]
  ).map(([detail, expected]): [string, Json, Json, boolean] => [
    `service action: ${detail.eventName}`,
    scoped.serviceAction,
    envelope('ECS Service Action', { ...detail, clusterArn: CLUSTER }, { resources: [SERVICE] }),
    expected,
  ]),
  [
    'service action: another account is left out',
    all.serviceAction,
    envelope(
      'ECS Service Action',
      { eventType: 'ERROR', eventName: 'SERVICE_TASK_PLACEMENT_FAILURE', clusterArn: CLUSTER },
      { account: '210987654321' },
    ),
    false,
  ],
  [
    'deployment: a failure of a watched cluster',
    scoped.deployment,
    envelope(
      'ECS Deployment State Change',
      { eventType: 'ERROR', eventName: 'SERVICE_DEPLOYMENT_FAILED' },
      { resources: [SERVICE] },
    ),
    true,
  ],
  [
    'deployment: another cluster is left out',
    scoped.deployment,
    envelope(
      'ECS Deployment State Change',
      { eventType: 'ERROR' },
      { resources: [`arn:aws:ecs:${REGION}:${ACCOUNT}:service/dev/api`] },
    ),
    false,
  ],
  [
    'deployment: any cluster without clusters, this account only',
    all.deployment,
    envelope('ECS Deployment State Change', { eventType: 'INFO' }, { resources: [SERVICE] }),
    true,
  ],
  [
    'deployment: another account is left out',
    all.deployment,
    envelope('ECS Deployment State Change', { eventType: 'ERROR' }, { resources: [SERVICE], account: '210987654321' }),
    false,
  ],
];

describe('rule patterns under EventBridge semantics (Event Ruler)', () => {
  let matched: boolean[] = [];
  beforeAll(() => {
    matched = rulerMatches(CASES.map(([, pattern, event]) => ({ pattern, event })));
  }, 300_000);

  it.each(CASES.map((c, i) => [c[0], i, c[3]] as const))('%s', (_name, index, expected) => {
    expect(matched[index]).toBe(expected);
  });
});

describe('the task-stopped rule pattern', () => {
  const NOT_ROUTINE = [
    {
      stopCode: [{ 'anything-but': ['UserInitiated'] }],
      stoppedReason: [{ 'anything-but': { prefix: 'Scaling activity initiated by' } }],
    },
    { stopCode: [{ 'anything-but': ['UserInitiated'] }], stoppedReason: [{ exists: false }] },
    { stopCode: [{ exists: false }], stoppedReason: [{ 'anything-but': { prefix: 'Scaling activity initiated by' } }] },
    { stopCode: [{ exists: false }], stoppedReason: [{ exists: false }] },
  ];

  it('is exactly this, for all clusters of this account', () => {
    const { template, watchdog } = synthWatchdog();
    expect(resourceOf(template, watchdog.taskStoppedRule).Properties.EventPattern).toEqual({
      source: ['aws.ecs'],
      account: [{ Ref: 'AWS::AccountId' }],
      'detail-type': ['ECS Task State Change'],
      detail: { lastStatus: ['STOPPED'] },
    });
  });

  it('filters routine stops when the history is off (historyRetentionDays 0)', () => {
    const { template, watchdog } = synthWatchdog({ historyRetentionDays: 0 });
    expect(resourceOf(template, watchdog.taskStoppedRule).Properties.EventPattern).toEqual({
      source: ['aws.ecs'],
      account: [{ Ref: 'AWS::AccountId' }],
      'detail-type': ['ECS Task State Change'],
      detail: { lastStatus: ['STOPPED'], $or: NOT_ROUTINE },
    });
  });

  it('adds the cluster ARNs when clusters are given', () => {
    expect(scoped.taskStopped.detail.clusterArn).toEqual([CLUSTER]);
  });

  it.each([[[]], [['12345']], [['arn:aws:iam::123456789012:root']]])(
    'rejects memberAccounts %j naming the setting and its -c key',
    (accounts) => {
      expect(() => synthWatchdog({ memberAccounts: accounts })).toThrow(/memberAccounts.*-c memberAccounts/);
    },
  );
});
