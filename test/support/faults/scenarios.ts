/**
 * The fault suite's scenario matrix and its scoring (README "Delivery"): each scenario runs a
 * workload through the real processing code in a {@link World} with its faults, then replays every
 * dead-lettered event and redrives every dead-lettered timer (as the ops alarm says to), then
 * delivers every event once more (late duplicates, after their incidents closed). What on-call
 * received is compared with the same workload in a world without faults.
 */
import { CRASH_EVERY_MINUTE_24H, crowdedAtFirst, STANDARD, type Workload, wire } from './workload';
import { type Faults, HOUR, type InvocationKind, MINUTE, T0, World } from './world';

export interface Scenario {
  name: string;
  workload: Workload;
  faults: Faults;
}

export interface Outcome {
  scenario: string;
  alertsExpected: number;
  delivered: number;
  lost: number;
  duplicated: number;
  republishedAfterAcceptance: number;
  maxItemBytes: number;
  /** The largest item that is not an alert (incidents, claims, rollouts, capacity): what grows with stops, if anything does. */
  maxStateItemBytes: number;
  deadLettered: number;
  /** Invocations that died after SNS accepted a message they had not recorded: the one allowed cause of a repeat. */
  deathsAfterAcceptance: number;
  /** Alerts still waiting (held or pending) at the end: must be none. */
  undelivered: number;
  /** Minutes from the end of the scenario's outage (or T0) to the last page. */
  lastPageMinutes: number;
}

/** Runs one scenario to the end: its workload, its faults, the replay and redrive, late duplicates. */
export async function runScenario(
  scenario: Scenario,
): Promise<{ world: World; outcome: Omit<Outcome, 'alertsExpected' | 'lost' | 'duplicated'> }> {
  const world = new World(scenario.faults);
  const run = wire(world, crowdedAtFirst);
  scenario.workload.schedule(world, run);
  const quietAfter = Math.max(scenario.workload.settledAt, faultsEnd(scenario.faults) + 20 * MINUTE);
  world.every(T0, T0 + quietAfter, MINUTE, 'sweep', run.sweep);
  await world.runUntil(T0 + quietAfter);

  // What the dead-letter alarm tells ops to do: replay the events, redrive the timers.
  const deadLettered = world.deadLetters.splice(0);
  for (const message of deadLettered) {
    if (message.kind === 'event') await message.handle(message.event).catch(() => undefined);
    else run.redriveTimer(message.body);
  }
  // Late duplicates of every event, long after their incidents closed: nothing may page again.
  for (const event of [...world.events]) await run.replay(event).catch(() => undefined);
  const end = world.now + 30 * MINUTE;
  world.every(world.now, end, MINUTE, 'sweep', run.sweep);
  await world.runUntil(end);

  const deliveries = world.deliveries;
  const byId = new Map<string, number>();
  for (const d of deliveries) byId.set(d.alertId, (byId.get(d.alertId) ?? 0) + 1);
  let republishedAfterAcceptance = 0;
  const accepted = new Set<string>();
  for (const d of deliveries) {
    if (accepted.has(d.alertId)) republishedAfterAcceptance += 1;
    if (d.diedAfterAcceptance) accepted.add(d.alertId);
    else accepted.delete(d.alertId);
  }
  const outageEnd = T0 + faultsEnd(scenario.faults);
  const last = Math.max(...deliveries.map((d) => d.at), T0);
  return {
    world,
    outcome: {
      scenario: scenario.name,
      delivered: byId.size,
      republishedAfterAcceptance,
      maxItemBytes: world.store.maxItemBytes,
      maxStateItemBytes: world.store.maxStateItemBytes,
      deadLettered: deadLettered.length,
      deathsAfterAcceptance: world.deathsAfterAcceptance,
      undelivered: world.store.alerts('PENDING').length + world.store.alerts('HELD').length,
      lastPageMinutes: Math.round((last - outageEnd) / MINUTE),
    },
  };
}

/** Pages by group (whose, what kind, what category): what on-call counts. */
function groups(world: World): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const d of world.deliveries) out.set(d.group, (out.get(d.group) ?? new Set()).add(d.alertId));
  return out;
}

/**
 * Scores a run against the same workload without faults. `lost`: pages of a group that never came;
 * `duplicated`: a page sent again (not after an invocation died once SNS had it) or a group paged
 * more often than without faults.
 */
export function score(baseline: World, run: Awaited<ReturnType<typeof runScenario>>): Outcome {
  const expected = groups(baseline);
  const got = groups(run.world);
  let lost = 0;
  let extra = 0;
  for (const [group, ids] of expected) lost += Math.max(0, ids.size - (got.get(group)?.size ?? 0));
  for (const [group, ids] of got) extra += Math.max(0, ids.size - (expected.get(group)?.size ?? 0));
  const repeats = run.world.deliveries.length - run.outcome.delivered - run.outcome.republishedAfterAcceptance;
  return {
    ...run.outcome,
    alertsExpected: [...expected.values()].reduce((n, ids) => n + ids.size, 0),
    lost,
    duplicated: repeats + extra,
  };
}

