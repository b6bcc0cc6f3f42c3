/**
 * Incidents against the local AWS (moto): DynamoDB conditional writes decide who pages when
 * invocations race, duplicates never page twice, held alerts are released by the timer.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AlertPublisher } from '../../lambdas/adapters/alert-publisher';
import { type IncidentDeps, readState } from '../../lambdas/app/incidents/engine';
import { processRollout } from '../../lambdas/app/process-rollout';
import { processSweep } from '../../lambdas/app/process-sweep';
import { processTaskStopped, type TaskStoppedOutcome } from '../../lambdas/app/process-task-stopped';
import { processTimer } from '../../lambdas/app/process-timer';
import { readConfig } from '../../lambdas/app/shared/config';
import { MemoryCounter, silentLog } from '../../lambdas/app/shared/telemetry';
import { makeWatchdogDeps, type WatchdogDeps } from '../../lambdas/cli/watchdog-deps';
import type { Alert } from '../../lambdas/domain/alerts/alert';
import { drainSnsDeliveries, type SeededAccount, seedAccount } from '../../local/seed';
import { createStateResources, type StateResources } from '../../local/state-resources';
import { taskEvent } from '../support/events';
import { awsClientConfig, resetAws } from './aws';

type Publisher = Pick<AlertPublisher, 'publish'>;

let seeded: SeededAccount;
let state: StateResources;
/** The sweep reads every due item of its table: the sweep tests get one of their own. */
let sweepTable: string;
const opened: WatchdogDeps[] = [];

beforeAll(async () => {
  await resetAws();
  seeded = await seedAccount(awsClientConfig());
  state = await createStateResources(awsClientConfig());
  sweepTable = (await createStateResources(awsClientConfig(), { table: 'ecs-watchdog-sweep-test' })).tableName;
});

afterAll(() => {
  for (const deps of opened) deps.destroy();
});

afterEach(async () => {
  await drainSnsDeliveries(awsClientConfig(), seeded.alerts.allAlerts.queueUrl);
});

function watchdog(env: Record<string, string> = {}, now?: () => number) {
  const config = readConfig({
    ALERT_TOPIC_ARN: seeded.alerts.topicArn,
    STATE_TABLE_NAME: state.tableName,
    TIMER_QUEUE_URL: state.timerQueueUrl,
    LOG_EXCERPT_LINES: '0',
    ...env,
  });
  const deps = makeWatchdogDeps(awsClientConfig(), config, now);
  opened.push(deps);
  const counter = new MemoryCounter();
  return { deps: { ...deps, log: silentLog, counter }, counter };
}

/** A publisher whose next publish fails once `failNext()` was called, as SNS throttling would. */
function flakyPublisher(real: Publisher, message: string) {
  let failures = 0;
  const publisher = {
    publish: (alert: Alert) => (failures-- > 0 ? Promise.reject(new Error(message)) : real.publish(alert)),
  } as Publisher;
  return {
    publisher,
    failNext: () => {
      failures = 1;
    },
  };
}

let serial = 0;
function oomStop(service: string, minute = 0) {
  serial += 1;
  const hex = serial.toString(16).padStart(32, '0');
  return taskEvent(
    {
      group: `service:${service}`,
      taskArn: `arn:aws:ecs:us-east-1:123456789012:task/production/${hex}`,
      stoppedAt: new Date(Date.parse('2026-11-26T03:00:00Z') + minute * 60_000).toISOString(),
      containers: [{ name: 'api', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }],
    },
    { id: `race-${serial}` },
  );
}

async function delivered() {
  const deliveries = await drainSnsDeliveries(awsClientConfig(), seeded.alerts.allAlerts.queueUrl);
  return deliveries.map((d) => JSON.parse(d.message));
}

const count = (outcomes: TaskStoppedOutcome[], status: string) => outcomes.filter((o) => o.status === status).length;

