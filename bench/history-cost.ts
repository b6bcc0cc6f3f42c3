/**
 * What history costs (`npm run bench:history`, README "History"): the items the real adapter writes
 * (`historyItem`, lambdas/adapters/history-table.ts) for real-shaped stops, pages and incidents, sized
 * by DynamoDB's rules (UTF-8 bytes of every attribute name and value; a number ~1 byte per 2 digits +
 * 1), the write units per stop (base table + the `history` index), the read units of the CLI's
 * queries, and the monthly cost for an account of 1,000 tasks under a stated stop rate. Prices are
 * on-demand us-east-1 list prices, stated below. Prints a table, then one JSON line.
 */
import { performance } from 'node:perf_hooks';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { historyItem } from '../lambdas/adapters/history-table';
import { MemoryHistory } from '../lambdas/adapters/memory-history';
import { stopEntry } from '../lambdas/app/history';
import { processTaskStopped, type TaskStoppedDeps } from '../lambdas/app/process-task-stopped';
import { MemoryCounter, silentLog } from '../lambdas/app/shared/telemetry';
import { parseEnvelope } from '../lambdas/domain/events/ecs-event';
import { parseTaskStateChange } from '../lambdas/domain/events/task-event';
import { type HistoryEntry, incidentEntry, pageEntry } from '../lambdas/domain/history/history';
import {
  HISTORY_ENTRY_ATTRIBUTE,
  HISTORY_PARTITION_ATTRIBUTE,
  HISTORY_SORT_ATTRIBUTE,
} from '../lambdas/domain/incidents/keys';
import { classifyStop } from '../lambdas/domain/stops/classify-stop';
import { taskEvent } from '../test/support/events';

/** Assumptions, stated: the stop rate of an account of 1,000 tasks and the prices. */
const TASKS = 1_000;
/** Stops per task per day, routine ones included (deployments, scale-in, batch jobs, crashes). */
const STOPS_PER_TASK_PER_DAY = 2;
/** Share of stops that page (most stops are routine or folded into an incident). */
const PAGES_PER_STOP = 0.02;
const INCIDENTS_PER_STOP = 0.01;
const DAYS_PER_MONTH = 30;
const RETENTION_DAYS = 30;
const PRICE = {
  writeUnit: 0.625 / 1e6,
  readUnit: 0.125 / 1e6,
  storageGbMonth: 0.25,
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000166667,
};
/** The task-stopped function (infra/watchdog-function.ts) and the billed time of a routine stop, assumed. */
const LAMBDA_MEMORY_GB = 256 / 1024;
const ROUTINE_STOP_BILLED_MS = 50;
/** History queries on-call runs a month (`history`, `incidents`), each reading one day of one service. */
const QUERIES_PER_MONTH = 300;

function attributeBytes(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S, 'utf8');
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\./g, '').length / 2) + 1;
  throw new Error('unexpected attribute type');
}

function itemBytes(item: Record<string, AttributeValue>, only?: string[]): number {
  return Object.entries(item)
    .filter(([name]) => !only || only.includes(name))
    .reduce((n, [name, value]) => n + Buffer.byteLength(name, 'utf8') + attributeBytes(value), 0);
}

const INDEX_ATTRIBUTES = ['pk', HISTORY_PARTITION_ATTRIBUTE, HISTORY_SORT_ATTRIBUTE, HISTORY_ENTRY_ATTRIBUTE];

function sizes(entry: HistoryEntry) {
  const item = historyItem(entry, RETENTION_DAYS);
  const base = itemBytes(item);
  const index = itemBytes(item, INDEX_ATTRIBUTES);
  // One write unit per KB of the item, in the table and again in the index.
  return { base, index, writeUnits: Math.ceil(base / 1024) + Math.ceil(index / 1024) };
}

const OOM = {
  containers: [
    {
      name: 'api',
      exitCode: 137,
      reason: 'OutOfMemoryError: Container killed due to memory usage',
      lastStatus: 'STOPPED',
    },
    { name: 'log_router', exitCode: 143, lastStatus: 'STOPPED' },
  ],
};
const SCALE_IN = {
  stopCode: 'ServiceSchedulerInitiated',
  stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1234567890123456789)',
  containers: [{ name: 'api', exitCode: 0, lastStatus: 'STOPPED' }],
};

