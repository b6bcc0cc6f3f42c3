import { describe, expect, it } from 'vitest';
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
