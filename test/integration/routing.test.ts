/**
 * Routing cannot silently drop (docs/routing.md), against the local AWS (moto evaluates SNS filter
 * policies on SQS subscriptions): subscriptions filtered on severity and on team receive the all-clear
 * of every incident whose page they received. The alerts come out of the real processing (task stops,
 * the sweep closing quiet incidents) on a simulated clock, as the demo runs it.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processSweep } from '../../lambdas/app/process-sweep';
import { processTaskStopped } from '../../lambdas/app/process-task-stopped';
import { readConfig } from '../../lambdas/app/shared/config';
import { MemoryCounter, silentLog } from '../../lambdas/app/shared/telemetry';
import { makeWatchdogDeps, type WatchdogDeps } from '../../lambdas/cli/watchdog-deps';
import { ATTRIBUTE_NAMES } from '../../lambdas/domain/alerts/sns-message';
import {
  drainSnsDeliveries,
  type SeededAccount,
  type SnsDelivery,
  seedAccount,
  subscribeQueue,
} from '../../local/seed';
import { createStateResources } from '../../local/state-resources';
import { taskEvent } from '../support/events';
import { awsClientConfig, resetAws } from './aws';

/** The subscriptions a platform would set up (docs/routing.md), each an SQS queue with a filter policy. */
const FILTERS = {
  all: undefined,
  criticalOnly: { severity: ['CRITICAL'] },
  pagers: { severity: ['CRITICAL', 'HIGH'] },
  highOnly: { severity: ['HIGH'] },
  mediumOnly: { severity: ['MEDIUM'] },
  payments: { team: ['payments'] },
  paymentsPagers: { team: ['payments'], severity: ['CRITICAL', 'HIGH'] },
} as const;
type FilterName = keyof typeof FILTERS;

let seeded: SeededAccount;
let tableName: string;
let timerQueueUrl: string;
const queues = {} as Record<FilterName, string>;
const opened: WatchdogDeps[] = [];
const T0 = Date.parse('2026-11-26T03:00:00Z');
let clock = T0;

beforeAll(async () => {
  await resetAws();
  seeded = await seedAccount(awsClientConfig());
  ({ tableName, timerQueueUrl } = await createStateResources(awsClientConfig(), { table: 'ecs-watchdog-routing' }));
  const sns = new SNSClient(awsClientConfig());
  const sqs = new SQSClient(awsClientConfig());
  try {
    for (const [name, filter] of Object.entries(FILTERS)) {
      const { queueUrl } = await subscribeQueue(sns, sqs, seeded.alerts.topicArn, `routing-${name}`, filter);
      queues[name as FilterName] = queueUrl;
    }
  } finally {
    sns.destroy();
    sqs.destroy();
  }
});

afterAll(() => {
  for (const deps of opened) deps.destroy();
});

function watchdog(groupWaitSeconds: number) {
  const config = readConfig({
    ALERT_TOPIC_ARN: seeded.alerts.topicArn,
    STATE_TABLE_NAME: tableName,
    TIMER_QUEUE_URL: timerQueueUrl,
    LOG_EXCERPT_LINES: '0',
    GROUP_WAIT_SECONDS: String(groupWaitSeconds),
  });
  const deps = makeWatchdogDeps(awsClientConfig(), config, () => clock);
  opened.push(deps);
  return { ...deps, log: silentLog, counter: new MemoryCounter() };
}

