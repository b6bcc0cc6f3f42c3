/**
 * What happens in the fault model's account, wired to the real processing code: task stops (a
 * restart loop, a single crash, a Spot storm), a failed deployment, a placement failure, a steady
 * state, capacity scans (a subnet running out of addresses, then recovering), the timer queue and the
 * minute sweep. Enrichment lookups are outside the fault model: they fail at once, and alerts say so.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { DiscoveredCapacity } from '../../../lambdas/adapters/capacity-discovery';
import { DynamoDbCapacityStateStore } from '../../../lambdas/adapters/capacity-state-store';
import { Ec2Reader } from '../../../lambdas/adapters/ec2-reader';
import { EcsReader } from '../../../lambdas/adapters/ecs-reader';
import { EcsServiceReader } from '../../../lambdas/adapters/ecs-service-reader';
import { LogsReader } from '../../../lambdas/adapters/logs-reader';
import { MetricsReader } from '../../../lambdas/adapters/metrics-reader';
import type { TimerMessage } from '../../../lambdas/adapters/timer-queue';
import { processCapacityScan } from '../../../lambdas/app/process-capacity-scan';
import { processRollout } from '../../../lambdas/app/process-rollout';
import { processSweep } from '../../../lambdas/app/process-sweep';
import { processTaskStopped } from '../../../lambdas/app/process-task-stopped';
import { processTimer } from '../../../lambdas/app/process-timer';
import { readConfig } from '../../../lambdas/app/shared/config';
import { MemoryCounter, silentLog } from '../../../lambdas/app/shared/telemetry';
import { makeRedactor } from '../../../lambdas/domain/alerts/redact';
import { serviceFacts } from '../capacity';
import { loadEvent, taskEvent } from '../events';
import { HOUR, MINUTE, T0, type World } from './world';

/** The processing of each Lambda entry, on the world's store, SNS, SQS and clock. */
export interface Processors {
  taskStopped(event: Record<string, unknown>): Promise<unknown>;
  rollout(event: Record<string, unknown>): Promise<unknown>;
  timer(body: string): Promise<unknown>;
  sweep(): Promise<unknown>;
  scan(): Promise<unknown>;
  /** Replays an event as `ecs-watchdog replay` does (outside any invocation, so without faults). */
  replay(event: Record<string, unknown>): Promise<unknown>;
  redriveTimer(body: string): void;
  counter: MemoryCounter;
}

export interface Workload {
  name: string;
  /** Simulated time by which every alert is due in a world without faults. */
  settledAt: number;
  schedule(world: World, run: Processors): void;
}

const unreachable = {
  send: async () => {
    throw Object.assign(new Error('enrichment lookups are not part of the fault model'), { name: 'OutOfScope' });
  },
};

export function wire(world: World, capacity: (now: number) => DiscoveredCapacity = () => account(false)): Processors {
  const counter = new MemoryCounter();
  const now = () => world.now;
  // The deployed defaults (restart loop 3 stops in 10 min, 60 s group wait, 15 min quiet period).
  const config = readConfig({
    ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts',
    STATE_TABLE_NAME: 'state',
    TIMER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/timers',
    ENRICHMENT_BUDGET_MS: '200',
  });
  const policy = (config.incidents as NonNullable<typeof config.incidents>).policy;
  const queue: { timers?: ReturnType<World['timerQueue']> } = {};
  const incidents = {
    store: world.store,
    timers: {
      schedule: (message: TimerMessage) => (queue.timers as NonNullable<typeof queue.timers>).schedule(message),
    },
    now,
    ...world.pacing,
  };
  const ecs = unreachable as unknown as ECSClient;
  const deps = {
    config,
    ecs: new EcsReader(ecs, now),
    services: new EcsServiceReader(ecs),
    ec2: new Ec2Reader(unreachable as unknown as EC2Client),
    logs: new LogsReader(
      unreachable as unknown as CloudWatchLogsClient,
      () => unreachable as unknown as CloudWatchLogsClient,
    ),
    metrics: new MetricsReader(unreachable as unknown as CloudWatchClient, () => new Date(world.now)),
    redactor: makeRedactor([]),
    publisher: world.publisher,
    incidents,
    log: silentLog,
    counter,
    now,
  };
  const flow = { ...incidents, publisher: world.publisher, policy, log: silentLog, counter };
  const timer = (body: string) => processTimer(body, flow);
  const timers = world.timerQueue(timer);
  queue.timers = timers;
  const rollout = (event: Record<string, unknown>) => processRollout(event, deps);
  const taskStopped = (event: Record<string, unknown>) => processTaskStopped(event, deps);
  return {
    taskStopped,
    rollout,
    timer,
    sweep: () => processSweep({ ...flow, gauge: () => {} }),
    scan: () =>
      processCapacityScan({
        config: { freeIpThreshold: 25, teamTagKey: 'team' },
        discovery: { discover: async () => capacity(world.now) },
        metrics: { publish: async () => 1 },
        state: new DynamoDbCapacityStateStore(world.store),
        outbox: world.store,
        publisher: world.publisher,
        log: silentLog,
        counter,
        now: () => new Date(world.now),
      }),
    replay: (event) => (event['detail-type'] === 'ECS Task State Change' ? taskStopped(event) : rollout(event)),
    redriveTimer: (body) => timers.redrive(body),
    counter,
  };
}

