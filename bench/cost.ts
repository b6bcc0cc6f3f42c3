/**
 * Cost model (`npm run bench:cost`, docs/costs.md): what ECS Watchdog costs a month in an account with
 * 1,000 tasks. Two halves, printed separately:
 *
 * - MEASURED: the requests each kind of work makes, counted on the wire (an SDK middleware on every
 *   client) while the real processing runs against the local AWS emulator on a simulated clock: a stop
 *   that pages, a routine stop that reaches the function, a restart loop of 10 stops and its all-clear, a
 *   deployment's events, an idle sweep; the size of what is stored (DynamoDB items), logged (the
 *   functions' log lines as JSON) and counted (metric names); the stack's alarms, keys and functions from
 *   the synthesized template.
 * - INPUTS: the workload of the account (stated below, change them with `-- --stops-per-day=N` …) and
 *   AWS list prices (us-east-1, stated below; check https://aws.amazon.com/pricing for yours).
 *
 * Not counted: free tiers (they would lower every figure), data transfer (none leaves the region but
 * e-mail), and the capacity scan's ECS/EC2 Describe calls (free APIs).
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { WatchdogStack } from '../infra/watchdog-stack';
import type { CallCounts } from '../lambdas/adapters/sdk-call-counter';
import { countCalls } from '../lambdas/adapters/sdk-call-counter';
import { processRollout } from '../lambdas/app/process-rollout';
import { processSweep } from '../lambdas/app/process-sweep';
import { processTaskStopped } from '../lambdas/app/process-task-stopped';
import { readConfig } from '../lambdas/app/shared/config';
import { type Log, MemoryCounter } from '../lambdas/app/shared/telemetry';
import { makeWatchdogDeps } from '../lambdas/cli/watchdog-deps';
import { withLocalAws } from '../local/emulator';
import { seedAccount } from '../local/seed';
import { createStateResources } from '../local/state-resources';
import { taskEvent } from '../test/support/events';

/** The account (inputs): 1,000 tasks in 100 services. */
const WORKLOAD = {
  tasks: 1000,
  services: 100,
  /** Task stops the rule lets through (not user-initiated, not scale-in): Spot, crashes, health checks, jobs. */
  stopsPerDay: 200,
  /** Of those, stops that page on their own (the rest are routine: Spot, completed jobs…). */
  pagingStopsPerDay: 10,
  /** Restart loops a day (each counted as 10 stops, paged once, then its all-clear). */
  loopsPerDay: 1,
  /** Deployments a day; each sends about 3 deployment events and a steady-state service event. */
  deploymentsPerDay: 20,
  /** Subnets and container instances the capacity scan reports on. */
  subnets: 6,
  containerInstances: 0,
  /** Lambda: the average duration of an invocation (the functions run with 256 MB). */
  averageInvocationMs: 300,
};

/** AWS list prices, us-east-1 (inputs). */
const PRICES = {
  lambdaPerMillionRequests: 0.2,
  lambdaPerGbSecond: 0.0000166667,
  dynamodbPerMillionWriteUnits: 0.625,
  dynamodbPerMillionReadUnits: 0.125,
  dynamodbPerGbMonth: 0.25,
  kmsPerKeyMonth: 1,
  kmsPerTenThousandRequests: 0.03,
  snsPerMillionPublishes: 0.5,
  sqsPerMillionRequests: 0.4,
  eventBridgePerMillionCustomEvents: 1,
  cloudWatchPerMetricMonth: 0.3,
  cloudWatchPerAlarmMonth: 0.1,
  logsPerGbIngested: 0.5,
  logsPerGbMonthStored: 0.03,
};

const DAYS = 30;

function parseArgs(): void {
  for (const arg of process.argv.slice(2)) {
    const match = /^--([a-z-]+)=(\d+(?:\.\d+)?)$/.exec(arg);
    const key = match?.[1]?.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof typeof WORKLOAD;
    if (!match || !(key in WORKLOAD))
      throw new Error(`unknown argument ${arg} (inputs: ${Object.keys(WORKLOAD).join(', ')})`);
    WORKLOAD[key] = Number(match[2]);
  }
}

