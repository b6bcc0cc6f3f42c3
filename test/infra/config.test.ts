import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ENRICHMENT_BUDGET,
  resolveSettings,
  validateAlertEmail,
  validateClusters,
  validateEnrichmentBudget,
  validateLogExcerptLines,
  validateMutedCategories,
  validateRedactPatterns,
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
      'EcsWatchdog: severityOverrides: "OOM" is not a stop category (valid: OOM_KILLED',
    );
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
