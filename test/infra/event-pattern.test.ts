import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, describe, expect, it } from 'vitest';
import { taskStoppedPattern } from '../../infra/ecs-watchdog.js';
import { type Json, matchesPattern, resourceOf, synthWatchdog } from './helpers.js';

afterAll(() => CloudAssembly.cleanupTemporaryDirectories());

const NOT_ROUTINE = [
  {
    stopCode: [{ 'anything-but': ['UserInitiated'] }],
    stoppedReason: [{ 'anything-but': { prefix: 'Scaling activity initiated by' } }],
  },
  { stopCode: [{ 'anything-but': ['UserInitiated'] }], stoppedReason: [{ exists: false }] },
  { stopCode: [{ exists: false }], stoppedReason: [{ 'anything-but': { prefix: 'Scaling activity initiated by' } }] },
  { stopCode: [{ exists: false }], stoppedReason: [{ exists: false }] },
];

describe('the task-stopped rule pattern', () => {
  it('is exactly this, for all clusters', () => {
    const { template, watchdog } = synthWatchdog();
    expect(resourceOf(template, watchdog.taskStoppedRule).Properties.EventPattern).toEqual({
      source: ['aws.ecs'],
      'detail-type': ['ECS Task State Change'],
      detail: { lastStatus: ['STOPPED'], $or: NOT_ROUTINE },
    });
  });

  it('adds the cluster ARNs when clusters are given', () => {
    const arn = 'arn:aws:ecs:eu-west-1:123456789012:cluster/prod';
    const { template, watchdog } = synthWatchdog({ clusters: [arn] });
    expect(resourceOf(template, watchdog.taskStoppedRule).Properties.EventPattern).toEqual({
      source: ['aws.ecs'],
      'detail-type': ['ECS Task State Change'],
      detail: { lastStatus: ['STOPPED'], clusterArn: [arn], $or: NOT_ROUTINE },
    });
  });
});

const CLUSTER = 'arn:aws:ecs:eu-west-1:123456789012:cluster/prod';

function stopEvent(detail: Record<string, unknown>): Json {
  return {
    version: '0',
    id: 'b5b2a7b1-0000-4000-8000-000000000001',
    'detail-type': 'ECS Task State Change',
    source: 'aws.ecs',
    account: '123456789012',
    time: '2025-01-01T00:00:00Z',
    region: 'eu-west-1',
    resources: ['arn:aws:ecs:eu-west-1:123456789012:task/prod/0123456789abcdef'],
    detail: {
      clusterArn: CLUSTER,
      group: 'service:api',
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [{ name: 'app', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }],
      ...detail,
    },
  };
}

function without(event: Json, field: string): Json {
  const { [field]: _removed, ...detail } = event.detail;
  return { ...event, detail };
}

describe('which events the pattern lets through (documented EventBridge semantics)', () => {
  const pattern = { 'detail-type': ['ECS Task State Change'], ...taskStoppedPattern([CLUSTER]) };
  // EventPattern uses camelCase detailType; the template uses detail-type.
  delete (pattern as Json).detailType;
  const matches = (event: Json) => matchesPattern(pattern, event);

  it('lets an OOM kill through', () => {
    expect(matches(stopEvent({}))).toBe(true);
  });

  it('lets a health-check replacement through (same stop code as scale-in, different reason)', () => {
    expect(
      matches(
        stopEvent({
          stopCode: 'ServiceSchedulerInitiated',
          stoppedReason: 'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:...)',
        }),
      ),
    ).toBe(true);
  });

  it('drops a user stop', () => {
    expect(matches(stopEvent({ stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' }))).toBe(false);
  });

  it('drops scale-in and deployment replacement', () => {
    const reason = 'Scaling activity initiated by (deployment ecs-svc/1234567890123456789)';
    expect(matches(stopEvent({ stopCode: 'ServiceSchedulerInitiated', stoppedReason: reason }))).toBe(false);
    expect(matches(without(stopEvent({ stoppedReason: reason }), 'stopCode'))).toBe(false);
  });

  it('keeps an event that lacks stopCode, stoppedReason, or both', () => {
    expect(matches(without(stopEvent({}), 'stopCode'))).toBe(true);
    expect(matches(without(stopEvent({}), 'stoppedReason'))).toBe(true);
    expect(matches(without(without(stopEvent({}), 'stopCode'), 'stoppedReason'))).toBe(true);
  });

  it('would lose those events with a bare anything-but: the reason for the $or', () => {
    const naive = {
      source: ['aws.ecs'],
      detail: {
        lastStatus: ['STOPPED'],
        stopCode: [{ 'anything-but': ['UserInitiated'] }],
        stoppedReason: [{ 'anything-but': { prefix: 'Scaling activity initiated by' } }],
      },
    };
    expect(matchesPattern(naive, stopEvent({}))).toBe(true);
    expect(matchesPattern(naive, without(stopEvent({}), 'stopCode'))).toBe(false);
  });

  it('leaves out tasks that have not stopped yet, such as a Spot warning', () => {
    expect(matches(stopEvent({ lastStatus: 'RUNNING', stopCode: 'SpotInterruption' }))).toBe(false);
    expect(matches(stopEvent({ lastStatus: 'PENDING' }))).toBe(false);
  });

  it('leaves out other clusters and other detail types', () => {
    expect(matches(stopEvent({ clusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/dev' }))).toBe(false);
    expect(matches({ ...stopEvent({}), 'detail-type': 'ECS Container Instance State Change' })).toBe(false);
  });
});
