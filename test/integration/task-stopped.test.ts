/**
 * processTaskStopped with real SDK clients against the local AWS (moto), seeded by local/seed.ts:
 * what arrives in the SQS queues subscribed to the alert topic is what a subscriber would receive.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { processTaskStopped, type TaskStoppedDeps } from '../../lambdas/app/process-task-stopped';
import { readConfig } from '../../lambdas/app/shared/config';
import { type Log, MemoryCounter } from '../../lambdas/app/shared/telemetry';
import { makeWatchdogDeps, type WatchdogDeps } from '../../lambdas/cli/watchdog-deps';
import type { Alert } from '../../lambdas/domain/alerts/alert';
import {
  drainSnsDeliveries,
  rewriteFixtureIds,
  type SeededAccount,
  type SnsDelivery,
  seedAccount,
} from '../../local/seed';
import { loadEvent } from '../support/events';
import { awsClientConfig, resetAws } from './aws';

const EXPECTED: Record<string, { category: string; actionable: boolean }> = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'expected-task-stopped.json'), 'utf8'),
);

let seeded: SeededAccount;
let deps: WatchdogDeps;

beforeAll(async () => {
  await resetAws();
  seeded = await seedAccount(awsClientConfig());
  deps = makeWatchdogDeps(awsClientConfig(), readConfig({ ALERT_TOPIC_ARN: seeded.alerts.topicArn }));
});

afterAll(() => deps?.destroy());

// Each test starts with empty subscriber queues.
afterEach(async () => {
  await drainSnsDeliveries(awsClientConfig(), seeded.alerts.allAlerts.queueUrl);
  await drainSnsDeliveries(awsClientConfig(), seeded.alerts.paymentsAlerts.queueUrl);
});

interface Recorded {
  level: 'info' | 'warn' | 'error';
  message: string;
  extra?: Record<string, unknown>;
}

function run(event: unknown, overrides: Partial<TaskStoppedDeps> = {}) {
  const logs: Recorded[] = [];
  const log: Log = {
    info: (message, extra) => logs.push({ level: 'info', message, extra }),
    warn: (message, extra) => logs.push({ level: 'warn', message, extra }),
    error: (message, extra) => logs.push({ level: 'error', message, extra }),
  };
  const counter = new MemoryCounter();
  const outcome = processTaskStopped(event, { ...deps, log, counter, ...overrides });
  return { outcome, logs, counter };
}

/** A fixture from events/ with its subnet / instance ids mapped to the seeded ones. */
const fixture = (name: string): Record<string, unknown> =>
  rewriteFixtureIds(loadEvent(`events/task-stopped/${name}`), seeded.fixtureIds);

const allAlerts = () => drainSnsDeliveries(awsClientConfig(), seeded.alerts.allAlerts.queueUrl);
const paymentsAlerts = () => drainSnsDeliveries(awsClientConfig(), seeded.alerts.paymentsAlerts.queueUrl);
const alertOf = (delivery: SnsDelivery | undefined): Alert => JSON.parse(delivery?.message ?? '{}') as Alert;

