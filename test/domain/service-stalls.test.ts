import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../infra/config.js';
import { buildStallAlert, buildStallRecoveredAlert } from '../../lambdas/domain/alerts/build-stall-alert';
import type { DeploymentFacts, ServiceDeploymentFacts, ServiceFacts } from '../../lambdas/domain/capacity/facts';
import { observeStalls, servicesWithHooksToRead } from '../../lambdas/domain/capacity/service-stalls';
import {
  decideStallIncidents,
  MAX_PENDING_STALLS,
  type StallDecision,
  type StallRecords,
} from '../../lambdas/domain/capacity/stall-incidents';
import { serviceFacts } from '../support/capacity';

const T0 = Date.UTC(2026, 10, 26, 10);
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const THRESHOLDS = { belowDesiredMs: 15 * 60_000, slowDeploymentMs: 30 * 60_000 };

function deployment(overrides: Partial<DeploymentFacts> = {}): DeploymentFacts {
  return {
    id: 'ecs-svc/1',
    status: 'PRIMARY',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:7',
    rolloutState: 'COMPLETED',
    createdAt: at(-120),
    updatedAt: at(-110),
    desiredCount: 2,
    runningCount: 2,
    failedTasks: 0,
    ...overrides,
  };
}

/** One scan of `services` at `minute` over the stored records: the decision, as the capacity scan makes it. */
function scan(
  records: StallRecords,
  minute: number,
  services: ServiceFacts[],
  serviceDeployments: ServiceDeploymentFacts[] = [],
): StallDecision {
  return decideStallIncidents(records, observeStalls(services, serviceDeployments, 'team'), {
    now: at(minute),
    thresholds: THRESHOLDS,
    serviceArns: new Set(services.map((s) => s.serviceArn)),
    account: '123456789012',
    region: 'us-east-1',
  });
}

/** The first item, which the test expects to be there. */
function one<T>(items: readonly T[]): T {
  const [first] = items;
  if (first === undefined) throw new Error('expected at least one item');
  return first;
}

const keys = (items: { record: { key: string } }[]) => items.map((i) => i.record.key);
const API_ARN = 'arn:aws:ecs:us-east-1:123456789012:service/prod/api';