describe('incidents against DynamoDB', () => {
  it('never lets racing invocations both page: 8 simultaneous stops give one alert and one loop alert', async () => {
    // Eight Lambda instances, each with its own clients, as under a real burst.
    const instances = Array.from({ length: 8 }, () => watchdog({ GROUP_WAIT_SECONDS: '0' }));
    const outcomes = await Promise.all(instances.map(({ deps }) => processTaskStopped(oomStop('api-service'), deps)));

    expect(count(outcomes, 'published')).toBe(2);
    expect(count(outcomes, 'absorbed')).toBe(6);
    const alerts = await delivered();
    expect(alerts.map((a) => a.kind).sort()).toEqual(['RESTART_LOOP', 'TASK_STOPPED']);
    expect(new Set(alerts.map((a) => a.incidentId)).size).toBe(1);
    const loop = alerts.find((a) => a.kind === 'RESTART_LOOP');
    expect(loop.title).toMatch(/^CRITICAL RESTART_LOOP: api-service in production - 3 stops/);
    const conflicts = instances.reduce((sum, { counter }) => sum + (counter.counts.StateWriteConflicts ?? 0), 0);
    expect(conflicts).toBeGreaterThan(0);
  });

  it('handles a duplicated event once, also when both copies arrive together', async () => {
    const { deps } = watchdog({ GROUP_WAIT_SECONDS: '0' });
    const event = oomStop('worker-service');
    const outcomes = await Promise.all([processTaskStopped(event, deps), processTaskStopped(event, deps)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['duplicate', 'published']);
    expect(await delivered()).toHaveLength(1);
    expect((await processTaskStopped(event, deps)).status).toBe('duplicate');
    expect(await delivered()).toHaveLength(0);
  });

  it('holds the first alert for the group wait, then the timer releases it', async () => {
    let clock = Date.parse('2026-11-26T03:00:00Z');
    const { deps } = watchdog({ GROUP_WAIT_SECONDS: '60' }, () => clock);
    const outcome = await processTaskStopped(oomStop('checkout-service'), deps);
    expect(outcome.status).toBe('held');
    expect(await delivered()).toHaveLength(0);

    const incidents = deps.incidents;
    const policy = deps.config.incidents?.policy;
    if (!incidents || !policy || !('alert' in outcome)) throw new Error('expected a held alert');
    const timerDeps: IncidentDeps = {
      ...incidents,
      publisher: deps.publisher,
      policy,
      log: silentLog,
      counter: new MemoryCounter(),
    };
    const body = JSON.stringify({
      type: 'release-held',
      scope: 'production/checkout-service',
      incidentId: outcome.alert.incidentId,
      dueAt: new Date(clock + 60_000).toISOString(),
    });
    expect(await processTimer(body, timerDeps)).toBe('rearmed');
    clock += 61_000;
    expect(await processTimer(body, timerDeps)).toBe('done');
    const alerts = await delivered();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'TASK_STOPPED',
      category: 'OOM_KILLED',
      incidentId: outcome.alert.incidentId,
    });
    expect(await processTimer(body, timerDeps)).toBe('done');
    expect(await delivered()).toHaveLength(0);
  });

  it('pages one Spot storm when a service keeps losing Spot capacity, not one alert per interruption', async () => {
    const { deps } = watchdog({ GROUP_WAIT_SECONDS: '0' });
    const outcomes: TaskStoppedOutcome[] = [];
    for (let minute = 0; minute < 7; minute++) {
      const event = oomStop('checkout-service', minute);
      const detail = event.detail as Record<string, unknown>;
      Object.assign(detail, {
        stopCode: 'SpotInterruption',
        stoppedReason: 'Your Spot Task was interrupted.',
        containers: [{ name: 'app', exitCode: 143 }],
      });
      outcomes.push(await processTaskStopped(event, deps));
    }
    expect(outcomes.map((o) => o.status)).toEqual([
      'routine',
      'routine',
      'routine',
      'routine',
      'published',
      'routine',
      'routine',
    ]);
    const alerts = await delivered();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'RESTART_LOOP',
      category: 'SPOT_INTERRUPTION',
      service: 'checkout-service',
    });
  });

  it('publishes on the retry an alert whose first publish failed after the decision was written', async () => {
    let clock = Date.parse('2026-11-26T03:00:00Z');
    const { deps } = watchdog({ GROUP_WAIT_SECONDS: '0' }, () => clock);
    const { publisher: flaky, failNext } = flakyPublisher(deps.publisher, 'Throttling: rate exceeded');
    failNext();
    const event = oomStop('billing-service');
    // The decision and its alert are committed; the failed publish leaves the alert in the outbox.
    expect((await processTaskStopped(event, { ...deps, publisher: flaky })).status).toBe('published');
    expect(await delivered()).toHaveLength(0);
    // Lambda retries the same event a minute later: the stop is already recorded, and its alert still goes out.
    clock += 60_000;
    expect((await processTaskStopped(event, { ...deps, publisher: flaky })).status).toBe('duplicate');
    const alerts = await delivered();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'TASK_STOPPED', service: 'billing-service' });
  });

  it('closes a restart loop with one RECOVERED when the service reports a steady state', async () => {
    const { deps } = watchdog({ GROUP_WAIT_SECONDS: '0' });
    for (const minute of [0, 1, 2]) await processTaskStopped(oomStop('search-service', minute), deps);
    expect((await delivered()).map((a) => a.kind)).toEqual(['TASK_STOPPED', 'RESTART_LOOP']);
    const steady = {
      version: '0',
      id: 'steady-search',
      'detail-type': 'ECS Service Action',
      source: 'aws.ecs',
      account: '123456789012',
      time: '2026-11-26T03:10:00Z',
      region: 'us-east-1',
      resources: ['arn:aws:ecs:us-east-1:123456789012:service/production/search-service'],
      detail: {
        eventType: 'INFO',
        eventName: 'SERVICE_STEADY_STATE',
        clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/production',
      },
    };
    await processRollout(steady, deps);
    const alerts = await delivered();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'RECOVERED', service: 'search-service', category: 'OOM_KILLED' });
    expect(alerts[0].title).toBe('RECOVERED: search-service in production - restart loop over after 10 min (3 stops)');
  });

  it('keeps a loop page whose publish failed while more stops arrive, and sends it on the retry', async () => {
    let clock = Date.parse('2026-11-26T04:00:00Z');
    const { deps } = watchdog({ GROUP_WAIT_SECONDS: '0' }, () => clock);
    const { publisher: flaky, failNext } = flakyPublisher(deps.publisher, 'Throttling: rate exceeded');
    const run = (event: Record<string, unknown>) => processTaskStopped(event, { ...deps, publisher: flaky });
    const stops = [0, 1, 2, 3].map((minute) => oomStop('flaky-service', minute));
    await run(stops[0] as Record<string, unknown>);
    await run(stops[1] as Record<string, unknown>);
    failNext();
    expect((await run(stops[2] as Record<string, unknown>)).status).toBe('published');
    clock += 10_000;
    expect((await run(stops[3] as Record<string, unknown>)).status).toBe('absorbed');
    clock += 60_000; // Lambda's retry of the failed event
    expect((await run(stops[2] as Record<string, unknown>)).status).toBe('duplicate');
    expect((await delivered()).map((a) => a.kind)).toEqual(['TASK_STOPPED', 'RESTART_LOOP']);
  });

  it('closes a quiet loop and releases a held alert through the sweep when no timer message arrives', async () => {
    const t0 = Date.parse('2026-11-26T05:00:00Z');
    let clock = t0;
    const { deps } = watchdog({ GROUP_WAIT_SECONDS: '60', STATE_TABLE_NAME: sweepTable }, () => clock);
    const incidents = deps.incidents;
    const policy = deps.config.incidents?.policy;
    if (!incidents || !policy) throw new Error('expected incident tracking');
    // Timers are armed, but SQS loses them all: only the sweep is left.
    const lost = { ...incidents, timers: { schedule: async () => {} } };
    const run = (event: Record<string, unknown>) => processTaskStopped(event, { ...deps, incidents: lost });
    const sweepDeps = { ...lost, publisher: deps.publisher, policy, log: silentLog, counter: new MemoryCounter() };
    const sweep = () => processSweep({ ...sweepDeps, gauge: () => {} });
    await run(oomStop('timer-service', 120));
    clock = t0 + 61_000;
    expect((await sweep()).woken).toBe(1);
    expect((await delivered()).map((a) => a.kind)).toEqual(['TASK_STOPPED']);
    for (const minute of [1, 2]) {
      clock = t0 + minute * 60_000 + 5_000;
      await run(oomStop('timer-service', 120 + minute));
    }
    expect((await delivered()).map((a) => a.kind)).toEqual(['RESTART_LOOP']);
    const incident = (await readState('production/timer-service', sweepDeps)).value.incident;
    expect(incident?.quietCheckAt).toBe('2026-11-26T05:15:00.000Z');
    clock = Date.parse('2026-11-26T05:15:00Z');
    await sweep(); // too early: stops came since, the check moves to 15 min after the last one
    expect(await delivered()).toHaveLength(0);
    clock = Date.parse('2026-11-26T05:17:06Z');
    await sweep();
    expect((await delivered()).map((a) => a.kind)).toEqual(['RECOVERED']);
    await sweep();
    expect(await delivered()).toHaveLength(0);
  });

  it('delivers what SNS refused once it is back, through the sweep, exactly once', async () => {
    let clock = Date.parse('2026-11-26T07:00:00Z');
    const { deps } = watchdog({ GROUP_WAIT_SECONDS: '0', STATE_TABLE_NAME: sweepTable }, () => clock);
    const incidents = deps.incidents;
    const policy = deps.config.incidents?.policy;
    if (!incidents || !policy) throw new Error('expected incident tracking');
    const kmsDisabled = Object.assign(new Error('KMS key disabled'), { name: 'KMSDisabledException' });
    const down = { publish: () => Promise.reject(kmsDisabled) } as Publisher;
    for (const minute of [0, 1, 2]) {
      clock += 60_000;
      await processTaskStopped(oomStop('outage-service', minute), { ...deps, publisher: down });
    }
    const counter = new MemoryCounter();
    let age = -1;
    const sweepWith = (publisher: Publisher) =>
      processSweep({
        ...incidents,
        publisher,
        policy,
        log: silentLog,
        counter,
        gauge: (_metric, seconds) => {
          age = seconds;
        },
      });
    clock += 30 * 60_000;
    await sweepWith(down); // closes the quiet loop: its RECOVERED joins the outbox
    expect(age).toBeGreaterThanOrEqual(30 * 60);
    expect(await delivered()).toHaveLength(0);
    clock += 60_000;
    await sweepWith(deps.publisher);
    expect((await delivered()).map((a) => a.kind).sort()).toEqual(['RECOVERED', 'RESTART_LOOP', 'TASK_STOPPED']);
    expect(age).toBe(0);
    await sweepWith(deps.publisher);
    expect(await delivered()).toHaveLength(0);
  });

  it('keeps a Spot storm page SNS refused, and the retry of its event sends it', async () => {
    let clock = Date.parse('2026-11-26T06:00:00Z');
    const { deps } = watchdog({ GROUP_WAIT_SECONDS: '0' }, () => clock);
    const { publisher: flaky, failNext } = flakyPublisher(deps.publisher, 'SNS unavailable');
    const spot = (minute: number) => {
      const event = oomStop('spot-service', 180 + minute);
      Object.assign(event.detail as Record<string, unknown>, {
        stopCode: 'SpotInterruption',
        stoppedReason: 'Your Spot Task was interrupted.',
        containers: [{ name: 'app', exitCode: 143 }],
      });
      return event;
    };
    const events = [0, 1, 2, 3, 4].map(spot);
    for (const event of events.slice(0, 4)) await processTaskStopped(event, { ...deps, publisher: flaky });
    failNext();
    await processTaskStopped(events[4] as Record<string, unknown>, { ...deps, publisher: flaky });
    expect(await delivered()).toHaveLength(0);
    clock += 60_000;
    await processTaskStopped(events[4] as Record<string, unknown>, { ...deps, publisher: flaky });
    const alerts = await delivered();
    expect(alerts.map((a) => `${a.kind} ${a.category}`)).toEqual(['RESTART_LOOP SPOT_INTERRUPTION']);
  });
});
