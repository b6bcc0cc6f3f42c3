/**
 * Storm benchmark (`npm run bench:storm`): 300 task-stop deliveries across 5 services in a simulated
 * 10-minute window — two crash loops, Spot and scale-in churn, a few genuinely distinct single
 * failures, about 10% of deliveries duplicated (some arriving together) — replayed through the real
 * handlers against a seeded local AWS (moto: DynamoDB for incidents, SNS → SQS for what on-call
 * receives). Prints ONE JSON line:
 *
 *   {"events":300,"duplicates":…,"alertsPublished":…,"alertsPerService":{…},"stopsCountedInIncidents":…,"lost":0,…}
 *
 * `duplicates` counts repeated deliveries; `duplicatesCaughtByClaims` those of actionable stops, which
 * the event claims stopped (a repeated routine stop costs nothing and publishes nothing anyway).
 *
 * Time is simulated: the handlers get a simulated clock, the delayed SQS timers (group wait) are fired
 * in-process when simulated time passes them — the one part not sent to the emulator, since real SQS
 * delays would make the run last 25 minutes — and the outbox sweep runs every simulated minute
 * (quiet periods close there), against the emulator's table and its `due` index. `lost` counts actionable stops that were
 * neither alerted nor counted in an incident; it must be 0.
 */
import { type TimerMessage, TimerQueue } from '../lambdas/adapters/timer-queue';
import { processRollout } from '../lambdas/app/process-rollout';
import { processSweep } from '../lambdas/app/process-sweep';
import { processTaskStopped, type TaskStoppedOutcome } from '../lambdas/app/process-task-stopped';
import { processTimer } from '../lambdas/app/process-timer';
import { readConfig } from '../lambdas/app/shared/config';
import { MemoryCounter, silentLog } from '../lambdas/app/shared/telemetry';
import { makeWatchdogDeps } from '../lambdas/cli/watchdog-deps';
import type { Alert } from '../lambdas/domain/alerts/alert';
import { withLocalAws } from '../local/emulator';
import { drainSnsDeliveries, seedAccount } from '../local/seed';
import { createStateResources } from '../local/state-resources';
import { seededRandom } from '../test/support/random';

const T0 = Date.parse('2026-11-26T03:00:00Z');
const WINDOW_MS = 10 * 60_000;
const TOTAL = 300;
const CONCURRENCY = 8;

/** Every run replays the same storm. */
const random = seededRandom;

type Kind = 'oom' | 'crash' | 'spot' | 'scale-in' | 'user' | 'image-pull' | 'elb';

interface Planned {
  service: string;
  at: number;
  kind: Kind;
  revision: number;
}