describe('a service at desired 1 / running 0', () => {
  const down = serviceFacts({ desiredCount: 1, runningCount: 0, tags: { team: 'payments' } });
  const up = serviceFacts({ desiredCount: 1, runningCount: 1 });

  it('is remembered at first sight, pages CRITICAL once it has lasted the threshold, then stays quiet', () => {
    const first = scan({}, 0, [down]);
    expect(first.opened).toEqual([]);
    expect(keys(first.pending)).toEqual([`shortfall:${API_ARN}`]);
    expect(first.next[`shortfall:${API_ARN}`]).toMatchObject({ since: at(0), category: 'SERVICE_NOT_RUNNING' });

    const early = scan(first.next, 14, [down]);
    expect(early.opened).toEqual([]);

    const second = scan(early.next, 15, [down]);
    expect(keys(second.opened)).toEqual([`shortfall:${API_ARN}`]);
    const opened = one(second.opened);
    expect(opened.record).toMatchObject({
      pagedSeverity: 'CRITICAL',
      openedAt: at(15),
      since: at(0),
      team: 'payments',
    });

    const alert = buildStallAlert(opened.observation, opened.record, at(15));
    expect(alert).toMatchObject({
      kind: 'SERVICE_HEALTH',
      category: 'SERVICE_NOT_RUNNING',
      severity: 'CRITICAL',
      actionable: true,
      cluster: 'prod',
      service: 'api',
      team: 'payments',
      incidentId: `shortfall:${API_ARN}/${at(15)}`,
    });
    expect(alert.title).toBe('CRITICAL SERVICE_NOT_RUNNING: api in prod - 0 of 1 tasks running for 15 min');

    const third = scan(second.next, 30, [down]);
    expect(third.opened).toEqual([]);
    expect(third.escalated).toEqual([]);
    expect(keys(third.ongoing)).toEqual([`shortfall:${API_ARN}`]);
    expect(third.next).toEqual(second.next);
  });

  it('recovers once when a task runs, and is forgotten after', () => {
    const opened = scan(scan({}, 0, [down]).next, 15, [down]);
    const recovered = scan(opened.next, 30, [up]);
    expect(recovered.recovered).toEqual([{ record: opened.next[`shortfall:${API_ARN}`], reason: 'CLEARED' }]);
    expect(recovered.next).toEqual({});
    const notice = buildStallRecoveredAlert(one(recovered.recovered).record, 'CLEARED', at(30), {
      desiredCount: 1,
      runningCount: 1,
    });
    // The severity of the page it closes, so every filter that got the page gets it (docs/routing.md).
    expect(notice).toMatchObject({
      kind: 'RECOVERED',
      category: 'SERVICE_HEALTH_RESTORED',
      severity: 'CRITICAL',
      resolves: { severities: ['CRITICAL'] },
    });
    expect(notice.title).toBe('RECOVERED: api in prod - 1 of 1 tasks running');
    expect(notice.incidentId).toBe(opened.opened[0]?.record.incidentId);
    expect(scan(recovered.next, 45, [up]).recovered).toEqual([]);
  });

  it('forgets a condition that clears before its threshold, without a page', () => {
    const first = scan({}, 0, [down]);
    const cleared = scan(first.next, 5, [up]);
    expect(cleared.recovered).toEqual([]);
    expect(cleared.next).toEqual({});
  });

  it('pages down whatever is deploying: nothing running is an outage', () => {
    const deploying = serviceFacts({
      desiredCount: 1,
      runningCount: 0,
      deployments: [deployment({ rolloutState: 'IN_PROGRESS', createdAt: at(-1) })],
    });
    expect(keys(scan(scan({}, 0, [deploying]).next, 15, [deploying]).opened)).toEqual([`shortfall:${API_ARN}`]);
  });

  it('closes as SERVICE_GONE when the service is deleted', () => {
    const opened = scan(scan({}, 0, [down]).next, 15, [down]);
    const gone = scan(opened.next, 30, []);
    expect(gone.recovered.map((r) => r.reason)).toEqual(['SERVICE_GONE']);
    expect(buildStallRecoveredAlert(one(gone.recovered).record, 'SERVICE_GONE', at(30)).title).toBe(
      'RECOVERED: api in prod - the service no longer exists',
    );
  });

  it('ignores a service that wants no task, and one being deleted', () => {
    expect(observeStalls([serviceFacts({ desiredCount: 0, runningCount: 0 })], [], 'team')).toEqual([]);
    expect(observeStalls([serviceFacts({ status: 'DRAINING', desiredCount: 1, runningCount: 0 })], [], 'team')).toEqual(
      [],
    );
  });
});

describe('a service below desired (not at zero)', () => {
  const short = serviceFacts({ desiredCount: 4, runningCount: 2, pendingCount: 1 });

  it('pages HIGH after the threshold when no deployment progresses', () => {
    const opened = scan(scan({}, 0, [short]).next, 15, [short]);
    expect(opened.opened.map((o) => [o.observation.category, o.record.pagedSeverity])).toEqual([
      ['SERVICE_BELOW_DESIRED', 'HIGH'],
    ]);
    const alert = buildStallAlert(one(opened.opened).observation, one(opened.opened).record, at(15));
    expect(alert.title).toBe('HIGH SERVICE_BELOW_DESIRED: api in prod - 2 of 4 tasks running for 15 min');
  });

  it('is not counted while a deployment progresses (the deployment replaces tasks), but an open incident stays open', () => {
    const deploying = { ...short, deployments: [deployment({ rolloutState: 'IN_PROGRESS', createdAt: at(-1) })] };
    const first = scan({}, 0, [deploying]);
    expect(first.pending.map((p) => p.record.check)).toEqual(['SLOW_DEPLOYMENT']);
    expect(first.next[`shortfall:${API_ARN}`]).toBeUndefined();

    const opened = scan(scan({}, 0, [short]).next, 15, [short]);
    const during = scan(opened.next, 30, [deploying]);
    expect(keys(during.ongoing)).toEqual([`shortfall:${API_ARN}`]);
    expect(during.recovered).toEqual([]);
  });

  it('pages once more, CRITICAL, when it drops to zero; not again when it climbs back part of the way', () => {
    const opened = scan(scan({}, 0, [short]).next, 15, [short]);
    const zero = { ...short, runningCount: 0 };
    const worse = scan(opened.next, 30, [zero]);
    expect(worse.escalated.map((e) => [e.from, e.observation.category, e.record.pagedSeverity])).toEqual([
      ['SERVICE_BELOW_DESIRED', 'SERVICE_NOT_RUNNING', 'CRITICAL'],
    ]);
    const escalation = buildStallAlert(
      one(worse.escalated).observation,
      one(worse.escalated).record,
      at(30),
      'SERVICE_BELOW_DESIRED',
    );
    expect(escalation.incidentId).toBe(opened.opened[0]?.record.incidentId);
    expect(escalation.dedupeKey).not.toBe(
      buildStallAlert(one(opened.opened).observation, one(opened.opened).record, at(15)).dedupeKey,
    );
    expect(escalation.summary).toContain('It was reported as SERVICE_BELOW_DESIRED');

    const better = scan(worse.next, 45, [short]);
    expect(better.escalated).toEqual([]);
    expect(better.opened).toEqual([]);
    expect(keys(better.ongoing)).toEqual([`shortfall:${API_ARN}`]);
    expect(scan(better.next, 60, [zero]).escalated).toEqual([]);
  });
});

