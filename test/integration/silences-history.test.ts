/**
 * Silences and history against the local AWS (moto): the silence book, silenced pages and the
 * history items in DynamoDB (the `due` and `history` indexes queried, never scanned), the caller's
 * identity from STS, the pages through SNS.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallerIdentity } from '../../lambdas/adapters/caller-identity';
import { HistoryTable } from '../../lambdas/adapters/history-table';
import { queryHistory } from '../../lambdas/app/history';
import type { SweepDeps } from '../../lambdas/app/process-sweep';
import { processTaskStopped, type TaskStoppedDeps } from '../../lambdas/app/process-task-stopped';
import { readConfig } from '../../lambdas/app/shared/config';
import { MemoryCounter, silentLog } from '../../lambdas/app/shared/telemetry';
import { addSilenceCommand, listSilences } from '../../lambdas/app/silences';
import { runHistory } from '../../lambdas/cli/history-command';
import { makeWatchdogDeps, type WatchdogDeps } from '../../lambdas/cli/watchdog-deps';
import type { Alert } from '../../lambdas/domain/alerts/alert';
import { type SeededAccount, seedAccount } from '../../local/seed';
import { createStateResources } from '../../local/state-resources';
import { taskEvent } from '../support/events';
import { MINUTE, playSilencedLoop, T0 } from '../support/silenced-loop';
import { awsClientConfig, resetAws } from './aws';

let seeded: SeededAccount;
const opened: WatchdogDeps[] = [];

beforeAll(async () => {
  await resetAws();
  seeded = await seedAccount(awsClientConfig());
});

afterAll(() => {
  for (const deps of opened) deps.destroy();
});

async function watchdog(table: string) {
  const state = await createStateResources(awsClientConfig(), { table, timerQueue: `${table}-timers` });
  let now = T0;
  const clock = {
    set: (ms: number) => {
      now = ms;
    },
    now: () => now,
  };
  const config = readConfig({
    ALERT_TOPIC_ARN: seeded.alerts.topicArn,
    STATE_TABLE_NAME: state.tableName,
    TIMER_QUEUE_URL: state.timerQueueUrl,
    LOG_EXCERPT_LINES: '0',
    HISTORY_RETENTION_DAYS: '30',
  });
  const deps = makeWatchdogDeps(awsClientConfig(), config, clock.now);
  opened.push(deps);
  const published: Alert[] = [];
  const publisher = {
    publish: async (alert: Alert) => {
      published.push(alert);
      return deps.publisher.publish(alert);
    },
  };
  const counter = new MemoryCounter();
  const incidents = deps.incidents as NonNullable<WatchdogDeps['incidents']>;
  const taskStopped: TaskStoppedDeps = { ...deps, publisher, log: silentLog, counter };
  const policy = config.incidents?.policy as NonNullable<typeof config.incidents>['policy'];
  const sweep: SweepDeps = { ...incidents, publisher, policy, log: silentLog, counter, gauge: () => {} };
  return { clock, store: incidents.store, taskStopped, sweep, published, counter, tableName: state.tableName };
}

describe('silences on the emulator', () => {
  it('a silenced loop pages nothing while silenced, and once when the silence ends with the loop still open', async () => {
    const w = await watchdog('silenced-loop');
    const story = await playSilencedLoop({ ...w, untilMinute: 62 });
    expect(story.pages.filter((p) => p.minute < 60)).toEqual([]);
    expect(story.pages.map((p) => p.alert.title)).toEqual([
      'CRITICAL STILL LOOPING: api-service in production - 14 stops while silenced',
    ]);
    expect(story.pages[0]?.minute).toBe(60);
    expect(w.counter.counts.PagesSilenced).toBe(1);
    // The account's pages of the hour, silenced and sent, from the history index (no cluster named).
    const dynamodb = new DynamoDBClient(awsClientConfig());
    const pages = await queryHistory(
      { kind: 'page', since: new Date(T0).toISOString(), until: new Date(T0 + 62 * MINUTE).toISOString() },
      new HistoryTable(dynamodb, w.tableName, 30),
    );
    dynamodb.destroy();
    expect(
      pages.map((p) => (p.kind === 'page' ? `${p.state} ${p.alertKind} ${p.silenceId ?? ''}`.trim() : '')),
    ).toEqual([`SILENCED RESTART_LOOP ${story.silenceId}`, 'SENT RESTART_LOOP']);
  }, 120_000);

  it('keeps who added a silence (STS GetCallerIdentity) and lists it', async () => {
    const w = await watchdog('silence-identity');
    const sts = new STSClient(awsClientConfig());
    const identity = new CallerIdentity(sts);
    const who = await identity.whoAmI();
    expect(who).toMatch(/^arn:aws:(iam|sts)::\d{12}:/);
    const silence = await addSilenceCommand(
      { cluster: 'production', category: 'OOM_KILLED', forMs: 2 * 3600_000, reason: 'memory fix rolling out' },
      { store: w.store, whoAmI: () => identity.whoAmI() },
    );
    sts.destroy();
    expect(silence).toMatchObject({ createdBy: who, reason: 'memory fix rolling out', category: 'OOM_KILLED' });
    expect((await listSilences({ store: w.store, whoAmI: async () => who })).map((s) => s.id)).toEqual([silence.id]);
  });
});

describe('history on the emulator', () => {
  it("returns last night's stops of one service, in order, with routine stops, by key-based queries", async () => {
    const w = await watchdog('history-night');
    // 22:00 to 06:00: api-service crashes now and then and is scaled in; worker-service stops too.
    const night = Date.parse('2026-11-25T22:00:00Z');
    const stops: { minute: number; service: string; routine?: boolean }[] = [
      { minute: 10, service: 'api-service' },
      { minute: 75, service: 'worker-service' },
      { minute: 130, service: 'api-service', routine: true },
      { minute: 245, service: 'api-service' },
      { minute: 300, service: 'worker-service' },
      { minute: 420, service: 'api-service' },
    ];
    // Delivered out of order, as EventBridge may.
    for (const [i, stop] of [...stops.entries()].reverse()) {
      const at = new Date(night + stop.minute * MINUTE).toISOString();
      w.clock.set(night + stop.minute * MINUTE);
      const hex = (1000 + i).toString(16).padStart(32, '0');
      await processTaskStopped(
        taskEvent(
          {
            group: `service:${stop.service}`,
            taskArn: `arn:aws:ecs:us-east-1:123456789012:task/production/${hex}`,
            stoppedAt: at,
            ...(stop.routine
              ? {
                  stopCode: 'ServiceSchedulerInitiated',
                  stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1234567890123456789)',
                  containers: [{ name: 'api', exitCode: 0, lastStatus: 'STOPPED' }],
                }
              : {}),
          },
          { id: `night-${i}`, time: at },
        ),
        w.taskStopped,
      );
    }
    const dynamodb = new DynamoDBClient(awsClientConfig());
    const history = new HistoryTable(dynamodb, w.tableName, 30);
    const rows = await queryHistory(
      {
        kind: 'stop',
        since: '2026-11-25T21:00:00.000Z',
        until: '2026-11-26T07:00:00.000Z',
        cluster: 'production',
        service: 'api-service',
      },
      history,
    );
    expect(rows.map((r) => [r.at.slice(11, 16), r.kind === 'stop' ? r.category : ''])).toEqual([
      ['22:10', 'APP_CRASH'],
      ['00:10', 'SCALE_IN_OR_DEPLOYMENT'],
      ['02:05', 'APP_CRASH'],
      ['05:00', 'APP_CRASH'],
    ]);
    // The CLI: the same query, as on-call types it, printed as JSON lines.
    const out: string[] = [];
    dynamodb.destroy();
    const { accessKeyId, secretAccessKey } = awsClientConfig().credentials;
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    // The CLI's clients take the credentials chain, as on-call's shell would give them.
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey });
    const code = await runHistory(
      [
        '--table',
        w.tableName,
        '--region',
        'us-east-1',
        '--endpoint',
        String(awsClientConfig().endpoint),
        '--cluster',
        'production',
        '--service',
        'api-service',
        '--since',
        '2026-11-25T21:00:00Z',
        '--format',
        'json',
      ],
      (text) => out.push(text),
      process.env,
      Date.parse('2026-11-26T07:00:00Z'),
    ).finally(() => {
      for (const [name, value] of [
        ['AWS_ACCESS_KEY_ID', saved.id],
        ['AWS_SECRET_ACCESS_KEY', saved.secret],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });
    expect(code).toBe(0);
    const printed = out
      .join('\n')
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(printed.map((r) => r.at)).toEqual(rows.map((r) => r.at));
    expect(printed[0]).toMatchObject({
      cluster: 'production',
      service: 'api-service',
      exitCode: 1,
      revision: 'api-service:42',
    });
  }, 60_000);
});
