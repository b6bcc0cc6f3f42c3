import { describe, expect, it } from 'vitest';
import { readConfig } from '../../lambdas/app/shared/config';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';

describe('readConfig', () => {
  it('applies the documented defaults', () => {
    expect(readConfig({ ALERT_TOPIC_ARN: TOPIC })).toEqual({
      alertTopicArn: TOPIC,
      teamTagKey: 'team',
      enrichmentBudgetMs: 3000,
      logExcerptLines: 20,
      mutedCategories: new Set(),
      severityOverrides: {},
      redactPatterns: [],
    });
  });

  it('reads every setting', () => {
    const config = readConfig({
      ALERT_TOPIC_ARN: TOPIC,
      TEAM_TAG_KEY: 'owner',
      ENRICHMENT_BUDGET_MS: '1500',
      LOG_EXCERPT_LINES: '0',
      MUTED_CATEGORIES: 'OOM_KILLED, TIMEOUT',
      SEVERITY_OVERRIDES: '{"APP_CRASH":"CRITICAL"}',
      REDACT_PATTERNS: '["customer-\\\\d+"]',
    });
    expect(config).toMatchObject({
      teamTagKey: 'owner',
      enrichmentBudgetMs: 1500,
      logExcerptLines: 0,
      redactPatterns: ['customer-\\d+'],
    });
    expect([...config.mutedCategories]).toEqual(['OOM_KILLED', 'TIMEOUT']);
    expect(config.severityOverrides).toEqual({ APP_CRASH: 'CRITICAL' });
  });

  it.each([
    [{}, 'ALERT_TOPIC_ARN must be an SNS topic ARN'],
    [{ ENRICHMENT_BUDGET_MS: 'soon' }, 'ENRICHMENT_BUDGET_MS must be an integer from 100 to 60000, got "soon"'],
    [{ LOG_EXCERPT_LINES: '500' }, 'LOG_EXCERPT_LINES must be an integer from 0 to 100, got "500"'],
    [{ MUTED_CATEGORIES: 'OOM' }, 'MUTED_CATEGORIES: "OOM" is not a stop category'],
    [{ SEVERITY_OVERRIDES: '{"APP_CRASH":"URGENT"}' }, 'SEVERITY_OVERRIDES.APP_CRASH: "URGENT" is not a severity'],
    [{ SEVERITY_OVERRIDES: '{bad' }, 'SEVERITY_OVERRIDES must be a JSON object'],
    [{ REDACT_PATTERNS: '["("]' }, 'REDACT_PATTERNS: "(" is not a valid regular expression'],
  ])('names the bad setting: %j', (env, message) => {
    const base = 'ALERT_TOPIC_ARN' in env || Object.keys(env).length === 0 ? {} : { ALERT_TOPIC_ARN: TOPIC };
    expect(() => readConfig({ ...base, ...env })).toThrow(message);
  });
});