function faultsEnd(faults: Faults): number {
  const windows = [
    faults.snsDown,
    faults.kmsDenied,
    faults.sqsDown,
    faults.throttle,
    faults.conflicts,
    faults.itemLimit,
  ];
  return Math.max(0, ...windows.map((w) => w?.to ?? 0));
}

const window = (minutes: number, from = 0) => ({ from: from * MINUTE, to: (from + minutes) * MINUTE });

/** Steps an invocation of each kind makes at most in the standard workload (store, SNS and SQS calls). */
const STEPS: Record<InvocationKind, number> = { event: 8, timer: 6, sweep: 8, scan: 6 };

export function scenarios(): Scenario[] {
  const list: Scenario[] = [
    { name: 'no faults', workload: STANDARD, faults: {} },
    { name: 'SNS down 1 min', workload: STANDARD, faults: { snsDown: window(1, 1) } },
    { name: 'SNS down 10 min', workload: STANDARD, faults: { snsDown: window(10) } },
    { name: 'SNS down 30 min', workload: STANDARD, faults: { snsDown: window(30) } },
    { name: 'SNS down 2 h', workload: STANDARD, faults: { snsDown: { from: 0, to: 2 * HOUR } } },
    { name: 'SNS down 24 h', workload: STANDARD, faults: { snsDown: { from: 0, to: 24 * HOUR } } },
    { name: 'KMS key denied 30 min', workload: STANDARD, faults: { kmsDenied: window(30) } },
    { name: 'KMS key denied 2 h', workload: STANDARD, faults: { kmsDenied: { from: 0, to: 2 * HOUR } } },
    {
      name: 'DynamoDB throttles every 3rd call for 20 min',
      workload: STANDARD,
      faults: { throttle: { ...window(20), every: 3 } },
    },
    {
      name: 'DynamoDB conflict storm (every 2nd write) for 20 min',
      workload: STANDARD,
      faults: { conflicts: { ...window(20), every: 2 } },
    },
    {
      name: 'DynamoDB refuses alert items over 3 KB for 20 min (alerts are cut down to fit)',
      workload: STANDARD,
      faults: { itemLimit: { ...window(20), bytes: 3072 } },
    },
    { name: 'SQS refuses timers for 30 min', workload: STANDARD, faults: { sqsDown: window(30) } },
    { name: 'EventBridge delivers every event twice at once', workload: STANDARD, faults: { duplicateAfter: 0 } },
    {
      name: 'EventBridge delivers every event again 90 s later',
      workload: STANDARD,
      faults: { duplicateAfter: 90_000 },
    },
    {
      name: 'SNS down 30 min while DynamoDB throttles and SQS refuses timers',
      workload: STANDARD,
      faults: { snsDown: window(30), throttle: { ...window(30), every: 4 }, sqsDown: window(30) },
    },
    {
      name: 'SNS down 24 h, a service crashing every minute all along',
      workload: CRASH_EVERY_MINUTE_24H,
      faults: { snsDown: { from: 0, to: 24 * HOUR } },
    },
    {
      name: 'SNS down 30 min, a service crashing every minute for 24 h',
      workload: CRASH_EVERY_MINUTE_24H,
      faults: { snsDown: window(30) },
    },
  ];
  for (const kind of ['event', 'timer', 'sweep', 'scan'] as InvocationKind[]) {
    for (let step = 1; step <= STEPS[kind]; step++)
      list.push({
        name: `first attempt of every ${kind} invocation dies before step ${step}`,
        workload: STANDARD,
        faults: { die: { kind, step, attempts: 'first' } },
      });
    list.push({
      name: `first attempt of every ${kind} invocation dies after its last step`,
      workload: STANDARD,
      faults: { die: { kind, step: 'end', attempts: 'first' } },
    });
    list.push({
      name: `first attempt of every ${kind} invocation dies right after SNS accepted`,
      workload: STANDARD,
      faults: { die: { kind, afterPublish: 1, attempts: 'first' } },
    });
  }
  for (const step of [1, 3, 'end'] as const)
    list.push({
      name: `one stop kills every attempt ${step === 'end' ? 'after its last step' : `before step ${step}`}, then is replayed from the DLQ`,
      workload: STANDARD,
      faults: { die: { kind: 'event', step, attempts: 'all', events: ['stop-4'] } },
    });
  list.push({
    name: 'every timer fails 5 times (dead-lettered), then is redriven',
    workload: STANDARD,
    faults: { die: { kind: 'timer', step: 1, attempts: 'all' } },
  });
  return list;
}

/** The fault-free run of each workload, once. */
export async function baselines(list: Scenario[]): Promise<Map<Workload, World>> {
  const out = new Map<Workload, World>();
  for (const workload of new Set(list.map((s) => s.workload)))
    out.set(workload, (await runScenario({ name: `${workload.name} without faults`, workload, faults: {} })).world);
  return out;
}
