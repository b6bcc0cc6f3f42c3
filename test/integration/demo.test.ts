/** `ecs-watchdog demo` end to end on the shared local AWS, plus the replay's routing by detail-type. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryCounter, silentLog } from '../../lambdas/app/shared/telemetry';
import { listEventFiles, replayEvent } from '../../lambdas/cli/replay';
import { runDemoOn } from '../../local/demo';
import { localAws, resetAws } from './aws';

const ROOT = join(__dirname, '..', '..');
const EXPECTED: Record<string, { category: string; actionable: boolean }> = JSON.parse(
  readFileSync(join(ROOT, 'test', 'fixtures', 'expected-task-stopped.json'), 'utf8'),
);
const actionableStops = Object.values(EXPECTED).filter((e) => e.actionable);
const routineStops = Object.values(EXPECTED).filter((e) => !e.actionable);
const eventFiles = listEventFiles(join(ROOT, 'events'), ROOT);
const malformedFiles = eventFiles.filter((f) => f.label.startsWith(join('events', 'invalid')));

/** A number from the summary table, e.g. `figure('Alerts out (all-alerts queue)')`. */
const figure = (output: string, label: string): number => {
  const match = new RegExp(`^ +${label.replace(/[()]/g, '\\$&')} +(\\d+)\\b`, 'm').exec(output);
  if (!match) throw new Error(`summary has no line "${label}"`);
  return Number(match[1]);
};

describe('ecs-watchdog demo', () => {
  let stdout = '';
  let stderr = '';
  let code: number;

  beforeAll(async () => {
    await resetAws();
    code = await runDemoOn(localAws(), {
      out: (text) => {
        stdout += text;
      },
      err: (text) => {
        stderr += text;
      },
    });
  });

  it('exits 0 and prints one block per actionable fixture, grouped by service', () => {
    expect(code).toBe(0);
    const blocks = stdout.match(/^Subject: {4}/gm) ?? [];
    expect(blocks.length).toBe(figure(stdout, 'Alerts out (all-alerts queue)'));
    expect(blocks.length).toBeGreaterThanOrEqual(actionableStops.length);
    for (const group of [
      'service api-service (cluster production, team payments)',
      'service checkout-service (cluster production, team payments)',
      'service worker-service (cluster production, team fulfilment)',
      'standalone tasks nightly-report (cluster production, team finance)',
    ]) {
      expect(stdout).toContain(` ${group}: `);
    }
    // The e-mail body, rendered from the Alert JSON received in SQS: enrichment and log excerpt included.
    expect(stdout).toContain('Memory limits of api: hard 512 MiB, soft 256 MiB');
    expect(stdout).toContain('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory');
    expect(stdout).toContain('AWS_ACCESS_KEY_ID=[REDACTED]');
    // Health-check stops name their likely cause (the seeded cases of local/seed-health-checks.ts).
    expect(stdout).toContain(
      'Likely cause: killed 38 s after start; grace period 0 s; the check needs 30 s to fail: raise healthCheckGracePeriodSeconds to at least the boot time',
    );
    expect(stdout).toContain(
      "Likely cause: the target returned 404 on /healthz: the path or the matcher is wrong (the container's own health check calls /health)",
    );
    expect(stdout).toMatch(
      /Likely cause: the task's security group sg-\w+ has no rule admitting the load balancer's security group sg-\w+ on port 8080/,
    );
    // Routine stops publish nothing.
    expect(stdout).not.toMatch(/^Subject: .*(SCALE_IN_OR_DEPLOYMENT|USER_STOPPED|COMPLETED|NOT_STOPPED)/m);
  });

  it('ends with a summary of events in, alerts out by category, routine stops and rejected input', () => {
    expect(figure(stdout, 'Events in')).toBe(eventFiles.length);
    expect(figure(stdout, 'malformed samples from events/invalid/')).toBe(malformedFiles.length);
    expect(figure(stdout, 'Routine events dropped (nothing published)')).toBeGreaterThanOrEqual(routineStops.length);
    expect(figure(stdout, 'Invalid rejected (logged and counted)')).toBe(malformedFiles.length);
    expect(stdout).toMatch(/OOM_KILLED +3\b/);
    expect(stdout).toMatch(/Alerts to payments-alerts +\d+ +\(filter policy team=payments\)/);
  });

  it('shows a clear rejection line on stderr for every malformed sample', () => {
    expect(stderr).toContain(
      'rejected events/invalid/truncated-not-json.json: Rejected malformed ECS event - file: not valid JSON',
    );
    expect(stderr).toContain(
      'rejected events/invalid/not-an-ecs-event.json: Rejected malformed ECS event - event.source',
    );
    expect(stderr.match(/ rejected events\/invalid\//g)).toHaveLength(malformedFiles.length);
  });
});

describe('replay routing', () => {
  it('reports an ECS event that no processing function handles as "no-handler", never drops it', async () => {
    const counter = new MemoryCounter();
    const deployment = {
      version: '0',
      id: 'f3a6c4b2-0000-4000-8000-000000000001',
      'detail-type': 'ECS Deployment State Change',
      source: 'aws.ecs',
      account: '123456789012',
      time: '2025-03-01T05:00:00Z',
      region: 'us-east-1',
      resources: ['arn:aws:ecs:us-east-1:123456789012:service/production/api-service'],
      detail: { eventType: 'ERROR', eventName: 'SERVICE_DEPLOYMENT_FAILED', deploymentId: 'ecs-svc/123' },
    };
    const outcome = await replayEvent(deployment, {}, { log: silentLog, counter });
    expect(outcome).toEqual({ status: 'no-handler', detailType: 'ECS Deployment State Change' });
    expect(counter.counts.UnroutedEvents).toBe(1);
  });
});
