import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlertPublisher } from '../../lambdas/adapters/alert-publisher';
import type { DiscoveredCapacity } from '../../lambdas/adapters/capacity-discovery';
import { CapacityMetricsPublisher } from '../../lambdas/adapters/capacity-metrics-publisher';
import { CAPACITY_STATE_KEY, DynamoDbCapacityStateStore } from '../../lambdas/adapters/capacity-state-store';
import { MemoryIncidentStore } from '../../lambdas/adapters/memory-incident-store';
import { readCapacityScanConfig } from '../../lambdas/app/capacity-scan-config';
import { type CapacityScanDeps, processCapacityScan } from '../../lambdas/app/process-capacity-scan';
import { MemoryCounter, silentLog } from '../../lambdas/app/shared/telemetry';
import type { OpenCapacityIncident } from '../../lambdas/domain/capacity/capacity-incidents';
import type { StallRecords } from '../../lambdas/domain/capacity/stall-incidents';
import { serviceFacts } from '../support/capacity';

const snsMock = mockClient(SNSClient);
const cwMock = mockClient(CloudWatchClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';

/** The scan's state and outbox in the in-memory incident store, as a deployed scan keeps them in DynamoDB. */
class MemoryStateStore extends MemoryIncidentStore {
  saves = 0;
  constructor() {
    super(() => Date.UTC(2026, 10, 26, 10));
    this.hooks = { after: (op) => void (op === 'commit' && this.saves++) };
  }
  get state() {
    const stored = this.peek<{ subnets: Record<string, OpenCapacityIncident>; stalls: StallRecords }>(
      CAPACITY_STATE_KEY,
    );
    return { incidents: stored?.subnets ?? {}, stalls: stored?.stalls ?? {} };
  }
}

/** `bulkRunning`: the bulk service's running count (below desired it is a stall the scan remembers). */
function account(bulkDesired: number, bulkRunning = 0): DiscoveredCapacity {
  return {
    clusters: ['prod'],
    services: [
      serviceFacts({
        service: 'bulk-service',
        desiredCount: bulkDesired,
        runningCount: bulkRunning,
        subnetIds: ['subnet-a'],
      }),
      serviceFacts({ service: 'api', subnetIds: ['subnet-a', 'subnet-b'] }),
    ],
    subnets: [
      { subnetId: 'subnet-a', cidr: '10.0.0.0/24', availabilityZone: 'us-east-1a', availableAddresses: 240 },
      { subnetId: 'subnet-b', cidr: '10.0.1.0/24', availabilityZone: 'us-east-1b', availableAddresses: 250 },
    ],
    instances: [],
  };
}

function makeDeps(store: MemoryStateStore, discovered: () => DiscoveredCapacity) {
  const counter = new MemoryCounter();
  let minute = 0;
  const deps: CapacityScanDeps = {
    // The bulk service runs nothing (moto-like): these tests are about the subnets, so it never pages as a stall.
    config: { freeIpThreshold: 25, teamTagKey: 'team', belowDesiredMs: 7 * 24 * 3_600_000 },
    discovery: { discover: async () => discovered() },
    metrics: new CapacityMetricsPublisher(new CloudWatchClient({ region: 'us-east-1' })),
    state: new DynamoDbCapacityStateStore(store),
    outbox: store,
    publisher: new AlertPublisher(new SNSClient({ region: 'us-east-1' }), TOPIC),
    log: silentLog,
    counter,
    now: () => new Date(Date.UTC(2026, 10, 26, 10, 15 * minute++)),
  };
  return { deps, counter };
}

beforeEach(() => {
  snsMock.reset();
  cwMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  cwMock.on(PutMetricDataCommand).resolves({});
});

describe('processCapacityScan', () => {
  it('alerts once per incident, stays quiet while it lasts, and sends one recovery notice', async () => {
    const store = new MemoryStateStore();
    let bulk = 130;
    const { deps, counter } = makeDeps(store, () => account(bulk));

    const first = await processCapacityScan(deps);
    expect(first.published.map((a) => [a.kind, a.service])).toEqual([['CAPACITY', 'bulk-service']]);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
    expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toContain('subnet subnet-a');
    expect(cwMock.commandCalls(PutMetricDataCommand)).toHaveLength(1);
    expect(cwMock.commandCalls(PutMetricDataCommand)[0]?.args[0].input.MetricData).toHaveLength(4);
    expect(Object.keys(store.state.incidents)).toEqual(['subnet-a']);

    const second = await processCapacityScan(deps);
    expect(second.published).toEqual([]);
    expect(second.ongoing).toEqual(['subnet-a']);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);

    bulk = 10;
    const third = await processCapacityScan(deps);
    expect(third.published.map((a) => [a.kind, a.incidentId])).toEqual([
      ['RECOVERED', 'capacity/subnet-a/2026-11-26T10:00:00.000Z'],
    ]);
    expect(store.state.incidents).toEqual({});
    expect(counter.counts.CapacityAlertsPublished).toBe(2);
  });

  it('records the incident with its alert in the outbox when SNS refuses it, and never alerts twice', async () => {
    const store = new MemoryStateStore();
    snsMock.on(PublishCommand).rejects(Object.assign(new Error('KMS key disabled'), { name: 'KMSDisabledException' }));
    const { deps, counter } = makeDeps(store, () => account(130));
    expect((await processCapacityScan(deps)).published).toHaveLength(1);
    expect(Object.keys(store.state.incidents)).toEqual(['subnet-a']);
    expect(store.alerts('PENDING').map((a) => a.alert.kind)).toEqual(['CAPACITY']);
    expect(counter.counts.AlertDeliveryFailures).toBe(1);

    // The next scan finds the incident open: nothing new to say (the sweep delivers the waiting alert).
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-2' });
    expect((await processCapacityScan(deps)).published).toHaveLength(0);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('still alerts when the metrics cannot be published, then fails the run', async () => {
    const store = new MemoryStateStore();
    cwMock.on(PutMetricDataCommand).rejects(new Error('Throttling'));
    const { deps } = makeDeps(store, () => account(130));
    await expect(processCapacityScan(deps)).rejects.toThrow('metrics: Throttling');
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
    expect(Object.keys(store.state.incidents)).toEqual(['subnet-a']);
  });

  it('publishes nothing and saves nothing for a healthy account', async () => {
    const store = new MemoryStateStore();
    const { deps } = makeDeps(store, () => account(10, 10));
    const outcome = await processCapacityScan(deps);
    expect(outcome.published).toEqual([]);
    expect(store.saves).toBe(0);
    expect(outcome.assessment.subnets.map((s) => s.subnetId)).toEqual(['subnet-a', 'subnet-b']);
  });
});

describe('processCapacityScan: failures that send no event', () => {
  /** A service at desired 1 / running 0 whose last service event carries a secret (it must not leave redacted). */
  const worker = (running: number): DiscoveredCapacity => ({
    clusters: ['prod'],
    services: [
      serviceFacts({
        service: 'worker',
        desiredCount: 1,
        runningCount: running,
        tags: { team: 'data' },
        events: [{ createdAt: '2026-11-26T09:58:00.000Z', message: 'task failed to start: DB_PASSWORD=hunter2secret' }],
      }),
    ],
    subnets: [],
    instances: [],
  });

  it('pages once (CRITICAL, SERVICE_HEALTH, redacted) after the threshold, stays quiet, and recovers once', async () => {
    const store = new MemoryStateStore();
    let running = 0;
    const { deps, counter } = makeDeps(store, () => worker(running));
    deps.config = { freeIpThreshold: 25, teamTagKey: 'team', belowDesiredMs: 15 * 60_000 };

    const first = await processCapacityScan(deps); // 10:00: remembered
    expect(first.published).toEqual([]);
    expect(first.stalls.pending).toEqual(['shortfall:arn:aws:ecs:us-east-1:123456789012:service/prod/worker']);
    expect(Object.values(store.state.stalls).map((r) => r.since)).toEqual(['2026-11-26T10:00:00.000Z']);

    const second = await processCapacityScan(deps); // 10:15: pages
    expect(second.published.map((a) => [a.kind, a.category, a.severity, a.team])).toEqual([
      ['SERVICE_HEALTH', 'SERVICE_NOT_RUNNING', 'CRITICAL', 'data'],
    ]);
    const sent = snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.MessageAttributes?.kind?.StringValue).toBe('SERVICE_HEALTH');
    expect(sent[0]?.MessageAttributes?.severity?.StringValue).toBe('CRITICAL');
    expect(sent[0]?.Message).toContain('DB_PASSWORD=');
    expect(sent[0]?.Message).not.toContain('hunter2secret');

    expect((await processCapacityScan(deps)).published).toEqual([]); // 10:30: still down, already paged
    running = 1;
    const recovered = await processCapacityScan(deps); // 10:45
    expect(recovered.published.map((a) => [a.kind, a.category, a.incidentId])).toEqual([
      ['RECOVERED', 'SERVICE_HEALTH_RESTORED', second.published[0]?.incidentId],
    ]);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(2);
    expect(store.state.stalls).toEqual({});
    expect((await processCapacityScan(deps)).published).toEqual([]);
    expect(counter.counts.ServiceHealthAlertsPublished).toBe(2);
  });
});

describe('readCapacityScanConfig', () => {
  const env = { ALERT_TOPIC_ARN: TOPIC, STATE_TABLE_NAME: 'state' };

  it('fills in the defaults', () => {
    expect(readCapacityScanConfig(env)).toEqual({
      alertTopicArn: TOPIC,
      teamTagKey: 'team',
      freeIpThreshold: 25,
      stateTableName: 'state',
      metricsNamespace: 'EcsWatchdog/Capacity',
      belowDesiredMs: 15 * 60_000,
      slowDeploymentMs: 30 * 60_000,
      severityOverrides: {},
      concurrency: 8,
      clusterArns: undefined,
      historyRetentionDays: 30,
      maintenanceWindows: [],
      accounts: { names: {} },
      members: [],
    });
  });

  it('names the bad variable', () => {
    expect(() => readCapacityScanConfig({ ...env, FREE_IP_THRESHOLD: '-1' })).toThrow('FREE_IP_THRESHOLD');
    expect(() => readCapacityScanConfig({ ALERT_TOPIC_ARN: TOPIC })).toThrow('STATE_TABLE_NAME');
    // The same maximum as at synth: the usable addresses of a /16.
    expect(() => readCapacityScanConfig({ ...env, FREE_IP_THRESHOLD: '65532' })).toThrow(
      'FREE_IP_THRESHOLD must be an integer from 0 to 65531, got 65532',
    );
    expect(() => readCapacityScanConfig({ ...env, SCAN_CONCURRENCY: '0' })).toThrow('SCAN_CONCURRENCY');
    expect(() => readCapacityScanConfig({ ...env, CLUSTER_ARNS: 'prod' })).toThrow(
      'CLUSTER_ARNS: "prod" is not an ECS cluster ARN',
    );
    expect(() =>
      readCapacityScanConfig({ ...env, CLUSTER_ARNS: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod/x' }),
    ).toThrow('CLUSTER_ARNS');
    expect(
      readCapacityScanConfig({ ...env, CLUSTER_ARNS: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod' }).clusterArns,
    ).toEqual(['arn:aws:ecs:us-east-1:123456789012:cluster/prod']);
  });
});