describe('a slow deployment', () => {
  const slow = (createdMinute: number, rolloutState = 'IN_PROGRESS') =>
    serviceFacts({
      deployments: [
        deployment({
          id: 'ecs-svc/2',
          rolloutState,
          createdAt: at(createdMinute),
          desiredCount: 2,
          runningCount: 0,
          failedTasks: 3,
        }),
        deployment({ status: 'ACTIVE', rolloutState: 'COMPLETED' }),
      ],
    });

  it('pages at the first scan that finds it in progress longer than the threshold (its createdAt says since when)', () => {
    const decision = scan({}, 0, [slow(-31)]);
    expect(decision.opened.map((o) => [o.record.key, o.record.since, o.record.pagedSeverity])).toEqual([
      [`deployment:${API_ARN}:ecs-svc/2`, at(-31), 'HIGH'],
    ]);
    const alert = buildStallAlert(one(decision.opened).observation, one(decision.opened).record, at(0));
    expect(alert.title).toBe('HIGH DEPLOYMENT_TOO_SLOW: api in prod - deployment in progress for 31 min');
    expect(alert.summary).toContain('0 of 2 new tasks running, 3 failed');
    expect(alert.taskDefinition).toBe('api:7');
  });

  it('waits while it is younger than the threshold', () => {
    const young = scan({}, 0, [slow(-29)]);
    expect(young.opened).toEqual([]);
    expect(keys(scan(young.next, 1, [slow(-29)]).opened)).toEqual([`deployment:${API_ARN}:ecs-svc/2`]);
  });

  it('recovers once when the deployment is no longer in progress', () => {
    const opened = scan({}, 0, [slow(-40)]);
    const done = scan(opened.next, 15, [slow(-40, 'COMPLETED')]);
    expect(done.recovered.map((r) => [r.record.key, r.reason])).toEqual([
      [`deployment:${API_ARN}:ecs-svc/2`, 'CLEARED'],
    ]);
    expect(
      buildStallRecoveredAlert(one(done.recovered).record, 'CLEARED', at(15), {
        desiredCount: 2,
        runningCount: 2,
        rolloutState: 'COMPLETED',
      }).title,
    ).toBe('RECOVERED: api in prod - deployment ecs-svc/2 is COMPLETED');
    expect(done.next).toEqual({});
  });
});