describe('processTaskStopped against the local AWS', () => {
  it('delivers an OOM alert with subject, attributes and the full Alert JSON, enriched from the seeded task definition', async () => {
    const { outcome } = run(fixture('oom-killed.json'));
    const result = await outcome;
    expect(result.status).toBe('published');
    if (result.status !== 'published') return;

    const [delivery, ...more] = await allAlerts();
    expect(more).toHaveLength(0);
    expect(delivery?.messageId).toBe(result.messageId);
    expect(delivery?.subject).toBe(result.alert.title);
    expect(delivery?.subject).toMatch(/^HIGH OOM_KILLED: api-service in production - container api out of memory/);
    expect(delivery?.attributes).toEqual({
      severity: 'HIGH',
      category: 'OOM_KILLED',
      kind: 'TASK_STOPPED',
      cluster: 'production',
      service: 'api-service',
      team: 'payments',
      actionable: 'true',
      // The stable alert id: a subscriber drops a repeat by it (README "Delivery").
      alertId: `task-stopped:${result.alert.taskArn}`,
      account: '123456789012',
      region: 'us-east-1',
    });

    // The SQS body is the whole alert, exactly as published.
    const alert = alertOf(delivery);
    expect(alert).toEqual(JSON.parse(JSON.stringify(result.alert)));
    expect(alert.team).toBe('payments'); // from the seeded service's tag
    expect(alert.enrichmentErrors).toEqual([]);
    // Limits and essential flags only the task definition knows (the event has no soft limit, no flags).
    expect(alert.evidence.containers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'api',
          culprit: true,
          essential: true,
          memoryHardMiB: 512,
          memorySoftMiB: 256,
        }),
        expect.objectContaining({ name: 'log_router', essential: true, memoryHardMiB: 100, memorySoftMiB: 50 }),
      ]),
    );
    // The log stream link and excerpt follow the seeded awslogs configuration.
    const logsLink = alert.links.find((l) => l.label === 'Logs /ecs/api-service');
    expect(logsLink?.url).toContain('log-events/ecs$252Fapi$252F5f5fbbfadc198f2d1012b7bf2dcbb515');
    expect(alert.evidence.logExcerpt?.logStream).toBe('ecs/api/5f5fbbfadc198f2d1012b7bf2dcbb515');
    expect(alert.evidence.logExcerpt?.lines.at(-1)).toContain('JavaScript heap out of memory');
    // Fixture ids were mapped to the seeded subnet.
    expect(alert.evidence.facts).toContainEqual({ label: 'Subnet', value: seeded.subnets.a.subnetId });

    // The team filter policy lets it through to payments-alerts too.
    expect((await paymentsAlerts()).map((d) => d.messageId)).toEqual([result.messageId]);
  });

  it('routes by team: payments-alerts (filter team=payments) gets only payments alerts, all-alerts gets all', async () => {
    const payments = await run(fixture('app-crash-exit-1.json')).outcome; // api-service, team payments
    const fulfilment = await run(fixture('segfault-139.json')).outcome; // worker-service, team fulfilment
    const standalone = await run(fixture('job-failed-exit-2.json')).outcome; // nightly-report job: team on its task definition
    expect([payments.status, fulfilment.status, standalone.status]).toEqual(['published', 'published', 'published']);

    const all = await allAlerts();
    expect(all.map((d) => `${d.attributes.service ?? '(no service)'} team=${d.attributes.team}`).sort()).toEqual([
      '(no service) team=finance',
      'api-service team=payments',
      'worker-service team=fulfilment',
    ]);
    const onlyPayments = await paymentsAlerts();
    expect(onlyPayments).toHaveLength(1);
    expect(onlyPayments[0]?.attributes.team).toBe('payments');
    expect(alertOf(onlyPayments[0]).service).toBe('api-service');
  });

  it('still publishes when an ECS lookup fails, naming it in enrichmentErrors', async () => {
    const event = fixture('app-crash-exit-1.json');
    const detail = event.detail as Record<string, unknown>;
    detail.taskDefinitionArn = 'arn:aws:ecs:us-east-1:123456789012:task-definition/api-service:999';
    const { outcome, logs, counter } = run(event);
    const result = await outcome;
    expect(result.status).toBe('published');

    const [delivery] = await allAlerts();
    const alert = alertOf(delivery);
    expect(alert.category).toBe('APP_CRASH');
    expect(alert.team).toBe('payments'); // the tag lookup still worked
    expect(alert.enrichmentErrors).toContainEqual({ lookup: 'task definition', message: expect.any(String) });
    expect(alert.evidence.containers?.find((c) => c.name === 'api')?.essential).toBeUndefined();
    expect(counter.counts.EnrichmentErrors).toBeGreaterThanOrEqual(1);
    expect(logs.some((l) => l.level === 'warn' && l.message.startsWith('Enrichment incomplete'))).toBe(true);
  });

  it('throws when the publish fails, so Lambda retries (and nothing is delivered)', async () => {
    const missingTopic = 'arn:aws:sns:us-east-1:123456789012:no-such-topic';
    const broken = makeWatchdogDeps(awsClientConfig(), readConfig({ ALERT_TOPIC_ARN: missingTopic }));
    try {
      const { outcome, counter } = run(fixture('oom-killed.json'), { publisher: broken.publisher });
      // AWS answers NotFoundException "Topic does not exist"; moto 5.2.5 says "Endpoint does not exist".
      await expect(outcome).rejects.toMatchObject({ name: 'NotFoundException', $metadata: { httpStatusCode: 404 } });
      expect(counter.counts.AlertsPublished).toBeUndefined();
      expect(await allAlerts()).toHaveLength(0);
    } finally {
      broken.destroy();
    }
  });

  it('publishes exactly one alert per actionable fixture, with the expected category, and nothing for routine ones', async () => {
    const results: Array<{ file: string; status: string }> = [];
    for (const [file, expected] of Object.entries(EXPECTED)) {
      const event = rewriteFixtureIds(loadEvent(file), seeded.fixtureIds);
      const result = await run(event).outcome;
      results.push({ file, status: result.status });
      expect(result.status, file).toBe(expected.actionable ? 'published' : 'routine');
    }
    const delivered = await allAlerts();
    const expectedCategories = Object.values(EXPECTED)
      .filter((e) => e.actionable)
      .map((e) => e.category)
      .sort();
    expect(delivered.map((d) => d.attributes.category).sort()).toEqual(expectedCategories);
    expect(delivered.every((d) => d.attributes.actionable === 'true')).toBe(true);
    expect(results.filter((r) => r.status === 'routine').length).toBeGreaterThan(0);
  });
});
