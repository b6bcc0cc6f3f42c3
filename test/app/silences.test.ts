import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EcsReader } from '../../lambdas/adapters/ecs-reader';
import { LogsReader } from '../../lambdas/adapters/logs-reader';
import { MemoryHistory } from '../../lambdas/adapters/memory-history';
import { MemoryIncidentStore } from '../../lambdas/adapters/memory-incident-store';
import { MetricsReader } from '../../lambdas/adapters/metrics-reader';
import { queryHistory, queryIncidents } from '../../lambdas/app/history';
import { processSweep, type SweepDeps } from '../../lambdas/app/process-sweep';
import type { TaskStoppedDeps } from '../../lambdas/app/process-task-stopped';
import { processTaskStopped } from '../../lambdas/app/process-task-stopped';
import type { WatchdogConfig } from '../../lambdas/app/shared/config';
import { MemoryCounter, silentLog } from '../../lambdas/app/shared/telemetry';
import { addSilenceCommand, expireSilenceCommand, listSilences } from '../../lambdas/app/silences';
import type { Alert } from '../../lambdas/domain/alerts/alert';
import { makeRedactor } from '../../lambdas/domain/alerts/redact';
import { parseMaintenanceWindow } from '../../lambdas/domain/silences/maintenance-window';
import { MINUTE, oomStopAt, playSilencedLoop, T0 } from '../support/silenced-loop';

mockClient(ECSClient);
mockClient(CloudWatchLogsClient);
mockClient(CloudWatchClient);

const policy = { threshold: 3, windowMs: 10 * MINUTE, groupWaitMs: 60_000, quietMs: 15 * MINUTE };

function world(options: { windows?: string[] } = {}) {
  let now = T0;
  const clock = {
    set: (ms: number) => {
      now = ms;
    },
    now: () => now,
  };
  const store = new MemoryIncidentStore(clock.now);
  const history = new MemoryHistory();
  const published: Alert[] = [];
  const counter = new MemoryCounter();
  const publisher = {
    publish: async (alert: Alert) => {
      published.push(alert);
      return `msg-${published.length}`;
    },
  };
  const maintenanceWindows = (options.windows ?? []).map((w) => parseMaintenanceWindow(w) as never);
  const incidents = {
    store,
    history,
    maintenanceWindows,
    timers: { schedule: async () => {} },
    now: clock.now,
    sleep: async () => {},
  };
  const config: WatchdogConfig = {
    alertTopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
    teamTagKey: 'team',
    enrichmentBudgetMs: 50,
    logExcerptLines: 0,
    mutedCategories: new Set(),
    severityOverrides: {},
    redactPatterns: [],
    incidents: { tableName: 'state', timerQueueUrl: 'https://sqs.local/timers', policy },
  };
  const taskStopped: TaskStoppedDeps = {
    config,
    ecs: new EcsReader(new ECSClient({ region: 'us-east-1' })),
    logs: new LogsReader(new CloudWatchLogsClient({ region: 'us-east-1' })),
    metrics: new MetricsReader(new CloudWatchClient({ region: 'us-east-1' })),
    redactor: makeRedactor([]),
    publisher,
    log: silentLog,
    counter,
    incidents,
  };
  const sweep: SweepDeps = { ...incidents, publisher, policy, log: silentLog, counter, gauge: () => {} };
  return { clock, store, history, published, counter, taskStopped, sweep };
}