/** What one kind of work made: requests by operation, log bytes, metric names. */
interface Measured {
  invocations: number;
  calls: CallCounts;
  logBytes: number;
}

function capturingLog(sink: { bytes: number }): Log {
  const write = (level: string) => (message: string, extra?: Record<string, unknown>) => {
    // Powertools writes one JSON line per entry, with about 250 bytes of context (function, request id, time).
    sink.bytes += JSON.stringify({ level, message, ...extra }).length + 250;
  };
  return { info: write('INFO'), warn: write('WARN'), error: write('ERROR') };
}

async function main(): Promise<void> {
  parseArgs();
  const template = Template.fromStack(
    new WatchdogStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'EcsWatchdog'),
  );
  const stack = {
    alarms: Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length,
    keys: Object.keys(template.findResources('AWS::KMS::Key')).length,
    functions: Object.keys(template.findResources('AWS::Lambda::Function')).length,
  };

  const measured = await withLocalAws(async (aws) => {
    const seeded = await seedAccount(aws.clientConfig);
    const state = await createStateResources(aws.clientConfig, { table: 'ecs-watchdog-cost' });
    let clock = Date.parse('2026-12-01T03:00:00Z');
    // One object for the whole run (each client's counter holds it): emptied before each measurement.
    const calls: CallCounts = {};
    const log = { bytes: 0 };
    const counter = new MemoryCounter();
    const config = readConfig({
      ALERT_TOPIC_ARN: seeded.alerts.topicArn,
      STATE_TABLE_NAME: state.tableName,
      TIMER_QUEUE_URL: state.timerQueueUrl,
    });
    const deps = {
      ...makeWatchdogDeps(
        aws.clientConfig,
        config,
        () => clock,
        (client) => countCalls(client, calls),
      ),
      log: capturingLog(log),
      counter,
    };
    const incidents = deps.incidents;
    const policy = config.incidents?.policy;
    if (!incidents || !policy) throw new Error('expected incident tracking');
    const sweep = () =>
      processSweep({ ...incidents, publisher: deps.publisher, policy, log: deps.log, counter, gauge: () => {} });

    const results: Record<string, Measured> = {};
    const measure = async (name: string, work: () => Promise<number>) => {
      for (const key of Object.keys(calls)) delete calls[key];
      log.bytes = 0;
      const invocations = await work();
      results[name] = { invocations, calls: { ...calls }, logBytes: log.bytes };
    };
    let serial = 0;
    const stop = (service: string, container: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
      serial += 1;
      const taskArn = `arn:aws:ecs:us-east-1:123456789012:task/production/${serial.toString(16).padStart(32, '0')}`;
      return taskEvent(
        {
          group: `service:${service}`,
          taskArn,
          stoppedAt: new Date(clock).toISOString(),
          containers: [{ name: 'api', ...container }],
          ...extra,
        },
        { id: `cost-${serial}`, resources: [taskArn] },
      );
    };
    const OOM = { exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' };

    await measure('paging stop (held for the group wait, released by the sweep)', async () => {
      await processTaskStopped(stop('api-service', OOM), deps);
      clock += 61_000;
      await sweep();
      clock += 16 * 60_000;
      await sweep(); // the quiet period closes the incident, silently
      return 3;
    });
    await measure('routine stop that reaches the function (Spot)', async () => {
      await processTaskStopped(
        stop(
          'worker-service',
          { exitCode: 0 },
          { stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.' },
        ),
        deps,
      );
      return 1;
    });
    await measure('restart loop of 10 stops, its page and its all-clear', async () => {
      for (let i = 0; i < 10; i++) {
        await processTaskStopped(stop('checkout-service', { exitCode: 1 }), deps);
        clock += 30_000;
      }
      clock += 16 * 60_000;
      await sweep();
      return 11;
    });
    await measure('deployment (3 deployment events, 1 steady state)', async () => {
      for (const eventName of ['SERVICE_DEPLOYMENT_IN_PROGRESS', 'SERVICE_DEPLOYMENT_COMPLETED']) {
        await processRollout(
          serviceEvent('ECS Deployment State Change', `deploy-${eventName}`, clock, {
            eventType: 'INFO',
            eventName,
            deploymentId: 'ecs-svc/1',
            updatedAt: new Date(clock).toISOString(),
          }),
          deps,
        );
      }
      await processRollout(
        serviceEvent('ECS Service Action', 'steady', clock, {
          eventType: 'INFO',
          eventName: 'SERVICE_STEADY_STATE',
          clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/production',
        }),
        deps,
      );
      return 3;
    });
    await measure('idle sweep (nothing due)', async () => {
      clock += 60_000;
      await sweep();
      return 1;
    });

    // What stays in the table: the items of a day's work, most with a time-to-live of 15 days at most.
    const dynamodb = new DynamoDBClient(aws.clientConfig);
    const scan = await dynamodb.send(new ScanCommand({ TableName: state.tableName }));
    dynamodb.destroy();
    const itemBytes = (scan.Items ?? []).map((item) => JSON.stringify(item).length);
    deps.destroy();
    return { results, itemBytes, metricNames: Object.keys(counter.counts).length };
  });

  // ------------------------------------------------------------------ the month
  const r = measured.results;
  const perDay = (name: string, times: number) => ({ name, times, m: r[name] as Measured });
  const day = [
    perDay('paging stop (held for the group wait, released by the sweep)', WORKLOAD.pagingStopsPerDay),
    perDay(
      'routine stop that reaches the function (Spot)',
      WORKLOAD.stopsPerDay - WORKLOAD.pagingStopsPerDay - 10 * WORKLOAD.loopsPerDay,
    ),
    perDay('restart loop of 10 stops, its page and its all-clear', WORKLOAD.loopsPerDay),
    perDay('deployment (3 deployment events, 1 steady state)', WORKLOAD.deploymentsPerDay),
    perDay('idle sweep (nothing due)', 1440),
  ];
  const sum = (f: (m: Measured) => number) => day.reduce((total, d) => total + d.times * f(d.m), 0) * DAYS;
  const op = (m: Measured, ...names: string[]) => names.reduce((n, name) => n + (m.calls[name] ?? 0), 0);
  const averageItemKb = measured.itemBytes.reduce((a, b) => a + b, 0) / Math.max(1, measured.itemBytes.length) / 1024;
  const writeUnitsPerWrite = Math.max(1, Math.ceil(averageItemKb));
  const scans = (24 * 60 * DAYS) / 15;
  const month = {
    invocations: sum((m) => m.invocations) + scans,
    dynamodbWrites: sum((m) => op(m, 'PutItem', 'UpdateItem', 'DeleteItem') + 2 * op(m, 'TransactWriteItems')),
    dynamodbReads: sum((m) => op(m, 'GetItem', 'Query', 'BatchGetItem')),
    publishes: sum((m) => op(m, 'Publish')),
    sqsRequests: sum((m) => op(m, 'SendMessage')) * 3, // send, receive, delete of each timer
    // Plus Lambda's own START, END and REPORT lines: about 350 bytes an invocation.
    logGb: (sum((m) => m.logBytes + 350 * m.invocations) + 350 * scans) / 1024 ** 3,
  };
  const customMetrics = measured.metricNames + 3 * WORKLOAD.subnets + WORKLOAD.containerInstances;
  const costs: [string, number, string][] = [
    [
      'Lambda',
      (month.invocations / 1e6) * PRICES.lambdaPerMillionRequests +
        month.invocations * (WORKLOAD.averageInvocationMs / 1000) * 0.25 * PRICES.lambdaPerGbSecond,
      `${fmt(month.invocations)} invocations (1,440 sweeps a day, ${fmt(scans)} capacity scans) x ${WORKLOAD.averageInvocationMs} ms x 256 MB`,
    ],
    [
      'DynamoDB (on demand)',
      ((month.dynamodbWrites * writeUnitsPerWrite) / 1e6) * PRICES.dynamodbPerMillionWriteUnits +
        ((month.dynamodbReads * Math.max(1, Math.ceil(averageItemKb / 4))) / 1e6) * PRICES.dynamodbPerMillionReadUnits,
      `${fmt(month.dynamodbWrites)} writes x ${writeUnitsPerWrite} WRU, ${fmt(month.dynamodbReads)} reads; items ${averageItemKb.toFixed(2)} KB on average`,
    ],
    [
      'KMS',
      stack.keys * PRICES.kmsPerKeyMonth +
        (Math.min(month.publishes, 288 * DAYS * 2) / 1e4) * PRICES.kmsPerTenThousandRequests,
      `${stack.keys} customer managed keys (alert and ops topics); SNS reuses a data key up to 5 min`,
    ],
    [
      'SNS',
      (month.publishes / 1e6) * PRICES.snsPerMillionPublishes,
      `${fmt(month.publishes)} publishes (deliveries to SQS, Lambda and e-mail subscribers are priced by them)`,
    ],
    ['SQS (timers)', (month.sqsRequests / 1e6) * PRICES.sqsPerMillionRequests, `${fmt(month.sqsRequests)} requests`],
    [
      'CloudWatch metrics',
      customMetrics * PRICES.cloudWatchPerMetricMonth,
      `${customMetrics} custom metrics (${measured.metricNames} counters seen, 3 per subnet)`,
    ],
    ['CloudWatch alarms', stack.alarms * PRICES.cloudWatchPerAlarmMonth, `${stack.alarms} alarms`],
    [
      'CloudWatch Logs',
      month.logGb * (PRICES.logsPerGbIngested + PRICES.logsPerGbMonthStored),
      `${(month.logGb * 1024).toFixed(1)} MB a month (one month retention)`,
    ],
  ];
  const total = costs.reduce((t, [, c]) => t + c, 0);

  console.log('ECS Watchdog cost model (npm run bench:cost)');
  console.log('\nINPUTS (the account; change with -- --stops-per-day=N ...):');
  for (const [key, value] of Object.entries(WORKLOAD)) console.log(`  ${key.padEnd(22)} ${value}`);
  console.log('\nMEASURED (real processing on the local AWS emulator, requests counted on the wire):');
  for (const [name, m] of Object.entries(r)) {
    const calls = Object.entries(m.calls)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    console.log(`  ${name}: ${m.invocations} invocations; ${calls}; ${fmt(m.logBytes)} log bytes`);
  }
  console.log(
    `  table: ${measured.itemBytes.length} items, ${averageItemKb.toFixed(2)} KB average; stack: ${stack.functions} functions, ${stack.alarms} alarms, ${stack.keys} KMS keys`,
  );
  console.log(`\nA MONTH (${DAYS} days), us-east-1 list prices, no free tier:`);
  for (const [name, cost, how] of costs) console.log(`  ${name.padEnd(22)} $${cost.toFixed(2).padStart(7)}   ${how}`);
  console.log(`  ${'TOTAL'.padEnd(22)} $${total.toFixed(2).padStart(7)}`);
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

/** An event of the seeded api-service (a deployment state change or a service action) at `clock`. */
function serviceEvent(detailType: string, id: string, clock: number, detail: Record<string, unknown>) {
  return {
    version: '0',
    id,
    'detail-type': detailType,
    source: 'aws.ecs',
    account: '123456789012',
    time: new Date(clock).toISOString(),
    region: 'us-east-1',
    resources: ['arn:aws:ecs:us-east-1:123456789012:service/production/api-service'],
    detail,
  };
}