let serial = 0;
const iso = (ms: number) => new Date(ms).toISOString();

/** An actionable (or Spot) task stop of `service` at `at` ms after T0. */
export function stop(service: string, at: number, kind: 'oom' | 'crash' | 'spot' = 'oom'): Record<string, unknown> {
  serial += 1;
  const hex = serial.toString(16).padStart(32, '0');
  const taskArn = `arn:aws:ecs:us-east-1:123456789012:task/production/${hex}`;
  const containers = {
    oom: [{ name: 'api', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }],
    crash: [{ name: 'api', exitCode: 1 }],
    spot: [{ name: 'api', exitCode: 143 }],
  }[kind];
  const spot =
    kind === 'spot' ? { stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.' } : {};
  return taskEvent(
    {
      taskArn,
      group: `service:${service}`,
      taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/${service}:7`,
      stoppedAt: iso(T0 + at),
      containers,
      ...spot,
    },
    { id: `stop-${serial}`, time: iso(T0 + at), resources: [taskArn] },
  );
}

function fixture(path: string, at: number, service: string): Record<string, unknown> {
  serial += 1;
  const event = loadEvent(path);
  return {
    ...event,
    id: `${service}-${serial}`,
    time: iso(T0 + at),
    resources: [`arn:aws:ecs:us-east-1:123456789012:service/production/${service}`],
  };
}

function steadyState(service: string, at: number): Record<string, unknown> {
  const event = fixture('events/service-action/steady-state.json', at, service);
  return {
    ...event,
    detail: { ...(event.detail as object), clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/production' },
  };
}

/** One subnet, and a service whose surge does not fit in it while `crowded`. */
export function account(crowded: boolean): DiscoveredCapacity {
  return {
    clusters: ['production'],
    services: [
      serviceFacts({
        cluster: 'production',
        service: 'bulk-service',
        desiredCount: crowded ? 130 : 10,
        runningCount: 0,
        subnetIds: ['subnet-a'],
      }),
    ],
    subnets: [{ subnetId: 'subnet-a', cidr: '10.0.0.0/24', availabilityZone: 'us-east-1a', availableAddresses: 240 }],
    instances: [],
  };
}

/** The standard workload's account: crowded for the first 25 minutes. */
export const crowdedAtFirst = (now: number) => account(now - T0 < 25 * MINUTE);

/** Every path that pages, once each, within 40 simulated minutes (README "Delivery"). */
export const STANDARD: Workload = {
  name: 'standard',
  settledAt: 40 * MINUTE,
  schedule(world, run) {
    serial = 0;
    // A restart loop: held first alert, loop page at the third stop, RECOVERED after 15 quiet minutes.
    for (const minute of [0, 4, 8])
      world.deliverEvent(T0 + minute * MINUTE, stop('loop-a', minute * MINUTE), run.taskStopped);
    // One crash: held, then released by the group-wait timer.
    world.deliverEvent(T0 + 2 * MINUTE, stop('single-b', 2 * MINUTE, 'crash'), run.taskStopped);
    // A Spot storm (5 interruptions in 6 minutes), closed by the service's steady state.
    for (const minute of [0.5, 2, 3.5, 5, 6.5])
      world.deliverEvent(T0 + minute * MINUTE, stop('spot-c', minute * MINUTE, 'spot'), run.taskStopped);
    world.deliverEvent(T0 + 12 * MINUTE, steadyState('spot-c', 12 * MINUTE), run.rollout);
    // A failed deployment and a placement failure: the rollout path.
    world.deliverEvent(
      T0 + 5 * MINUTE,
      fixture('events/deployment/failed-circuit-breaker.json', 5 * MINUTE, 'deploy-d'),
      run.rollout,
    );
    world.deliverEvent(
      T0 + 6 * MINUTE,
      fixture('events/service-action/placement-failure-memory.json', 6 * MINUTE, 'place-e'),
      run.rollout,
    );
    // Capacity: scans see a crowded subnet, still crowded, then healthy again.
    for (const minute of [1, 16, 31])
      world.deliverEvent(T0 + minute * MINUTE, { id: `scan-${minute}` }, () => run.scan(), 'scan');
  },
};

/** A service crashing every minute for 24 hours (README "Delivery": bounded state). */
export const CRASH_EVERY_MINUTE_24H: Workload = {
  name: 'crash every minute for 24 h',
  settledAt: 24 * HOUR + 20 * MINUTE,
  schedule(world, run) {
    serial = 0;
    for (let minute = 0; minute < 24 * 60; minute++)
      world.deliverEvent(T0 + minute * MINUTE, stop('crash-z', minute * MINUTE), run.taskStopped);
  },
};