describe('lifecycle hooks', () => {
  const SD_ARN = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/api/abc';
  const withHooks = serviceFacts({
    lifecycleHooks: 1,
    currentServiceDeployment: SD_ARN,
    deployments: [deployment({ rolloutState: 'IN_PROGRESS', createdAt: at(-2) })],
  });
  const hookDeployment = (status: string): ServiceDeploymentFacts => ({
    serviceDeploymentArn: SD_ARN,
    serviceArn: API_ARN,
    status: 'IN_PROGRESS',
    lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
    hooks: [{ hookId: 'h-1', targetArn: 'arn:aws:lambda:us-east-1:123456789012:function:smoke-test', status }],
  });

  it('reads hooks only of services that have hooks configured and a deployment under way', () => {
    expect(servicesWithHooksToRead([withHooks, serviceFacts({ service: 'plain' })]).map((s) => s.service)).toEqual([
      'api',
    ]);
    const idle = { ...withHooks, deployments: [deployment()] };
    expect(servicesWithHooksToRead([idle])).toEqual([]);
  });

  it('pages a hook that timed out or failed at once', () => {
    const decision = scan({}, 0, [withHooks], [hookDeployment('TIMED_OUT')]);
    expect(decision.opened.map((o) => [o.observation.category, o.record.pagedSeverity])).toEqual([
      ['DEPLOYMENT_HOOK_FAILED', 'HIGH'],
    ]);
    const alert = buildStallAlert(one(decision.opened).observation, one(decision.opened).record, at(0));
    expect(alert.title).toBe('HIGH DEPLOYMENT_HOOK_FAILED: api in prod - lifecycle hook smoke-test TIMED_OUT');
  });

  it('pages a hook waiting longer than the slow-deployment threshold, and once more if it then fails', () => {
    const first = scan({}, 0, [withHooks], [hookDeployment('AWAITING_ACTION')]);
    expect(first.opened).toEqual([]);
    const waiting = scan(first.next, 30, [withHooks], [hookDeployment('AWAITING_ACTION')]);
    // The deployment itself has been in progress 32 min by now: it pages as slow too.
    expect(waiting.opened.map((o) => [o.observation.category, o.record.pagedSeverity])).toEqual([
      ['DEPLOYMENT_TOO_SLOW', 'HIGH'],
      ['DEPLOYMENT_HOOK_WAITING', 'MEDIUM'],
    ]);
    const failed = scan(waiting.next, 45, [withHooks], [hookDeployment('FAILED')]);
    expect(failed.escalated.map((e) => e.observation.category)).toEqual(['DEPLOYMENT_HOOK_FAILED']);
    const over = scan(failed.next, 60, [withHooks], [hookDeployment('SUCCEEDED')]);
    expect(over.recovered.map((r) => r.record.key)).toEqual([`hook:${SD_ARN}`]);
  });
});

describe('severityOverrides', () => {
  it('pages a category at the severity the setting gives it, and judges "worse" by it', () => {
    const short = serviceFacts({ desiredCount: 4, runningCount: 2 });
    const overrides = { SERVICE_BELOW_DESIRED: 'CRITICAL' as const, SERVICE_NOT_RUNNING: 'HIGH' as const };
    const decide = (records: StallRecords, minute: number, services: ServiceFacts[]) =>
      decideStallIncidents(records, observeStalls(services, [], 'team'), {
        now: at(minute),
        thresholds: THRESHOLDS,
        serviceArns: new Set(services.map((s) => s.serviceArn)),
        severityOverrides: overrides,
      });
    const opened = decide(decide({}, 0, [short]).next, 15, [short]);
    const page = one(opened.opened);
    expect(page.record.pagedSeverity).toBe('CRITICAL');
    expect(buildStallAlert(page.observation, page.record, at(15)).severity).toBe('CRITICAL');
    // At zero it is HIGH now: not worse than what was paged.
    expect(decide(opened.next, 30, [{ ...short, runningCount: 0 }]).escalated).toEqual([]);
    expect(resolveSettings({ severityOverrides: overrides }).severityOverrides).toEqual(overrides);
  });
});

describe('bounded state', () => {
  it(`remembers at most ${MAX_PENDING_STALLS} pending conditions, the most severe first, and names the rest`, () => {
    const services = Array.from({ length: MAX_PENDING_STALLS + 20 }, (_, i) =>
      serviceFacts({ service: `svc-${i}`, desiredCount: 2, runningCount: i < 10 ? 0 : 1 }),
    );
    const decision = scan({}, 0, services);
    expect(Object.keys(decision.next)).toHaveLength(MAX_PENDING_STALLS);
    expect(decision.untracked).toHaveLength(20);
    // The ten services at zero (CRITICAL) are all kept.
    const zero = services.slice(0, 10).map((s) => `shortfall:${s.serviceArn}`);
    for (const key of zero) expect(decision.next[key]).toBeDefined();
    expect(JSON.stringify(decision.next).length).toBeLessThan(200_000);
  });
});
