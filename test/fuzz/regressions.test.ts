import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifyEvent } from '../../lambdas/domain/alerts/classify-event';
import { redactAlert } from '../../lambdas/domain/alerts/redact-alert';
import { SNS_MAX_BYTES, toSnsMessage } from '../../lambdas/domain/alerts/sns-message';
import { parseEnvelope } from '../../lambdas/domain/events/ecs-event';
import { loadEvent, taskEvent } from '../support/events';
import { invoke, loadEntries, published, sns } from './entry-harness';

/**
 * The crash families a review of main found by mutating real events (README "Redaction and hostile input"), each
 * through the deployed entry with AWS mocked: every one now ends in an alert or a counted rejection.
 */
beforeAll(loadEntries);
beforeEach(() => sns.resetHistory());

const OOM = loadEvent('events/task-stopped/oom-killed.json') as { detail: Record<string, unknown> };
const withDetail = (detail: Record<string, unknown>, envelope: Record<string, unknown> = {}) => ({
  ...OOM,
  ...envelope,
  detail: { ...OOM.detail, ...detail },
});
const status = (result: unknown) => (result as { status: string }).status;

describe('crash families of hostile events, now answered', () => {
  it.each([
    ['a malformed envelope time', withDetail({}, { time: 'not-a-date' })],
    ['an empty envelope time', withDetail({}, { time: '' })],
    ['a time past the year 275760', withDetail({}, { time: '+275760-09-13T00:00:00.001Z' })],
    ['a malformed stoppedAt', withDetail({ stoppedAt: '2025-13-45T99:99:99Z' })],
    ['an empty stoppedAt', withDetail({ stoppedAt: '' })],
  ])('%s: the stop is alerted, and the alert names the time it could not read', async (_name, event) => {
    expect(status(await invoke('task-stopped', event))).toBe('published');
    const [message] = published();
    expect(message?.message).toContain('Missing from the event');
  });

  it.each([
    [
      'a cluster ARN without its cluster segment',
      withDetail({ clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster' }),
    ],
    ['a cluster ARN ending in a slash', withDetail({ clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/' })],
    ['a bare word for a cluster ARN', withDetail({ clusterArn: '1e400' })],
    ['a task ARN without a task id', withDetail({ taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/' })],
  ])('%s: rejected as invalid, not thrown', async (_name, event) => {
    expect(status(await invoke('task-stopped', event))).toBe('invalid');
    expect(published()).toEqual([]);
  });

  it('a service action whose cluster ARN lacks its segment is rejected, not thrown', async () => {
    const event = loadEvent('events/service-action/placement-failure-memory.json') as { detail: object };
    const result = await invoke('rollout', {
      ...event,
      detail: { ...event.detail, clusterArn: 'arn:aws:ecs:::cluster' },
    });
    expect(status(result)).toBe('invalid');
  });

  it('lone surrogates in names become U+FFFD and the alert goes out (console links encode)', async () => {
    const containers = [{ name: 'api\ud800', exitCode: 137, reason: 'OutOfMemoryError: Container killed\udc00' }];
    const event = withDetail({ group: 'service:api\udfff', containers });
    expect(status(await invoke('task-stopped', event))).toBe('published');
    expect(published()[0]?.message).toContain('api\ufffd');
  });

  it('a detail nested 5,000 deep is classified, and its logged copy is bounded', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 5_000; i++) deep = { a: deep };
    expect(status(await invoke('task-stopped', withDetail({ overrides: deep, extra: deep })))).toBe('published');
    expect(status(await invoke('task-stopped', withDetail({ containers: deep })))).toBe('invalid');
  });

  it('a 240 KB reason is classified in bounded text and the alert fits SNS', async () => {
    const reason = `OutOfMemoryError: ${'target group instance asm volume ('.repeat(7_000)}`;
    const event = withDetail({ stoppedReason: reason, containers: [{ name: 'api', exitCode: 137, reason }] });
    expect(status(await invoke('task-stopped', event))).toBe('published');
    expect(published()[0]?.bytes).toBeLessThanOrEqual(SNS_MAX_BYTES);
  });

  it('a service action with hundreds of long unknown fields still fits SNS', () => {
    const event = loadEvent('events/service-action/unknown-future-event.json') as { detail: object };
    const fields = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`field${i}`, 'x'.repeat(1_200)]));
    const message = toSnsMessage(redactAlert(classifyEvent({ ...event, detail: { ...event.detail, ...fields } })));
    expect(Buffer.byteLength(message.message)).toBeLessThanOrEqual(SNS_MAX_BYTES);
  });
});

describe('classify what can be classified', () => {
  const { id: _id, ...withoutId } = taskEvent({
    containers: [{ name: 'api', exitCode: 137, reason: 'OutOfMemoryError' }],
  });

  it('an event without its envelope id gets a stable id derived from its content', () => {
    const first = classifyEvent(withoutId);
    expect(first.category).toBe('OOM_KILLED');
    expect(first.evidence.facts).toContainEqual({
      label: 'Missing from the event',
      value: 'id (a stable id was derived from the content)',
    });
  });

  it('the derived id is the same for the same event and differs for another', () => {
    const a = parseEnvelope(withoutId).id;
    expect(parseEnvelope(structuredClone(withoutId)).id).toBe(a);
    expect(parseEnvelope({ ...withoutId, time: '2026-11-26T03:00:01Z' }).id).not.toBe(a);
    expect(a).toMatch(/^derived-[0-9a-f]{16}$/);
  });

  it('an event without taskDefinitionArn is classified, and the alert says what it did without', async () => {
    const { taskDefinitionArn: _arn, ...detail } = OOM.detail;
    const alert = classifyEvent({ ...OOM, detail });
    expect(alert.category).toBe('OOM_KILLED');
    expect(alert.evidence.facts.find((f) => f.label === 'Missing from the event')?.value).toContain(
      'taskDefinitionArn',
    );
    expect(status(await invoke('task-stopped', { ...OOM, detail }))).toBe('published');
  });

  it('an event without containers or times is classified from its stop code and reason', () => {
    const { containers: _c, stoppedAt: _s, startedAt: _t, createdAt: _r, ...detail } = OOM.detail;
    const alert = classifyEvent({ ...OOM, detail: { ...detail, stoppedReason: 'Task failed ELB health checks' } });
    expect(alert.category).toBe('HEALTH_CHECK_ELB');
  });
});