async function main(): Promise<void> {
  const task = (detail: Record<string, unknown>) =>
    parseTaskStateChange(parseEnvelope(taskEvent(detail), '2026-11-26T03:00:00Z'));
  const oomTask = task(OOM);
  const routineTask = task(SCALE_IN);
  const oomStop = stopEntry(oomTask, classifyStop(oomTask));
  const routineStop = stopEntry(routineTask, classifyStop(routineTask));
  const page = pageEntry(
    {
      kind: 'RESTART_LOOP',
      category: 'OOM_KILLED',
      severity: 'CRITICAL',
      actionable: true,
      title: 'CRITICAL RESTART_LOOP: api-service in production - 3 stops in 1 min (OOM_KILLED x3)',
      summary: '',
      account: '123456789012',
      region: 'us-east-1',
      cluster: 'production',
      service: 'api-service',
      evidence: { facts: [] },
      nextSteps: [],
      links: [],
      dedupeKey: 'incident/production/api-service/42/1795662000000/loop',
      incidentId: 'incident/production/api-service/42/1795662000000',
      occurredAt: '2026-11-26T03:01:00.000Z',
      enrichmentErrors: [],
    },
    '2026-11-26T03:01:00.000Z',
    'SENT',
  );
  const incident = incidentEntry(
    {
      id: 'incident/production/api-service/42/1795662000000',
      scope: { account: '123456789012', region: 'us-east-1', cluster: 'production', service: 'api-service', links: [] },
      status: 'OPEN',
      kind: 'RESTART_LOOP',
      openedAt: '2026-11-26T03:00:00.000Z',
      lastSeenAt: '2026-11-26T03:14:00.000Z',
      lastActivityAt: '2026-11-26T03:14:00.000Z',
      taskDefinition: 'api-service:42',
      stopCount: 7,
      categories: { OOM_KILLED: 7 },
      recent: [],
    },
    { at: '2026-11-26T03:29:00.000Z', because: 'no further stops for 15 min' },
  );
  const rows = { 'stop (OOM, actionable)': oomStop, 'stop (routine scale-in)': routineStop, page, incident };
  const measured = Object.fromEntries(Object.entries(rows).map(([name, entry]) => [name, sizes(entry)]));

  // The time a routine stop takes in the function, classification and the history write (in memory) included.
  const history = new MemoryHistory();
  const deps = {
    config: { mutedCategories: new Set(), severityOverrides: {} },
    incidents: { history, store: undefined, timers: undefined },
    log: silentLog,
    counter: new MemoryCounter(),
  } as unknown as TaskStoppedDeps;
  const event = taskEvent(SCALE_IN);
  for (let i = 0; i < 200; i++) await processTaskStopped(event, deps);
  const runs = 2000;
  const started = performance.now();
  for (let i = 0; i < runs; i++) await processTaskStopped(event, deps);
  const routineCpuMs = (performance.now() - started) / runs;

  const stopsPerMonth = TASKS * STOPS_PER_TASK_PER_DAY * DAYS_PER_MONTH;
  const stopWrite = measured['stop (OOM, actionable)']?.writeUnits ?? 0;
  const writeUnits =
    stopsPerMonth * stopWrite +
    stopsPerMonth * PAGES_PER_STOP * (measured.page?.writeUnits ?? 0) +
    // An incident is written when it opens and again when it closes.
    stopsPerMonth * INCIDENTS_PER_STOP * 2 * (measured.incident?.writeUnits ?? 0);
  const avgStopBytes =
    ((measured['stop (OOM, actionable)']?.base ?? 0) + (measured['stop (routine scale-in)']?.base ?? 0)) / 2;
  const avgIndexBytes =
    ((measured['stop (OOM, actionable)']?.index ?? 0) + (measured['stop (routine scale-in)']?.index ?? 0)) / 2;
  // DynamoDB adds 100 bytes of overhead per item, in the table and in the index.
  const storedGb =
    (stopsPerMonth * (RETENTION_DAYS / DAYS_PER_MONTH) * (avgStopBytes + avgIndexBytes + 200)) / 1024 ** 3;
  // A query of one service's day: its rows of that day (eventually consistent: half a unit per 4 KB).
  const stopsPerServiceDay = (TASKS * STOPS_PER_TASK_PER_DAY) / 100;
  const queryReadUnits = Math.max(0.5, Math.ceil((stopsPerServiceDay * avgIndexBytes) / 4096) * 0.5);
  // While history is on, routine stops reach the function (the rule no longer filters them).
  const routineInvocations = stopsPerMonth * 0.9;
  const cost = {
    writes: writeUnits * PRICE.writeUnit,
    storage: storedGb * PRICE.storageGbMonth,
    reads: QUERIES_PER_MONTH * queryReadUnits * PRICE.readUnit,
    lambda:
      routineInvocations *
      (PRICE.lambdaRequest + LAMBDA_MEMORY_GB * (ROUTINE_STOP_BILLED_MS / 1000) * PRICE.lambdaGbSecond),
  };
  const total = cost.writes + cost.storage + cost.reads + cost.lambda;

  console.log('History cost (npm run bench:history)');
  console.log('  item                      table B   index B   write units');
  for (const [name, m] of Object.entries(measured))
    console.log(
      `  ${name.padEnd(26)}${String(m.base).padStart(7)}${String(m.index).padStart(10)}${String(m.writeUnits).padStart(14)}`,
    );
  console.log(
    `  assumptions: ${TASKS} tasks, ${STOPS_PER_TASK_PER_DAY} stops/task/day (${stopsPerMonth} stops/month, 90% routine), ` +
      `${PAGES_PER_STOP * 100}% page, ${INCIDENTS_PER_STOP * 100}% open an incident, ${RETENTION_DAYS} d retention, 100 services`,
  );
  console.log(
    `  per month: ${writeUnits} write units $${cost.writes.toFixed(4)}, ${storedGb.toFixed(4)} GB stored $${cost.storage.toFixed(4)}, ` +
      `${QUERIES_PER_MONTH} queries x ${queryReadUnits} read units $${cost.reads.toFixed(6)}, ` +
      `${routineInvocations} routine invocations $${cost.lambda.toFixed(4)} (${ROUTINE_STOP_BILLED_MS} ms billed at 256 MB)`,
  );
  console.log(
    `  total $${total.toFixed(3)} a month; a routine stop runs ${routineCpuMs.toFixed(3)} ms in-process (history write in memory)`,
  );
  console.log(
    JSON.stringify({
      items: measured,
      writeUnitsPerStop: stopWrite,
      readUnitsPerServiceDayQuery: queryReadUnits,
      stopsPerMonth,
      writeUnitsPerMonth: writeUnits,
      storedGb: +storedGb.toFixed(5),
      monthlyUsd: Object.fromEntries(Object.entries({ ...cost, total }).map(([k, v]) => [k, +v.toFixed(4)])),
      routineStopCpuMs: +routineCpuMs.toFixed(3),
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
