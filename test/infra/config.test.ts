import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../infra/config.js';

describe('resolveSettings', () => {
  it('fills in the documented defaults', () => {
    expect(resolveSettings({})).toEqual({
      alertEmail: undefined,
      clusters: undefined,
      teamTagKey: 'team',
      enrichmentBudget: 3000,
      logExcerptLines: 20,
      mutedCategories: [],
      severityOverrides: {},
      redactPatterns: [],
      loopThreshold: 3,
      loopWindow: 600_000,
      groupWait: 60_000,
      quietPeriod: 900_000,
      historyRetentionDays: 30,
      maintenanceWindows: [],
      capacityScanEnabled: true,
      capacityScanSchedule: 900_000,
      freeIpThreshold: 25,
      belowDesiredFor: 900_000,
      slowDeploymentAfter: 1_800_000,
      scanConcurrency: 8,
      removalPolicy: 'retain',
      accountNames: {},
    });
  });

  it('keeps valid settings, durations in milliseconds', () => {
    const settings = resolveSettings({
      clusters: ['prod', 'arn:aws:ecs:eu-west-1:123456789012:cluster/batch', 'prod'],
      alertEmail: 'oncall@example.com',
      teamTagKey: 'owner:team',
      enrichmentBudget: Duration.seconds(5),
      logExcerptLines: 0,
      mutedCategories: ['COMPLETED', 'USER_STOPPED', 'COMPLETED'],
      severityOverrides: { HEALTH_CHECK_ELB: 'CRITICAL' },
      capacityScan: { schedule: Duration.hours(1), concurrency: 16 },
    });
    expect(settings.clusters).toEqual([
      { kind: 'name', name: 'prod' },
      { kind: 'arn', arn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/batch' },
    ]);
    expect(settings.mutedCategories).toEqual(['COMPLETED', 'USER_STOPPED']);
    expect(settings.logExcerptLines).toBe(0);
    expect(settings.enrichmentBudget).toBe(5000);
    expect(settings.severityOverrides).toEqual({ HEALTH_CHECK_ELB: 'CRITICAL' });
    expect(settings.capacityScanSchedule).toBe(3_600_000);
    expect(settings.scanConcurrency).toBe(16);
  });
});

describe('each bad setting fails with a message naming its prop and its -c key', () => {
  it.each<[string, Parameters<typeof resolveSettings>[0], string]>([
    ['alertEmail', { alertEmail: 'foo' }, 'EcsWatchdog: alertEmail "foo" is not an e-mail address (-c alertEmail)'],
    ['alertEmail with a space', { alertEmail: 'on call@example.com' }, 'alertEmail "on call@example.com"'],
    [
      'empty clusters',
      { clusters: [] },
      'EcsWatchdog: clusters must not be empty: omit it to watch every cluster in the account and region (-c clusters)',
    ],
    ['a cluster name with a space', { clusters: ['prod cluster'] }, 'EcsWatchdog: clusters: "prod cluster" is neither'],
    [
      'a service ARN as a cluster',
      { clusters: ['arn:aws:ecs:eu-west-1:123456789012:service/prod/api'] },
      'clusters: "arn:aws:ecs:eu-west-1:123456789012:service/prod/api"',
    ],
    ['empty teamTagKey', { teamTagKey: '' }, 'EcsWatchdog: teamTagKey "" is not a valid ECS tag key'],
    ['long teamTagKey', { teamTagKey: 'x'.repeat(129) }, 'teamTagKey'],
    ['aws: teamTagKey', { teamTagKey: 'aws:team' }, 'teamTagKey "aws:team" uses the reserved "aws:" prefix'],
    [
      'enrichmentBudget too short',
      { enrichmentBudget: Duration.millis(50) },
      'EcsWatchdog: enrichmentBudget must be from 100 ms to 20 s (the function times out after 30 s), got 50 ms (-c enrichmentBudgetSeconds)',
    ],
    ['enrichmentBudget too long', { enrichmentBudget: Duration.seconds(25) }, 'got 25 s (-c enrichmentBudgetSeconds)'],
    [
      'enrichmentBudget as a number',
      { enrichmentBudget: 3000 as never },
      'enrichmentBudget must be a Duration, got 3000',
    ],
    [
      'logExcerptLines',
      { logExcerptLines: 500 },
      'EcsWatchdog: logExcerptLines must be an integer from 0 to 100, got 500 (-c logExcerptLines)',
    ],
    ['logExcerptLines 2.5', { logExcerptLines: 2.5 }, 'logExcerptLines must be an integer from 0 to 100, got 2.5'],
    ['logExcerptLines NaN', { logExcerptLines: Number.NaN }, 'logExcerptLines must be an integer from 0 to 100'],
    [
      'severityOverrides category',
      { severityOverrides: { OOM: 'HIGH' } },
      'severityOverrides: "OOM" is not a category',
    ],
    [
      'severityOverrides severity',
      { severityOverrides: { OOM_KILLED: 'URGENT' } },
      'EcsWatchdog: severityOverrides: "URGENT" for OOM_KILLED is not a severity (valid: CRITICAL, HIGH, MEDIUM, LOW, INFO)',
    ],
    ['redactPatterns', { redactPatterns: ['('] }, 'EcsWatchdog: redactPatterns: "(" is not a valid regular expression'],
    ['redactPatterns empty', { redactPatterns: [''] }, 'EcsWatchdog: redactPatterns: "" is not a regular expression'],
  ])('%s', (_name, input, message) => {
    expect(() => resolveSettings(input)).toThrow(message);
  });

  it('lists the valid stop categories for mutedCategories', () => {
    expect(() => resolveSettings({ mutedCategories: ['OOM'] })).toThrow(
      /^EcsWatchdog: mutedCategories: "OOM" is not a stop category \(valid: OOM_KILLED, APP_CRASH, .*NOT_STOPPED\) \(-c mutedCategories\)$/,
    );
  });

  it('accepts rollout outcomes and service action events in severityOverrides', () => {
    expect(
      resolveSettings({
        severityOverrides: { ROLLOUT_FAILED: 'CRITICAL', SERVICE_TASK_PLACEMENT_FAILURE: 'CRITICAL' },
      }).severityOverrides,
    ).toEqual({ ROLLOUT_FAILED: 'CRITICAL', SERVICE_TASK_PLACEMENT_FAILURE: 'CRITICAL' });
  });

  it('keeps the edges of the enrichment budget', () => {
    expect(resolveSettings({ enrichmentBudget: Duration.seconds(20) }).enrichmentBudget).toBe(20_000);
    expect(resolveSettings({ enrichmentBudget: Duration.millis(100) }).enrichmentBudget).toBe(100);
  });
});

describe('restartLoop', () => {
  it('defaults to 3 stops in 10 minutes, a 60 s group wait and a 15 minute quiet period', () => {
    const loop = resolveSettings({ restartLoop: {} });
    expect([loop.loopThreshold, loop.loopWindow, loop.groupWait, loop.quietPeriod]).toEqual([
      3, 600_000, 60_000, 900_000,
    ]);
  });

  it('keeps valid settings at the edges of their ranges, filling in the rest', () => {
    const low = resolveSettings({
      restartLoop: {
        threshold: 2,
        window: Duration.minutes(1),
        groupWait: Duration.seconds(0),
        quietPeriod: Duration.seconds(60),
      },
    });
    expect([low.loopThreshold, low.loopWindow, low.groupWait, low.quietPeriod]).toEqual([2, 60_000, 0, 60_000]);
    const high = resolveSettings({
      restartLoop: {
        threshold: 100,
        window: Duration.hours(24),
        groupWait: Duration.minutes(15),
        quietPeriod: Duration.days(1),
      },
    });
    expect([high.loopThreshold, high.loopWindow, high.groupWait, high.quietPeriod]).toEqual([
      100, 86_400_000, 900_000, 86_400_000,
    ]);
    expect(resolveSettings({ restartLoop: { threshold: 4 } }).loopWindow).toBe(600_000);
  });

  it.each([
    [{ threshold: 1 }, 'EcsWatchdog: restartLoop.threshold must be an integer from 2 to 100, got 1 (-c loopThreshold)'],
    [{ threshold: '3' as never }, 'EcsWatchdog: restartLoop.threshold must be an integer from 2 to 100, got "3"'],
    [
      { window: Duration.seconds(59) },
      'EcsWatchdog: restartLoop.window must be whole seconds from 1 min to 24 h, got 59 s (-c loopWindowMinutes)',
    ],
    [{ window: Duration.millis(60_500) }, 'restartLoop.window must be whole seconds from 1 min to 24 h, got 60.5 s'],
    [
      { groupWait: Duration.minutes(16) },
      'EcsWatchdog: restartLoop.groupWait must be whole seconds from 0 s to 15 min, got 960 s (-c groupWaitSeconds)',
    ],
    [
      { quietPeriod: Duration.hours(25) },
      'EcsWatchdog: restartLoop.quietPeriod must be whole seconds from 1 min to 24 h, got 90000 s (-c quietPeriodMinutes)',
    ],
    [{ quietPeriod: 600 as never }, 'EcsWatchdog: restartLoop.quietPeriod must be a Duration, got 600'],
  ])('names the bad setting: %j', (restartLoop, message) => {
    expect(() => resolveSettings({ restartLoop })).toThrow(message);
  });

  it('refuses a restartLoop that is not an object', () => {
    expect(() => resolveSettings({ restartLoop: 'often' as never })).toThrow(
      'EcsWatchdog: restartLoop must be an object ({ threshold, window, groupWait, quietPeriod }), got "often"',
    );
  });
});

describe('capacityScan', () => {
  it.each([
    [{ schedule: Duration.minutes(1) }, 'EcsWatchdog: capacityScan.schedule must be whole minutes from 5 min to 24 h'],
    [
      { schedule: Duration.seconds(330) },
      'capacityScan.schedule must be whole minutes from 5 min to 24 h (a scan may run 5 min), got 330 s (-c capacityScanMinutes)',
    ],
    [
      { freeIpThreshold: -1 },
      'capacityScan.freeIpThreshold must be an integer from 0 to 65531, got -1 (-c freeIpThreshold)',
    ],
    [{ freeIpThreshold: 65_532 }, 'capacityScan.freeIpThreshold must be an integer from 0 to 65531'],
    [{ freeIpThreshold: 2.5 }, 'capacityScan.freeIpThreshold'],
    [
      { belowDesiredFor: Duration.seconds(30) },
      'capacityScan.belowDesiredFor must be whole minutes from 1 min to 168 h, got 30 s (-c belowDesiredMinutes)',
    ],
    [
      { slowDeploymentAfter: Duration.minutes(2) },
      'capacityScan.slowDeploymentAfter must be whole minutes from 5 min to 168 h, got 120 s (-c slowDeploymentMinutes)',
    ],
    [{ enabled: 'yes' as never }, 'capacityScan.enabled must be true or false, got "yes" (-c capacityScanEnabled)'],
    [
      { concurrency: 0 },
      'capacityScan.concurrency must be an integer from 1 to 64, got 0 (-c capacityScanConcurrency)',
    ],
  ])('names the bad setting: %j', (capacityScan, message) => {
    expect(() => resolveSettings({ capacityScan })).toThrow(message);
  });

  it('refuses a capacityScan that is not an object', () => {
    expect(() => resolveSettings({ capacityScan: true as never })).toThrow(
      'EcsWatchdog: capacityScan must be an object ({ enabled, schedule, freeIpThreshold, belowDesiredFor, slowDeploymentAfter, concurrency }), got true',
    );
  });
});

describe('history and maintenance-window settings', () => {
  it('refuse a bad value at synth, naming the prop and the -c key', () => {
    expect(() => resolveSettings({ historyRetentionDays: 400 })).toThrow(
      'EcsWatchdog: historyRetentionDays must be an integer from 0 to 365, got 400 (-c historyRetentionDays)',
    );
    expect(() => resolveSettings({ maintenanceWindows: ['SUNDAY 02:00/2h cluster=prod'] })).toThrow(
      /EcsWatchdog: maintenanceWindows: "SUNDAY 02:00\/2h cluster=prod" names the day "SUNDAY".*\(-c maintenanceWindows\)/,
    );
    expect(() => resolveSettings({ maintenanceWindows: ['SUN 02:00/2h service=api'] })).toThrow(
      /has no cluster=.*\(-c maintenanceWindows\)/,
    );
    expect(() => resolveSettings({ maintenanceWindows: ['daily 02:00/25h cluster=prod'] })).toThrow(
      /lasts longer than the period it repeats in/,
    );
  });

  it('keep valid windows as given', () => {
    const windows = ['SUN 02:00/2h cluster=prod service=api', 'daily 23:30/45m cluster=* category=CAPACITY'];
    expect(resolveSettings({ maintenanceWindows: windows, historyRetentionDays: 0 })).toMatchObject({
      maintenanceWindows: windows,
      historyRetentionDays: 0,
    });
  });
});
