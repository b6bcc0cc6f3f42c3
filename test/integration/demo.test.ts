/** `npm run demo` end to end on the shared local AWS, plus the replay's routing by detail-type. */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryCounter, silentLog } from '../../lambdas/app/shared/telemetry';
import { listEventFiles, replayEvent } from '../../lambdas/cli/replay';
import type { Alert } from '../../lambdas/domain/alerts/alert';
import { type DemoResult, runDemoOn } from '../../local/demo';
import { renderTimeline } from '../../local/demo-report';
import { localAws, resetAws } from './aws';

const ROOT = join(__dirname, '..', '..');
const eventFiles = listEventFiles(join(ROOT, 'events'), ROOT);
const malformedFiles = eventFiles.filter((f) => f.label.startsWith(join('events', 'invalid')));

/** A number from the summary, e.g. `figure(stdout, 'Pages out')`. */
const figure = (output: string, label: string): number => {
  const match = new RegExp(`^ +${label} +(\\d+)\\b`, 'm').exec(output);
  if (!match) throw new Error(`summary has no line "${label}"`);
  return Number(match[1]);
};
/** stdout with its wrapped lines joined: what a sentence says, wherever the line breaks fall. */
const joined = (text: string) => text.replace(/\n +/g, ' ');
const fact = (alert: Alert | undefined, label: string) => alert?.evidence.facts.find((f) => f.label === label)?.value;

