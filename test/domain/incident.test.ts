import { describe, expect, it } from 'vitest';
import type { Alert } from '../../lambdas/domain/alerts/alert';
import { buildLoopAlert, buildRecoveredAlert } from '../../lambdas/domain/alerts/build-incident-alert';
import {
  alertsOf,
  closeIfQuiet,
  closeOnSteadyState,
  type Effect,
  EMPTY_STATE,
  foldIntoRollout,
  type Incident,
  isNewerRevision,
  type LoopPolicy,
  recordStop,
  releaseHeld,
  type ServiceState,
  type StopRecord,
  upgradeState,
  wakeAt,
  wakeUp,
} from '../../lambdas/domain/incidents/incident';

const POLICY: LoopPolicy = { threshold: 3, windowMs: 10 * 60_000, groupWaitMs: 60_000, quietMs: 15 * 60_000 };
const NO_WAIT: LoopPolicy = { ...POLICY, groupWaitMs: 0 };
const T0 = Date.parse('2026-11-26T03:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

let n = 0;
function stop(minute: number, extra: Partial<StopRecord> = {}): StopRecord {
  n += 1;
  return {
    eventId: `evt-${n}`,
    at: at(minute),
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/production/task${n}`,
    taskDefinition: 'api-service:42',
    category: 'OOM_KILLED',
    culprit: 'api',
    exitCode: 137,
    reason: 'OutOfMemoryError: Container killed due to memory usage',
    ...extra,
  };
}

const ALERT = {
  kind: 'TASK_STOPPED',
  category: 'OOM_KILLED',
  severity: 'HIGH',
  actionable: true,
  title: 'HIGH OOM_KILLED: api-service',
  summary: 's',
  account: '123456789012',
  region: 'us-east-1',
  cluster: 'production',
  service: 'api-service',
  team: 'payments',
  evidence: { facts: [] },
  nextSteps: ['Raise the memory limit'],
  links: [{ label: 'Service events', url: 'https://x' }],
  dedupeKey: 'task-stopped:x',
  incidentId: 'task/x',
  occurredAt: at(0),
  enrichmentErrors: [],
} as Alert;

function play(stops: StopRecord[], policy = POLICY, start: ServiceState = EMPTY_STATE) {
  let state = start;
  const effects: Effect[][] = [];
  for (const s of stops) {
    const t = recordStop('production/api-service', state, s, ALERT, policy);
    state = t.state;
    effects.push(t.effects);
  }
  return { state, effects, types: effects.map((e) => e.map((x) => x.type).filter((t) => t !== 'check-quiet')) };
}

describe('restart loop window', () => {
  it('opens a loop at exactly N stops within the window, and absorbs the rest', () => {
    const { types, state } = play([stop(0), stop(1), stop(2), stop(3), stop(4)], NO_WAIT);
    expect(types).toEqual([['page-single'], ['absorbed'], ['page-loop'], ['absorbed'], ['absorbed']]);
    expect(state.incident).toMatchObject({ kind: 'RESTART_LOOP', stopCount: 5, categories: { OOM_KILLED: 5 } });
  });

  it('does not call N-1 stops a loop', () => {
    const { types } = play([stop(0), stop(5)], NO_WAIT);
    expect(types).toEqual([['page-single'], ['absorbed']]);
  });

  it('does not count stops that fell out of the window', () => {
    // 0, 9.9 and 10.0 minutes: the first is exactly 10 min before the third, so outside a 10-minute window.
    const { types } = play([stop(0), stop(9.9), stop(10)], NO_WAIT);
    expect(types).toEqual([['page-single'], ['absorbed'], ['absorbed']]);
    const { types: inside } = play([stop(0), stop(9.9), stop(9.99)], NO_WAIT);
    expect(inside[2]).toEqual(['page-loop']);
  });

  it('pages one loop, held-alert free, when the loop forms within the group wait', () => {
    const { types, state } = play([stop(0), stop(0.3), stop(0.6)]);
    expect(types).toEqual([['hold'], ['absorbed'], ['drop-held', 'page-loop']]);
    const release = releaseHeld(state, state.incident?.id ?? '');
    expect(release.effects).toEqual([]);
  });

  it('releases the held alert after the group wait when no loop formed', () => {
    const { state } = play([stop(0)]);
    const release = releaseHeld(state, state.incident?.id ?? '');
    expect(release.effects).toEqual([{ type: 'page-held', alertId: ALERT.dedupeKey }]);
    expect(release.state.incident?.status).toBe('OPEN');
    expect(releaseHeld(release.state, state.incident?.id ?? '').effects).toEqual([]);
  });

  it('escalates once when a slow loop forms after the single alert went out', () => {
    const { types } = play([stop(0), stop(4), stop(8), stop(9)], NO_WAIT);
    expect(types).toEqual([['page-single'], ['absorbed'], ['page-loop'], ['absorbed']]);
  });

  it('starts a new incident for a new task definition revision', () => {
    const first = play([stop(0), stop(1), stop(2)], NO_WAIT);
    const { types, state } = play([stop(3, { taskDefinition: 'api-service:43' })], NO_WAIT, first.state);
    expect(types).toEqual([['closed-silently', 'page-single']]);
    expect(state.incident).toMatchObject({ taskDefinition: 'api-service:43', stopCount: 1, kind: 'TASK_STOPPED' });
    expect(state.stops).toHaveLength(1);
  });

  it('ignores a stop it has already recorded (EventBridge delivers at least once)', () => {
    const s = stop(0);
    const { types } = play([s, s], NO_WAIT);
    expect(types).toEqual([['page-single'], ['duplicate']]);
  });

  it('arms one quiet-period check when the incident opens, not one per stop', () => {
    const { effects } = play([stop(0), stop(1), stop(2)]);
    expect(effects[0]).toContainEqual(expect.objectContaining({ type: 'check-quiet', checkAt: at(15) }));
    expect(
      effects
        .slice(1)
        .flat()
        .filter((e) => e.type === 'check-quiet'),
    ).toEqual([]);
  });
});

describe('storms of routine stops (Spot)', () => {
  it('opens silently and pages once when the threshold is reached', () => {
    const spot = (minute: number) => stop(minute, { category: 'SPOT_INTERRUPTION', culprit: undefined, exitCode: 143 });
    let state = EMPTY_STATE;
    const types: string[][] = [];
    for (const s of [spot(0), spot(1), spot(2), spot(3)]) {
      const t = recordStop('production/checkout-service#spot', state, s, ALERT, POLICY, { pageSingleStops: false });
      state = t.state;
      types.push(t.effects.map((e) => e.type).filter((type) => type !== 'check-quiet'));
    }
    expect(types).toEqual([['absorbed'], ['absorbed'], ['page-loop'], ['absorbed']]);
    const loop = recordStop('s', EMPTY_STATE, spot(0), ALERT, { ...POLICY, threshold: 2 }, { pageSingleStops: false });
    const effect = recordStop('s', loop.state, spot(1), ALERT, { ...POLICY, threshold: 2 }, { pageSingleStops: false })
      .effects[0];
    if (effect?.type !== 'page-loop') throw new Error('expected a storm page');
    const alert = buildLoopAlert(effect.incident, ALERT, POLICY);
    expect(alert).toMatchObject({ kind: 'RESTART_LOOP', category: 'SPOT_INTERRUPTION', severity: 'HIGH' });
    expect(alert.title).toBe('HIGH SPOT_INTERRUPTION storm: api-service in production - 2 tasks reclaimed in 1 min');
  });
});

describe('closing incidents', () => {
  it('announces recovery of a loop on steady state, then a new loop opens a new incident', () => {
    const loop = play([stop(0), stop(1), stop(2)], NO_WAIT);
    const closed = closeOnSteadyState(loop.state, at(20));
    expect(closed.effects.map((e) => e.type)).toEqual(['page-recovered']);
    expect(closed.state).toEqual(EMPTY_STATE);
    const again = play([stop(30), stop(31), stop(32)], NO_WAIT, closed.state);
    expect(again.types).toEqual([['page-single'], ['absorbed'], ['page-loop']]);
    expect(again.state.incident?.id).not.toBe(loop.state.incident?.id);
  });

  it('re-arms an early quiet check after later stops', () => {
    const loop = play([stop(0), stop(1), stop(2), stop(7)], NO_WAIT);
    const id = loop.state.incident?.id ?? '';
    expect(closeIfQuiet(loop.state, id, at(15), POLICY).effects).toEqual([
      { type: 'check-quiet', incidentId: id, checkAt: at(22) },
    ]);
    expect(closeIfQuiet(loop.state, id, at(22), POLICY).effects.map((e) => e.type)).toEqual(['page-recovered']);
  });

  it('closes after the quiet period only, and a single-stop incident closes without a message', () => {
    const single = play([stop(0)], NO_WAIT);
    const id = single.state.incident?.id ?? '';
    expect(closeIfQuiet(single.state, id, at(14), POLICY).effects).toEqual([
      { type: 'check-quiet', incidentId: id, checkAt: at(15) },
    ]);
    expect(closeIfQuiet(single.state, id, at(15), POLICY).effects).toEqual([
      { type: 'closed-silently', incidentId: id, reason: 'no further stops for 15 min' },
    ]);
  });

  it('never drops a held alert when the incident closes before it was released', () => {
    const held = play([stop(0)]);
    const closed = closeOnSteadyState(held.state, at(3));
    expect(closed.effects.map((e) => e.type)).toEqual(['page-held', 'closed-silently']);
  });

  it('ignores a steady state reported within the grace period of the last stop (tasks that crash minutes after starting)', () => {
    const loop = play([stop(0), stop(1), stop(2)], NO_WAIT);
    expect(closeOnSteadyState(loop.state, at(3)).effects).toEqual([]);
    expect(closeOnSteadyState(loop.state, at(4)).effects.map((e) => e.type)).toEqual(['page-recovered']);
  });

  it('runs its timers on the wall clock, so a stop delivered late is not closed at once', () => {
    const late = recordStop('s', EMPTY_STATE, stop(0), ALERT, POLICY, { now: at(120) });
    expect(late.effects).toContainEqual(expect.objectContaining({ type: 'hold', releaseAt: at(121) }));
    const id = late.state.incident?.id ?? '';
    expect(closeIfQuiet(late.state, id, at(130), POLICY).effects.map((e) => e.type)).toEqual(['check-quiet']);
  });

  it('wakes up what a lost timer would have done: the held alert first, then the quiet close', () => {
    const held = play([stop(0)]);
    expect(wakeAt(held.state)).toBe(at(1));
    expect(wakeUp(held.state, at(0.5), POLICY).effects).toEqual([]);
    const released = wakeUp(held.state, at(1), POLICY);
    expect(released.effects).toEqual([{ type: 'page-held', alertId: ALERT.dedupeKey }]);
    expect(wakeAt(released.state)).toBe(at(15));
    const both = wakeUp(held.state, at(16), POLICY);
    expect(both.effects.map((e) => e.type)).toEqual(['page-held', 'closed-silently']);
    expect(wakeAt(both.state)).toBeUndefined();
    expect(wakeAt(EMPTY_STATE)).toBeUndefined();
  });

  it('ignores a stale check for an incident that is already gone', () => {
    const loop = play([stop(0), stop(1), stop(2)], NO_WAIT);
    expect(closeIfQuiet(loop.state, 'incident/other', at(60), POLICY).effects).toEqual([]);
  });
});

describe('incident alerts', () => {
  it('pages a loop with counts, categories, culprit and last reasons', () => {
    const loop = play([stop(0), stop(2, { category: 'APP_CRASH', exitCode: 1, reason: undefined }), stop(4)], NO_WAIT);
    const effect = loop.effects[2]?.find((e) => e.type === 'page-loop');
    if (effect?.type !== 'page-loop') throw new Error('expected a loop page');
    const alert = buildLoopAlert(effect.incident, ALERT, NO_WAIT);
    expect(alert).toMatchObject({
      kind: 'RESTART_LOOP',
      category: 'OOM_KILLED',
      severity: 'CRITICAL',
      team: 'payments',
    });
    expect(alert.title).toBe(
      'CRITICAL RESTART_LOOP: api-service in production - 3 stops in 4 min (OOM_KILLED x2, APP_CRASH x1)',
    );
    expect(alert.evidence.facts).toContainEqual({
      label: 'Stop 2 at 2026-11-26T03:02:00.000Z',
      value: 'APP_CRASH in api, exit 1',
    });
    expect(alert.incidentId).toBe(effect.incident.id);
  });

  it('announces recovery with the duration and the stops absorbed', () => {
    const loop = play([stop(0), stop(1), stop(2), stop(3)], NO_WAIT);
    const incident = loop.state.incident;
    if (!incident) throw new Error('expected an incident');
    const alert = buildRecoveredAlert(incident, at(25), 'the service reached a steady state');
    // The first stop paged HIGH at once (no group wait), then the loop CRITICAL: the all-clear carries both.
    expect(alert).toMatchObject({
      kind: 'RECOVERED',
      severity: 'CRITICAL',
      resolves: { severities: ['CRITICAL', 'HIGH'] },
      actionable: false,
      incidentId: incident.id,
      team: 'payments',
    });
    expect(alert.title).toBe('RECOVERED: api-service in production - restart loop over after 25 min (4 stops)');
  });

  it('carries only the severities that paged: a held first alert the loop replaced never went out', () => {
    const loop = play([stop(0), stop(1), stop(2)]);
    expect(loop.types[2]).toContain('drop-held');
    const incident = loop.state.incident as NonNullable<typeof loop.state.incident>;
    expect(buildRecoveredAlert(incident, at(25), 'quiet').resolves).toEqual({ severities: ['CRITICAL'] });
    const released = releaseHeld(play([stop(0)]).state, play([stop(0)]).state.incident?.id ?? '');
    expect(released.state.incident?.pagedSeverities).toEqual(['HIGH']);
  });

  it("takes the team of the loop page's stop when the first stop had none, so the all-clear reaches the same team", () => {
    let state: ServiceState = EMPTY_STATE;
    state = recordStop('production/api-service', state, stop(0), { ...ALERT, team: undefined }, NO_WAIT).state;
    state = recordStop('production/api-service', state, stop(1), { ...ALERT, team: undefined }, NO_WAIT).state;
    state = recordStop('production/api-service', state, stop(2), ALERT, NO_WAIT).state;
    const incident = state.incident as NonNullable<typeof state.incident>;
    expect(buildRecoveredAlert(incident, at(25), 'quiet').team).toBe('payments');
  });
});

describe('folding into a rollout', () => {
  it("ends the failed revision's incident without a recovery notice, and leaves other revisions alone", () => {
    const loop = play([stop(0), stop(1), stop(2)], NO_WAIT);
    const folded = foldIntoRollout(loop.state, 'api-service:42', at(5));
    expect(folded.folded?.kind).toBe('RESTART_LOOP');
    expect(folded.effects.map((e) => e.type)).toEqual(['closed-silently']);
    const held = play([stop(0)]);
    expect(foldIntoRollout(held.state, 'api-service:42', at(0.5)).effects.map((e) => e.type)).toEqual([
      'drop-held',
      'closed-silently',
    ]);
    expect(folded.state.incident).toBeUndefined();
    expect(foldIntoRollout(loop.state, 'api-service:43', at(5)).effects).toEqual([]);
  });
});

describe('review regressions', () => {
  it('moves alerts an earlier release kept in the state item into the outbox', () => {
    const held = play([stop(0)]).state;
    const legacy = {
      ...held,
      incident: { ...(held.incident as Incident), heldAlertId: undefined, heldAlert: ALERT },
      outbox: [{ alert: { ...ALERT, dedupeKey: 'old-page' } }],
    };
    const { state, queue } = upgradeState(legacy);
    expect(queue.map((q) => [q.alert.alertId, q.status])).toEqual([
      ['old-page', 'PENDING'],
      [ALERT.dedupeKey, 'HELD'],
    ]);
    expect(state.outbox).toBeUndefined();
    expect(state.incident?.heldAlert).toBeUndefined();
    expect(state.incident?.heldAlertId).toBe(ALERT.dedupeKey);
    expect(upgradeState(state).queue).toEqual([]);
  });

  it('turns decisions into outbox changes, every alert with its stable id', () => {
    const held = play([stop(0)]);
    expect(alertsOf({ state: held.state, effects: held.effects[0] ?? [] }, POLICY, ALERT).queue).toEqual([
      { alert: { ...ALERT, incidentId: held.state.incident?.id, alertId: ALERT.dedupeKey }, status: 'HELD' },
    ]);
    const loop = recordStop('s', held.state, stop(0.2), ALERT, POLICY);
    const twice = recordStop('s', loop.state, stop(0.4), ALERT, POLICY);
    const out = alertsOf(twice, POLICY, ALERT);
    expect(out.drop).toEqual([ALERT.dedupeKey]);
    expect(out.queue.map((q) => [q.alert.kind, q.alert.alertId, q.status])).toEqual([
      ['RESTART_LOOP', `${held.state.incident?.id}/loop`, 'PENDING'],
    ]);
  });

  it('keeps the state item small: reasons are cut, stops are bounded by the threshold', () => {
    let state = EMPTY_STATE;
    for (let i = 0; i < 500; i++)
      state = recordStop('s', state, stop(i, { reason: 'x'.repeat(5000) }), ALERT, POLICY, { now: at(i) }).state;
    expect(state.stops).toHaveLength(POLICY.threshold);
    expect(state.incident?.recent.every((r) => (r.reason?.length ?? 0) <= 256)).toBe(true);
    expect(JSON.stringify(state).length).toBeLessThan(10_000);
  });

  it('lets stops of an older revision join the open incident instead of closing it', () => {
    const older = (minute: number) => stop(minute, { taskDefinition: 'api-service:41' });
    const { types, state } = play([stop(0), older(0.5), stop(1), older(1.5)], NO_WAIT);
    expect(types).toEqual([['page-single'], ['absorbed'], ['page-loop'], ['absorbed']]);
    expect(state.incident?.taskDefinition).toBe('api-service:42');
    expect(isNewerRevision('api-service:43', 'api-service:42')).toBe(true);
    expect(isNewerRevision('api-service:9', 'api-service:10')).toBe(false);
    expect(isNewerRevision('api-v2:1', 'api-service:42')).toBe(true);
  });

  it('counts Spot interruptions of every revision towards one storm', () => {
    const spot = (minute: number, revision: number) =>
      stop(minute, { category: 'SPOT_INTERRUPTION', taskDefinition: `api-service:${revision}` });
    let state = EMPTY_STATE;
    const types: string[] = [];
    for (const s of [spot(0, 42), spot(1, 43), spot(2, 42)]) {
      const t = recordStop('s#spot', state, s, ALERT, POLICY, { pageSingleStops: false, anyRevision: true });
      state = t.state;
      types.push(...t.effects.map((e) => e.type).filter((type) => type !== 'check-quiet'));
    }
    expect(types).toEqual(['absorbed', 'absorbed', 'page-loop']);
  });

  it('keeps counting Spot interruptions through steady states until a storm has paged', () => {
    const opened = recordStop('s#spot', EMPTY_STATE, stop(0, { category: 'SPOT_INTERRUPTION' }), ALERT, POLICY, {
      pageSingleStops: false,
    });
    expect(closeOnSteadyState(opened.state, at(10), { onlyPaged: true }).effects).toEqual([]);
  });

  it('lets only the live quiet-period timer act, so duplicate copies never multiply', () => {
    const { state } = play([stop(0)], NO_WAIT);
    const id = state.incident?.id ?? '';
    expect(state.incident?.quietCheckAt).toBe(at(15));
    expect(closeIfQuiet(state, id, at(20), POLICY, at(14)).effects).toEqual([]);
    expect(closeIfQuiet(state, id, at(20), POLICY, at(15)).effects.map((e) => e.type)).toEqual(['closed-silently']);
  });

  it('does not page a held alert separately when its incident folds into a rollout', () => {
    const held = play([stop(0)]);
    expect(foldIntoRollout(held.state, 'api-service:42', at(1)).effects.map((e) => e.type)).toEqual([
      'drop-held',
      'closed-silently',
    ]);
  });
});

describe('unpaged counts (Spot)', () => {
  it('start over once every earlier interruption has left the window, so a storm counts its burst', () => {
    const spot = (minute: number) => stop(minute, { category: 'SPOT_INTERRUPTION' });
    let state = EMPTY_STATE;
    const pages: Incident[] = [];
    // A trickle 12 minutes apart (each alone in the 10-minute window), then a burst.
    for (const s of [spot(0), spot(12), spot(24), spot(30), spot(31), spot(32)]) {
      const t = recordStop('s#spot', state, s, ALERT, POLICY, { pageSingleStops: false });
      state = t.state;
      for (const e of t.effects) if (e.type === 'page-loop') pages.push(e.incident);
    }
    expect(pages.map((p) => [p.stopCount, p.openedAt])).toEqual([[3, at(24)]]);
  });
});