describe('silences (in-memory store)', () => {
  let w: ReturnType<typeof world>;
  beforeEach(() => {
    w = world();
  });

  it('a silenced loop pages nothing while silenced, then once when the silence ends with the loop open', async () => {
    const story = await playSilencedLoop({ ...w, untilMinute: 62 });
    expect(story.pages.filter((p) => p.minute < 60)).toEqual([]);
    const after = story.pages.filter((p) => p.minute >= 60);
    expect(after).toHaveLength(1);
    expect(after[0]?.alert.title).toBe('CRITICAL STILL LOOPING: api-service in production - 14 stops while silenced');
    expect(after[0]?.alert.summary).toContain(`The silence ${story.silenceId} ended at 2026-11-26T04:00:00.000Z`);
    expect(w.counter.counts.PagesSilenced).toBe(1);
    expect(w.store.alerts('SILENCED').map((a) => a.alert.kind)).toEqual(['RESTART_LOOP']);
  });

  it('the loop recovers after the silence: one RECOVERED page, and the history tells the whole story', async () => {
    const story = await playSilencedLoop({ ...w, untilMinute: 75 });
    expect(story.pages.map((p) => p.alert.kind)).toEqual(['RESTART_LOOP', 'RECOVERED']);
    const stops = await queryHistory(
      {
        kind: 'stop',
        since: new Date(T0).toISOString(),
        until: new Date(T0 + 80 * MINUTE).toISOString(),
        cluster: 'production',
        service: 'api-service',
      },
      w.history,
    );
    expect(stops).toHaveLength(16);
    expect(stops.map((s) => s.at)).toEqual([...stops.map((s) => s.at)].sort());
    expect(stops[0]).toMatchObject({
      category: 'OOM_KILLED',
      culprit: 'api',
      exitCode: 137,
      revision: 'api-service:42',
    });
    const pages = await queryHistory(
      { kind: 'page', since: new Date(T0).toISOString(), until: new Date(T0 + 80 * MINUTE).toISOString() },
      w.history,
    );
    expect(pages.map((p) => (p.kind === 'page' ? `${p.state} ${p.alertKind}` : ''))).toEqual([
      'SILENCED RESTART_LOOP',
      'SENT RESTART_LOOP',
      'SENT RECOVERED',
    ]);
    const incidents = await queryIncidents(
      { since: new Date(T0).toISOString(), until: new Date(T0 + 80 * MINUTE).toISOString() },
      w.history,
    );
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ incidentKind: 'RESTART_LOOP', stops: 16, category: 'OOM_KILLED' });
    expect(incidents[0]?.closedAt).toBeDefined();
  });

  it('ending a silence early brings its pages forward: the next sweep pages the open loop', async () => {
    const story = await playSilencedLoop({ ...w, untilMinute: 20 });
    expect(story.pages).toEqual([]);
    w.clock.set(T0 + 20.5 * MINUTE);
    const ended = await expireSilenceCommand(story.silenceId, {
      store: w.store,
      whoAmI: async () => 'arn:aws:iam::123456789012:user/lead',
      now: () => T0 + 20.5 * MINUTE,
    });
    expect(ended.expiredBy).toBe('arn:aws:iam::123456789012:user/lead');
    expect(await listSilences({ store: w.store, whoAmI: async () => '', now: () => T0 + 21 * MINUTE })).toEqual([]);
    w.clock.set(T0 + 21 * MINUTE);
    const outcome = await processSweep(w.sweep);
    expect(outcome.silencesEnded).toEqual({ checked: 1, paged: 1 });
    expect(w.published.map((a) => a.title)).toEqual([
      'CRITICAL STILL LOOPING: api-service in production - 5 stops while silenced',
    ]);
  });

  it('a held first stop released while silenced is recorded SILENCED, not sent', async () => {
    w.clock.set(T0);
    const silence = await addSilenceCommand(
      { cluster: 'production', service: 'worker-service', forMs: 2 * 3600_000, reason: 'memory fix rolling out' },
      { store: w.store, whoAmI: async () => 'me', now: w.clock.now },
    );
    w.clock.set(T0 + 20 * MINUTE);
    const outcome = await processTaskStopped(oomStopAt(20, 99, 'worker-service'), w.taskStopped);
    expect(outcome.status).toBe('held');
    w.clock.set(T0 + 21 * MINUTE);
    await processSweep(w.sweep);
    expect(w.published).toEqual([]);
    expect(w.store.alerts('SILENCED').map((a) => a.silence?.silenceId)).toEqual([silence.id]);
    const pages = await queryHistory(
      { kind: 'page', since: new Date(T0).toISOString(), until: new Date(T0 + 30 * MINUTE).toISOString() },
      w.history,
    );
    expect(pages.map((p) => (p.kind === 'page' ? p.state : ''))).toEqual(['SILENCED']);
  });

  it('a maintenance window silences like a silence, and its end is handled the same way', async () => {
    // Thursday 2026-11-26 03:00 UTC: a daily window 02:30-03:30 covers the loop's start.
    const m = world({ windows: ['daily 02:30/1h cluster=production service=api-service'] });
    const story = await playSilencedLoop({ ...m, untilMinute: 40 });
    // The story's own silence (to 04:00) also holds the page: the gate names the one ending last.
    expect(story.pages).toEqual([]);
    const silenced = m.store.alerts('SILENCED');
    expect(silenced).toHaveLength(1);
    expect(silenced[0]?.silence?.silenceId).toBe(story.silenceId);
  });
});