describe('ecs-watchdog demo', () => {
  let stdout = '';
  let stderr = '';
  let result: DemoResult;
  let pages: Alert[];
  const compact = () => joined(stdout);

  beforeAll(async () => {
    await resetAws();
    result = await runDemoOn(localAws(), {
      out: (text) => {
        stdout += text;
      },
      err: (text) => {
        stderr += text;
      },
    });
    pages = result.run.pages.map((p) => p.alert);
  });

  it('exits 0 and opens with a one-screen summary, then the pages, compact', () => {
    expect(result.exitCode).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[1]).toMatch(/^ ECS Watchdog demo: \d+ days of one ECS account/);
    const timeline = lines.findIndex((l) => l.startsWith('TIMELINE'));
    expect(timeline).toBeGreaterThan(0);
    expect(timeline).toBeLessThan(20);
    for (const label of ['Events in', 'Pages out', 'Folded', 'Duplicates dropped', 'Routine dropped', 'Rejected']) {
      expect(lines.slice(0, timeline).some((l) => l.startsWith(`  ${label} `))).toBe(true);
    }
    expect(figure(stdout, 'Events in')).toBe(result.run.deliveries.length);
    expect(figure(stdout, 'Pages out')).toBe(pages.length);
    expect(figure(stdout, 'Rejected')).toBe(malformedFiles.length);
    // Each page in a few lines, every one of them in the timeline: far from the 2,000 lines of one block each.
    for (const page of pages) expect(stdout).toContain(page.title);
    expect(lines.length).toBeLessThan(8 * pages.length);
  });

  it('shows a silenced page held, not sent, and ends with the history of the crash loop', () => {
    expect(result.run.silenced?.length).toBeGreaterThan(0);
    expect(figure(stdout, 'Silenced')).toBe(result.run.silenced?.length);
    const silenced = result.run.silenced?.[0];
    expect(compact()).toContain(`SILENCED by ${silenced?.silenceId}, not sent: ${silenced?.title}`);
    const sentIds = new Set(pages.map((a) => a.alertId ?? a.dedupeKey));
    for (const held of result.run.silenced ?? []) expect(sentIds.has(held.alertId)).toBe(false);
    expect(stdout).toMatch(/^HISTORY: ecs-watchdog history --cluster production --service \S+ --since /m);
    expect(result.run.history?.split('\n').length).toBeGreaterThan(3);
  });

  it('delivers every event of events/ at least once, and the malformed ones are rejected with their reason', () => {
    const delivered = new Set(result.run.deliveries.map((d) => d.label));
    for (const { label } of eventFiles) expect(delivered).toContain(label);
    expect(stderr).toContain(
      'rejected events/invalid/truncated-not-json.json: Rejected malformed ECS event - file: not valid JSON',
    );
    expect(stderr.match(/ rejected events\/invalid\//g)).toHaveLength(malformedFiles.length);
  });

  it('pages the seeded crash loop exactly twice: the loop, then its recovery', () => {
    const loop = pages.filter((a) => a.kind === 'RESTART_LOOP' && a.service === result.story.crashLoop.service);
    expect(loop).toHaveLength(1);
    const incident = pages.filter((a) => a.incidentId === loop[0]?.incidentId);
    expect(incident.map((a) => a.kind)).toEqual(['RESTART_LOOP', 'RECOVERED']);
    expect(incident[1]?.summary).toContain('the service reached a steady state');
    // Its stops paged nothing on their own: the held first stop was replaced by the loop page.
    const day = (a: Alert) => a.occurredAt.slice(0, 10);
    expect(
      pages.filter((a) => a.service === result.story.crashLoop.service && day(a) === day(loop[0] as Alert)),
    ).toHaveLength(2);
  });

  it('drops duplicate deliveries, and pages each alert once', () => {
    expect(result.summary.duplicates).toBeGreaterThanOrEqual(4);
    expect(figure(stdout, 'Duplicates dropped')).toBe(result.summary.duplicates);
    const ids = pages.map((a) => a.alertId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('enriches every page of every seeded service without warnings', () => {
    expect(stderr).not.toMatch(/enrichment incomplete/i);
    expect(pages.filter((a) => a.enrichmentErrors.length > 0)).toEqual([]);
    expect(figure(stdout, 'Enrichment incomplete')).toBe(0);
  });

  it('tells the failed rollout once: the failed and the previous revision, and why its tasks stopped', () => {
    const rollout = pages.filter((a) => a.category === 'ROLLOUT_FAILED');
    expect(rollout).toHaveLength(1);
    const [alert] = rollout;
    const { failedRevision, previousRevision } = result.story.rollout;
    expect([failedRevision, previousRevision]).toEqual(['api-service:42', 'api-service:41']);
    expect(fact(alert, 'Failed revision')).toBe(failedRevision);
    expect(fact(alert, 'Previous revision')).toBe(previousRevision);
    expect(alert?.summary).toContain('Why: 4 of 4 new tasks: OOM_KILLED in container `api`, limit 512 MiB.');
    expect(alert?.summary).toContain(`The circuit breaker rolled back to ${previousRevision}`);
    expect(alert?.summary).not.toContain('could not be found');
    expect(fact(alert, 'Stop reason')).toContain('OutOfMemoryError');
    expect(fact(alert, 'Folded in')).toMatch(
      /^restart loop incident\/production\/api-service\/42\/\d+: 4 stops of api-service:42/,
    );
    expect(stdout).toContain(alert?.title);
  });

  it('names the failing check of each placement failure', () => {
    const placement = pages.filter((a) => a.category === 'SERVICE_TASK_PLACEMENT_FAILURE');
    const reason = (r: string) => placement.find((a) => fact(a, 'Reason') === r);
    expect(reason('RESOURCE:ENI')?.summary).toMatch(/Failing check SUBNET_FREE_IPS: subnet-\w+ \(10\.0\.2\.0\/28/);
    expect(reason('RESOURCE:MEMORY')?.summary).toContain(
      'Failing check INSTANCE_MEMORY: the task needs 1024 MiB memory',
    );
    expect(compact()).toContain('Failing check INSTANCE_MEMORY: the task needs 1024 MiB memory');
    expect(compact()).toContain('Failing check SUBNET_FREE_IPS');
  });

  it('keeps the health-check verdicts in the compact view', () => {
    expect(compact()).toContain(
      'Likely cause: killed 38 s after start; grace period 0 s; the check needs 30 s to fail: raise',
    );
    expect(compact()).toMatch(/Likely cause: the target returned 404 on \/healthz/);
  });

  it('says in its footer what it emulated', () => {
    const footer = stdout.slice(stdout.lastIndexOf('How it ran'));
    expect(footer).toContain('ECS deployments: moto keeps one deployment per service');
    expect(footer).toContain("ECS stopped tasks: moto's DescribeTasks drops the stop code");
  });

  it('--verbose shows every delivery, timer and sweep, and every page in full', () => {
    const verbose = renderTimeline(result.run, true);
    for (const d of result.run.deliveries) expect(verbose).toContain(`<- ${d.label}: `);
    expect(verbose.match(/^Subject: {4}/gm)).toHaveLength(pages.length);
    expect(verbose).toContain('timer release-held');
    expect(verbose).toMatch(/sweep: 1 incident\(s\) woken/);
    expect(verbose).toContain('Memory limits of api: hard 512 MiB, soft 256 MiB');
    expect(verbose).toContain('AWS_ACCESS_KEY_ID=[REDACTED]');
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