const CONTAINERS: Record<Kind, { stopCode: string; stoppedReason: string; container: Record<string, unknown> }> = {
  oom: {
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    container: { exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
  },
  crash: {
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    container: { exitCode: 1 },
  },
  spot: {
    stopCode: 'SpotInterruption',
    stoppedReason: 'Your Spot Task was interrupted.',
    container: { exitCode: 143 },
  },
  'scale-in': {
    stopCode: 'ServiceSchedulerInitiated',
    stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1234567890123456789)',
    container: { exitCode: 143 },
  },
  user: { stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user', container: { exitCode: 143 } },
  'image-pull': {
    stopCode: 'TaskFailedToStart',
    stoppedReason:
      'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref: not found',
    container: {},
  },
  elb: {
    stopCode: 'ServiceSchedulerInitiated',
    stoppedReason:
      'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/abc)',
    container: { exitCode: 143 },
  },
};

/** The storm: who stops when, and why. */
function plan(rand: () => number): Planned[] {
  const every = (service: string, kind: Kind, fromMs: number, toMs: number, stepMs: number, revision: number) => {
    const out: Planned[] = [];
    for (let at = fromMs; at < toMs; at += stepMs)
      out.push({ service, at: at + Math.floor(rand() * 2000), kind, revision });
    return out;
  };
  const planned = [
    // Two crash loops: api-service never recovers in the window; worker-service recovers at 8 min.
    ...every('api-service', 'oom', 0, WINDOW_MS, 10_500, 42),
    ...every('worker-service', 'crash', 30_000, 7.5 * 60_000, 8_000, 7),
    // Churn that must stay silent: Spot reclaims and scale-in.
    ...every('checkout-service', 'spot', 0, WINDOW_MS, 10_000, 12),
    ...every('checkout-service', 'scale-in', 5_000, WINDOW_MS, 25_000, 12),
    // billing: one image-pull failure among user stops.
    { service: 'billing-service', at: 90_000, kind: 'image-pull' as Kind, revision: 3 },
    ...every('billing-service', 'user', 0, WINDOW_MS, 30_000, 3),
    // search: an ELB health-check failure on revision 7, then a crash of the new revision 8.
    { service: 'search-service', at: 60_000, kind: 'elb' as Kind, revision: 7 },
    { service: 'search-service', at: 6 * 60_000, kind: 'crash' as Kind, revision: 8 },
    ...every('search-service', 'scale-in', 0, WINDOW_MS, 20_000, 7),
  ];
  return planned.sort((a, b) => a.at - b.at);
}

function taskEvent(p: Planned, index: number): Record<string, unknown> {
  const task = index.toString(16).padStart(32, '0');
  const { stopCode, stoppedReason, container } = CONTAINERS[p.kind];
  const at = new Date(T0 + p.at).toISOString();
  return {
    version: '0',
    id: `storm-${index}`,
    'detail-type': 'ECS Task State Change',
    source: 'aws.ecs',
    account: '123456789012',
    time: at,
    region: 'us-east-1',
    resources: [`arn:aws:ecs:us-east-1:123456789012:task/production/${task}`],
    detail: {
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/production',
      taskArn: `arn:aws:ecs:us-east-1:123456789012:task/production/${task}`,
      taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/${p.service}:${p.revision}`,
      group: `service:${p.service}`,
      startedBy: 'ecs-svc/1234567890123456789',
      launchType: 'FARGATE',
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode,
      stoppedReason,
      stoppedAt: at,
      containers: [{ name: 'app', lastStatus: 'STOPPED', ...container }],
    },
  };
}

function steadyState(service: string, atMs: number): Record<string, unknown> {
  return {
    version: '0',
    id: `steady-${service}`,
    'detail-type': 'ECS Service Action',
    source: 'aws.ecs',
    account: '123456789012',
    time: new Date(T0 + atMs).toISOString(),
    region: 'us-east-1',
    resources: [`arn:aws:ecs:us-east-1:123456789012:service/production/${service}`],
    detail: {
      eventType: 'INFO',
      eventName: 'SERVICE_STEADY_STATE',
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/production',
    },
  };
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** Timers the handlers arm, fired in-process when simulated time reaches them (see the header). */
class SimulatedTimers extends TimerQueue {
  readonly pending: TimerMessage[] = [];
  constructor() {
    super(undefined as never, 'simulated');
  }
  override async schedule(message: TimerMessage): Promise<void> {
    this.pending.push(message);
  }
  due(now: number): TimerMessage[] {
    const due = this.pending.filter((t) => Date.parse(t.dueAt) <= now);
    for (const t of due) this.pending.splice(this.pending.indexOf(t), 1);
    return due;
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  await withLocalAws(async (aws) => {
    const seeded = await seedAccount(aws.clientConfig);
    const state = await createStateResources(aws.clientConfig);
    let clock = T0;
    const now = () => clock;
    const config = readConfig({
      ALERT_TOPIC_ARN: seeded.alerts.topicArn,
      STATE_TABLE_NAME: state.tableName,
      TIMER_QUEUE_URL: state.timerQueueUrl,
      LOG_EXCERPT_LINES: '5',
    });
    const policy = config.incidents?.policy;
    if (!policy) throw new Error('incident tracking is not configured');
    const base = makeWatchdogDeps(aws.clientConfig, config, now);
    const timers = new SimulatedTimers();
    const counter = new MemoryCounter();
    const incidents = { store: base.incidents?.store as NonNullable<typeof base.incidents>['store'], timers, now };
    const deps = { ...base, incidents, log: silentLog, counter };
    const timerDeps = { ...incidents, publisher: base.publisher, policy, log: silentLog, counter };

    const rand = random(7);
    const planned = plan(rand);
    // Deliveries: each planned stop once, ~10% of them twice (half of those at the same moment).
    const deliveries: { at: number; event: Record<string, unknown>; planned: Planned }[] = planned.map((p, i) => ({
      at: p.at,
      event: taskEvent(p, i + 1),
      planned: p,
    }));
    for (let i = 0; deliveries.length < TOTAL; i++) {
      const original = deliveries[Math.floor(rand() * planned.length)];
      if (!original) continue;
      deliveries.push({ ...original, at: original.at + (i % 2 === 0 ? 0 : 1000 + Math.floor(rand() * 20_000)) });
    }
    deliveries.sort((a, b) => a.at - b.at);
    const uniqueEvents = new Set(deliveries.map((d) => d.event.id));

    const outcomes = new Map<string, TaskStoppedOutcome[]>();
    // The group-wait timers when they are due, and the minute sweep (quiet periods, the outbox).
    let sweptAt = T0 - 60_000;
    const fireTimers = async () => {
      for (const timer of timers.due(clock)) await processTimer(JSON.stringify(timer), timerDeps);
      for (; sweptAt + 60_000 <= clock; sweptAt += 60_000) {
        const at = clock;
        clock = sweptAt + 60_000;
        await processSweep({ ...timerDeps, gauge: () => {} });
        clock = at;
      }
    };
    const steadyAt = 8 * 60_000;
    let steadySent = false;
    // Replay in one-second ticks: deliveries of the same tick run concurrently, like parallel invocations.
    for (let i = 0; i < deliveries.length; ) {
      const tick = Math.floor((deliveries[i]?.at ?? 0) / 1000);
      const batch: typeof deliveries = [];
      while (i < deliveries.length && Math.floor((deliveries[i]?.at ?? 0) / 1000) === tick)
        batch.push(deliveries[i++] as (typeof deliveries)[0]);
      clock = T0 + tick * 1000;
      if (!steadySent && clock >= T0 + steadyAt) {
        await processRollout(steadyState('worker-service', steadyAt), deps);
        steadySent = true;
      }
      await fireTimers();
      for (let j = 0; j < batch.length; j += CONCURRENCY) {
        const results = await Promise.all(
          batch.slice(j, j + CONCURRENCY).map((d) => processTaskStopped(d.event, deps)),
        );
        batch.slice(j, j + CONCURRENCY).forEach((d, k) => {
          const id = String(d.event.id);
          const result = results[k];
          if (result) outcomes.set(id, [...(outcomes.get(id) ?? []), result]);
        });
      }
    }
    // Let simulated time run on until every timer (group waits, quiet periods) has fired.
    // Simulated time runs on, minute by minute, until every incident has closed (the quiet period).
    const settled = clock + policy.quietMs + 2 * 60_000;
    while (clock < settled) {
      clock += 60_000;
      await fireTimers();
    }

    const received = await drainSnsDeliveries(aws.clientConfig, seeded.alerts.allAlerts.queueUrl);
    const alerts = received.map((r) => JSON.parse(r.message) as Alert);
    const alertsPerService = countBy(alerts.map((a) => a.service ?? '-'));
    const alertedIncidents = new Set(alerts.map((a) => a.incidentId));

    // Every unique actionable stop must be alerted (published, or held and then released or replaced by
    // a loop page of its incident) or counted (absorbed into an incident, folded into a rollout).
    let actionable = 0;
    let alerted = 0;
    let counted = 0;
    let lost = 0;
    for (const id of uniqueEvents) {
      const outcome = outcomes.get(String(id))?.find((o) => o.status !== 'duplicate');
      if (outcome?.status === 'routine' || outcome?.status === 'muted') continue;
      actionable += 1;
      if (outcome?.status === 'published') alerted += 1;
      else if (outcome?.status === 'absorbed' || outcome?.status === 'folded') counted += 1;
      else if (outcome?.status === 'held' && alertedIncidents.has(outcome.alert.incidentId)) alerted += 1;
      else lost += 1;
    }
    const duplicates = [...outcomes.values()].flat().filter((o) => o.status === 'duplicate').length;
    const dedupeKeys = alerts.map((a) => a.dedupeKey);
    base.destroy();

    console.log(
      JSON.stringify({
        events: deliveries.length,
        uniqueEvents: uniqueEvents.size,
        duplicates: deliveries.length - uniqueEvents.size,
        duplicatesCaughtByClaims: duplicates,
        actionableStops: actionable,
        routineStops: uniqueEvents.size - actionable,
        alertsPublished: alerts.length,
        alertsPerService,
        alertsByKind: countBy(alerts.map((a) => a.kind)),
        stopsAlerted: alerted,
        stopsCountedInIncidents: counted,
        lost,
        duplicateAlerts: dedupeKeys.length - new Set(dedupeKeys).size,
        stateWriteConflicts: counter.counts.StateWriteConflicts ?? 0,
        simulatedMinutes: Math.round((clock - T0) / 60_000),
        wallSeconds: +((Date.now() - started) / 1000).toFixed(1),
      }),
    );
  });
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