let serial = 0;
/** A stop of a service's task (`service:NAME`) or of a standalone task (`family:NAME`). */
function stop(group: string, taskDefinition: string, exitCode: number, at: number) {
  serial += 1;
  const taskArn = `arn:aws:ecs:us-east-1:123456789012:task/production/${serial.toString(16).padStart(32, '0')}`;
  return taskEvent(
    {
      group,
      taskArn,
      taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/${taskDefinition}`,
      stoppedAt: new Date(at).toISOString(),
      containers: [
        exitCode === 137
          ? { name: 'api', exitCode, reason: 'OutOfMemoryError: Container killed due to memory usage' }
          : { name: 'report', exitCode },
      ],
    },
    { id: `routing-${serial}`, resources: [taskArn] },
  );
}

/** Three stops a minute apart: a restart loop. The clock is the wall clock the functions see. */
async function crashLoop(deps: ReturnType<typeof watchdog>, group: string, taskDefinition: string, exitCode: number) {
  const incidents = deps.incidents;
  const policy = deps.config.incidents?.policy;
  if (!incidents || !policy) throw new Error('expected incident tracking');
  const sweep = () =>
    processSweep({
      ...incidents,
      publisher: deps.publisher,
      policy,
      log: silentLog,
      counter: new MemoryCounter(),
      gauge: () => {},
    });
  for (let i = 0; i < 3; i++) {
    await processTaskStopped(stop(group, taskDefinition, exitCode, clock), deps);
    clock += 61_000;
    await sweep(); // releases a held alert whose group wait is over (the timer messages are not consumed here)
  }
  return sweep;
}

describe('routing that cannot silently drop', () => {
  const received = {} as Record<FilterName, SnsDelivery[]>;

  beforeAll(async () => {
    // 1. A service's loop that paged its first stop at once (HIGH), then the loop (CRITICAL).
    const atOnce = watchdog(0);
    const sweepAtOnce = await crashLoop(atOnce, 'service:api-service', 'api-service:42', 137);
    // 2. A standalone task's loop: its first stop pages MEDIUM (no users wait on a batch job), then the loop.
    await crashLoop(atOnce, 'family:nightly-report', 'nightly-report:1', 1);
    // 3. A loop that formed within the group wait: its held first alert is dropped, only the loop pages.
    const held = watchdog(300);
    await crashLoop(held, 'service:checkout-service', 'checkout-service:1', 137);
    // Quiet for the quiet period: the sweep closes the three loops, each with its all-clear.
    clock += 16 * 60_000;
    await sweepAtOnce();
    for (const name of Object.keys(FILTERS) as FilterName[]) {
      received[name] = await drainSnsDeliveries(awsClientConfig(), queues[name]);
    }
  });

  const kinds = (deliveries: SnsDelivery[]) => deliveries.map((d) => `${d.attributes.kind} ${d.attributes.service}`);

  it('pages each loop and closes each with an all-clear that carries the severities the incident paged at', () => {
    const all = received.all;
    expect(kinds(all).sort()).toEqual(
      [
        'TASK_STOPPED api-service',
        'RESTART_LOOP api-service',
        'RECOVERED api-service',
        'TASK_STOPPED nightly-report',
        'RESTART_LOOP nightly-report',
        'RECOVERED nightly-report',
        'RESTART_LOOP checkout-service',
        'RECOVERED checkout-service',
      ].sort(),
    );
    const allClear = (service: string) =>
      all.find((d) => d.attributes.kind === 'RECOVERED' && d.attributes.service === service)?.attributes;
    expect(allClear('api-service')).toMatchObject({ severity: '["CRITICAL","HIGH"]', resolves: 'true' });
    expect(allClear('nightly-report')).toMatchObject({ severity: '["CRITICAL","MEDIUM"]', team: 'finance' });
    expect(allClear('checkout-service')).toMatchObject({ severity: 'CRITICAL', team: 'payments' });
  });

  it('gives every message every routing attribute, a standalone task its family as service', () => {
    for (const delivery of received.all) {
      expect(Object.keys(delivery.attributes)).toEqual(expect.arrayContaining([...ATTRIBUTE_NAMES]));
      expect(delivery.attributes).toMatchObject({
        account: '123456789012',
        region: 'us-east-1',
        cluster: 'production',
      });
    }
    expect(new Set(received.all.map((d) => d.attributes.service))).toEqual(
      new Set(['api-service', 'nightly-report', 'checkout-service']),
    );
  });

  it.each(Object.keys(FILTERS).filter((name) => name !== 'all') as FilterName[])(
    'delivers to the %s subscription the all-clear of every incident whose page it received',
    (name) => {
      const deliveries = received[name];
      // The incident id is in the body (the alert JSON), the SQS subscriber's view.
      const incidentOf = (d: SnsDelivery) => JSON.parse(d.message).incidentId as string;
      const paged = new Set(deliveries.filter((d) => d.attributes.resolves === 'false').map(incidentOf));
      const cleared = new Set(deliveries.filter((d) => d.attributes.resolves === 'true').map(incidentOf));
      expect(paged.size).toBeGreaterThan(0);
      expect(cleared).toEqual(paged);
    },
  );

  it('filters as written: the MEDIUM subscription got the standalone page and its all-clear only', () => {
    expect(kinds(received.mediumOnly)).toEqual(['TASK_STOPPED nightly-report', 'RECOVERED nightly-report']);
    expect(kinds(received.highOnly).sort()).toEqual(['RECOVERED api-service', 'TASK_STOPPED api-service']);
  });
});
