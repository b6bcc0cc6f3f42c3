import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ENRICHMENT_BUDGET,
  DEFAULT_RESTART_LOOP,
  resolveSettings,
  validateAlertEmail,
  validateClusters,
  validateEnrichmentBudget,
  validateLogExcerptLines,
  validateMutedCategories,
  validateRedactPatterns,
  validateRestartLoop,
  validateSeverityOverrides,
  validateTeamTagKey,
} from '../../infra/config.js';

describe('resolveSettings', () => {
  it('fills in the documented defaults', () => {
    expect(resolveSettings({})).toEqual({
      clusters: undefined,
      alertEmail: undefined,
      teamTagKey: 'team',
      enrichmentBudget: DEFAULT_ENRICHMENT_BUDGET,
      logExcerptLines: 20,
      mutedCategories: [],
      severityOverrides: {},
      redactPatterns: [],
      restartLoop: DEFAULT_RESTART_LOOP,
    });
    expect(DEFAULT_ENRICHMENT_BUDGET.toMilliseconds()).toBe(3000);
  });

  it('keeps valid settings', () => {
    const settings = resolveSettings({
      clusters: ['prod', 'arn:aws:ecs:eu-west-1:123456789012:cluster/batch', 'prod'],
      alertEmail: 'oncall@example.com',
      teamTagKey: 'owner:team',
      enrichmentBudget: Duration.seconds(5),
      logExcerptLines: 0,
      mutedCategories: ['COMPLETED', 'USER_STOPPED', 'COMPLETED'],
      severityOverrides: { HEALTH_CHECK_ELB: 'CRITICAL' },
    });
    expect(settings.clusters).toEqual([
      { kind: 'name', name: 'prod' },
      { kind: 'arn', arn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/batch' },
    ]);
    expect(settings.mutedCategories).toEqual(['COMPLETED', 'USER_STOPPED']);
    expect(settings.logExcerptLines).toBe(0);
    expect(settings.severityOverrides).toEqual({ HEALTH_CHECK_ELB: 'CRITICAL' });
  });
});

describe('each bad setting fails with a message naming it', () => {
  it.each([
    ['foo', 'EcsWatchdog: alertEmail "foo" is not an e-mail address'],
    ['on call@example.com', 'alertEmail "on call@example.com"'],
  ])('alertEmail %j', (email, message) => {
    expect(() => validateAlertEmail(email)).toThrow(message);
  });

  it('clusters', () => {
    expect(() => validateClusters([])).toThrow('EcsWatchdog: clusters must not be empty');
    expect(() => validateClusters(['prod cluster'])).toThrow('EcsWatchdog: clusters: "prod cluster" is neither');
    expect(() => validateClusters(['arn:aws:ecs:eu-west-1:123456789012:service/prod/api'])).toThrow(
      'clusters: "arn:aws:ecs:eu-west-1:123456789012:service/prod/api"',
    );
  });

  it('teamTagKey', () => {
    expect(() => validateTeamTagKey('')).toThrow('EcsWatchdog: teamTagKey "" is not a valid ECS tag key');
    expect(() => validateTeamTagKey('x'.repeat(129))).toThrow('teamTagKey');
    expect(() => validateTeamTagKey('aws:team')).toThrow('teamTagKey "aws:team" uses the reserved "aws:" prefix');
    expect(validateTeamTagKey('cost-center')).toBe('cost-center');
  });

  it('enrichmentBudget', () => {
    expect(() => validateEnrichmentBudget(Duration.millis(50))).toThrow(
      'EcsWatchdog: enrichmentBudget must be from 100 ms to 20 s (the function times out after 30 s), got 50 ms',
    );
    expect(() => validateEnrichmentBudget(Duration.seconds(25))).toThrow('enrichmentBudget');
    expect(validateEnrichmentBudget(Duration.seconds(20)).toSeconds()).toBe(20);
  });

  it.each([500, -1, 2.5, Number.NaN])('logExcerptLines %j', (lines) => {
    expect(() => validateLogExcerptLines(lines)).toThrow(
      `EcsWatchdog: logExcerptLines must be an integer from 0 to 100, got ${JSON.stringify(lines)}`,
    );
  });

  it('mutedCategories', () => {
    expect(() => validateMutedCategories(['OOM'])).toThrow(
      /^EcsWatchdog: mutedCategories: "OOM" is not a stop category \(valid: OOM_KILLED, APP_CRASH, .*NOT_STOPPED\)$/,
    );
  });

  it('severityOverrides', () => {
    expect(() => validateSeverityOverrides({ OOM: 'HIGH' })).toThrow(
      'EcsWatchdog: severityOverrides: "OOM" is not a category (valid: OOM_KILLED',
    );
    // Rollout outcomes and service action events can be overridden too.
    expect(
      validateSeverityOverrides({ ROLLOUT_FAILED: 'CRITICAL', SERVICE_TASK_PLACEMENT_FAILURE: 'CRITICAL' }),
    ).toEqual({ ROLLOUT_FAILED: 'CRITICAL', SERVICE_TASK_PLACEMENT_FAILURE: 'CRITICAL' });
    expect(() => validateSeverityOverrides({ OOM_KILLED: 'URGENT' })).toThrow(
      'EcsWatchdog: severityOverrides: "URGENT" for OOM_KILLED is not a severity (valid: CRITICAL, HIGH, MEDIUM, LOW, INFO)',
    );
  });
});

describe('redactPatterns', () => {
  it('keeps valid patterns and names a bad one', () => {
    expect(validateRedactPatterns(['customer-\\d+'])).toEqual(['customer-\\d+']);
    expect(() => validateRedactPatterns(['('])).toThrow(
      'EcsWatchdog: redactPatterns: "(" is not a valid regular expression',
    );
  });
});

describe('restartLoop', () => {
  it('defaults to 3 stops in 10 minutes, a 60 s group wait and a 15 minute quiet period', () => {
    const loop = validateRestartLoop(undefined);
    expect(loop.threshold).toBe(3);
    expect(loop.window.toSeconds()).toBe(600);
    expect(loop.groupWait.toSeconds()).toBe(60);
    expect(loop.quietPeriod.toSeconds()).toBe(900);
    expect(validateRestartLoop({})).toEqual(loop);
  });

  it('keeps valid settings at the edges of their ranges, filling in the rest', () => {
    const low = validateRestartLoop({
      threshold: 2,
      window: Duration.minutes(1),
      groupWait: Duration.seconds(0),
      quietPeriod: Duration.seconds(60),
    });
    expect([low.threshold, low.window.toSeconds(), low.groupWait.toSeconds(), low.quietPeriod.toSeconds()]).toEqual([
      2, 60, 0, 60,
    ]);
    const high = validateRestartLoop({
      threshold: 100,
      window: Duration.hours(24),
      groupWait: Duration.minutes(15),
      quietPeriod: Duration.days(1),
    });
    expect([high.threshold, high.window.toSeconds(), high.groupWait.toSeconds(), high.quietPeriod.toSeconds()]).toEqual(
      [100, 86_400, 900, 86_400],
    );
    expect(validateRestartLoop({ threshold: 4 }).window.toSeconds()).toBe(600);
  });

  it.each([
    [{ threshold: 1 }, 'EcsWatchdog: restartLoop.threshold must be an integer from 2 to 100, got 1'],
    [{ threshold: '3' as never }, 'EcsWatchdog: restartLoop.threshold must be an integer from 2 to 100, got "3"'],
    [
      { window: Duration.seconds(59) },
      'EcsWatchdog: restartLoop.window must be whole seconds from 1 min to 24 h, got 59 s',
    ],
    [{ window: Duration.millis(60_500) }, 'restartLoop.window must be whole seconds from 1 min to 24 h, got 60.5 s'],
    [
      { groupWait: Duration.minutes(16) },
      'EcsWatchdog: restartLoop.groupWait must be whole seconds from 0 s to 15 min, got 960 s',
    ],
    [
      { quietPeriod: Duration.hours(25) },
      'EcsWatchdog: restartLoop.quietPeriod must be whole seconds from 1 min to 24 h, got 90000 s',
    ],
    [{ quietPeriod: 600 as never }, 'EcsWatchdog: restartLoop.quietPeriod must be a Duration, got 600'],
    [
      'often' as never,
      'EcsWatchdog: restartLoop must be an object ({ threshold, window, groupWait, quietPeriod }), got "often"',
    ],
  ])('names the bad setting: %j', (input, message) => {
    expect(() => validateRestartLoop(input)).toThrow(message);
  });
});
