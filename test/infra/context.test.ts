import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../infra/config.js';
import { watchdogPropsFromContext } from '../../infra/context.js';

const reader = (context: Record<string, unknown>) => (key: string) => context[key];

describe('watchdogPropsFromContext', () => {
  it('returns no settings for an empty context, so the construct defaults apply', () => {
    expect(watchdogPropsFromContext(reader({}))).toEqual({});
  });

  it('reads JSON values from cdk.json', () => {
    const props = watchdogPropsFromContext(
      reader({
        alertEmail: 'oncall@example.com',
        clusters: ['prod', 'staging'],
        teamTagKey: 'owner',
        mutedCategories: ['COMPLETED'],
        severityOverrides: { OOM_KILLED: 'CRITICAL' },
        logExcerptLines: 10,
        enrichmentBudgetSeconds: 1.5,
      }),
    );
    expect(props).toMatchObject({
      alertEmail: 'oncall@example.com',
      clusters: ['prod', 'staging'],
      teamTagKey: 'owner',
      mutedCategories: ['COMPLETED'],
      severityOverrides: { OOM_KILLED: 'CRITICAL' },
      logExcerptLines: 10,
    });
    expect(props.enrichmentBudget?.toMilliseconds()).toBe(1500);
  });

  it('reads strings from `cdk synth -c key=value`', () => {
    const props = watchdogPropsFromContext(
      reader({
        clusters: 'prod, staging',
        mutedCategories: '["COMPLETED","USER_STOPPED"]',
        severityOverrides: '{"OOM_KILLED":"CRITICAL"}',
        logExcerptLines: '5',
        enrichmentBudgetSeconds: '2',
      }),
    );
    expect(props.clusters).toEqual(['prod', 'staging']);
    expect(props.mutedCategories).toEqual(['COMPLETED', 'USER_STOPPED']);
    expect(props.severityOverrides).toEqual({ OOM_KILLED: 'CRITICAL' });
    expect(props.logExcerptLines).toBe(5);
    expect(props.enrichmentBudget?.toMilliseconds()).toBe(2000);
  });

  it.each([
    [
      'clusters',
      '[prod',
      'cdk context "clusters" must be a JSON array of strings or a comma-separated list, got "[prod"',
    ],
    ['clusters', 42, 'cdk context "clusters" must be a JSON array'],
    ['mutedCategories', [1], 'cdk context "mutedCategories" must be a JSON array'],
    ['severityOverrides', '{OOM', 'cdk context "severityOverrides" must be a JSON object, got "{OOM"'],
    ['severityOverrides', '["HIGH"]', 'cdk context "severityOverrides" must be a JSON object'],
    ['logExcerptLines', 'lots', 'cdk context "logExcerptLines" must be a number, got "lots"'],
    ['enrichmentBudgetSeconds', 'soon', 'cdk context "enrichmentBudgetSeconds" must be a number'],
    ['alertEmail', 7, 'cdk context "alertEmail" must be a string, got 7'],
    ['teamTagKey', ['a'], 'cdk context "teamTagKey" must be a string'],
  ])('a malformed %s fails naming it', (key, value, message) => {
    expect(() => watchdogPropsFromContext(reader({ [key]: value }))).toThrow(message);
  });
});

describe('restart-loop and capacity-scan context keys', () => {
  it('reads them from cdk.json values', () => {
    const props = watchdogPropsFromContext(
      reader({
        loopThreshold: 4,
        loopWindowMinutes: 20,
        groupWaitSeconds: 0,
        quietPeriodMinutes: 30,
        capacityScanEnabled: true,
        capacityScanMinutes: 60,
        freeIpThreshold: 50,
      }),
    );
    expect(props.restartLoop?.threshold).toBe(4);
    expect(props.restartLoop?.window?.toSeconds()).toBe(1200);
    expect(props.restartLoop?.groupWait?.toSeconds()).toBe(0);
    expect(props.restartLoop?.quietPeriod?.toSeconds()).toBe(1800);
    expect(props.capacityScan?.enabled).toBe(true);
    expect(props.capacityScan?.schedule?.toMinutes()).toBe(60);
    expect(props.capacityScan?.freeIpThreshold).toBe(50);
  });

  it('reads them from `-c key=value` strings, and leaves unset ones to the construct defaults', () => {
    const props = watchdogPropsFromContext(
      reader({ loopThreshold: '5', loopWindowMinutes: '1.5', capacityScanEnabled: 'false' }),
    );
    expect(Object.keys(props.restartLoop ?? {})).toEqual(['threshold', 'window']);
    expect(props.restartLoop?.threshold).toBe(5);
    expect(props.restartLoop?.window?.toSeconds()).toBe(90);
    expect(props.capacityScan).toEqual({ enabled: false });
  });

  it('sets neither group when none of its keys is given', () => {
    const props = watchdogPropsFromContext(reader({ teamTagKey: 'owner' }));
    expect(props).toEqual({ teamTagKey: 'owner' });
  });

  it.each([
    ['loopThreshold', 'three', 'cdk context "loopThreshold" must be a number, got "three"'],
    ['loopWindowMinutes', [10], 'cdk context "loopWindowMinutes" must be a number'],
    ['groupWaitSeconds', 'soon', 'cdk context "groupWaitSeconds" must be a number'],
    ['quietPeriodMinutes', {}, 'cdk context "quietPeriodMinutes" must be a number'],
    ['capacityScanEnabled', 'yes', 'cdk context "capacityScanEnabled" must be true or false, got "yes"'],
    ['capacityScanEnabled', 1, 'cdk context "capacityScanEnabled" must be true or false, got 1'],
    ['capacityScanMinutes', 'hourly', 'cdk context "capacityScanMinutes" must be a number'],
    ['freeIpThreshold', 'many', 'cdk context "freeIpThreshold" must be a number'],
  ])('a malformed %s fails naming it', (key, value, message) => {
    expect(() => watchdogPropsFromContext(reader({ [key]: value }))).toThrow(message);
  });

  it('leaves ranges to the construct, which names the setting', () => {
    const props = watchdogPropsFromContext(reader({ loopThreshold: '1' }));
    expect(() => resolveSettings(props)).toThrow(
      'EcsWatchdog: restartLoop.threshold must be an integer from 2 to 100, got 1',
    );
  });
});
