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
      accounts: { names: {} },
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

  it('reads the restart-loop policy when incidents are tracked', () => {
    const config = readConfig({
      ALERT_TOPIC_ARN: TOPIC,
      STATE_TABLE_NAME: 'state',
      TIMER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/timers',
    });
    expect(config.incidents?.policy).toEqual({
      threshold: 3,
      windowMs: 600_000,
      groupWaitMs: 60_000,
      quietMs: 900_000,
    });
    const custom = readConfig({
      ALERT_TOPIC_ARN: TOPIC,
      STATE_TABLE_NAME: 'state',
      TIMER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/timers',
      LOOP_THRESHOLD: '5',
      LOOP_WINDOW_SECONDS: '1800',
      GROUP_WAIT_SECONDS: '0',
      QUIET_PERIOD_SECONDS: '3600',
    });
    expect(custom.incidents?.policy).toEqual({
      threshold: 5,
      windowMs: 1_800_000,
      groupWaitMs: 0,
      quietMs: 3_600_000,
    });
  });

  it.each([
    [{}, 'ALERT_TOPIC_ARN must be an SNS topic ARN'],
    [{ ENRICHMENT_BUDGET_MS: 'soon' }, 'ENRICHMENT_BUDGET_MS must be an integer (milliseconds), got "soon"'],
    // The same range as at synth (lambdas/domain/settings/settings.ts): 20 s, inside the 30 s function timeout.
    [
      { ENRICHMENT_BUDGET_MS: '60000' },
      'ENRICHMENT_BUDGET_MS must be from 100 ms to 20 s (the function times out after 30 s), got 1 min',
    ],
    [{ LOG_EXCERPT_LINES: '500' }, 'LOG_EXCERPT_LINES must be an integer from 0 to 100, got 500'],
    [{ TEAM_TAG_KEY: 'aws:team' }, 'TEAM_TAG_KEY "aws:team" uses the reserved "aws:" prefix'],
    [{ MUTED_CATEGORIES: 'OOM' }, 'MUTED_CATEGORIES: "OOM" is not a stop category'],
    [
      { SEVERITY_OVERRIDES: '{"APP_CRASH":"URGENT"}' },
      'SEVERITY_OVERRIDES: "URGENT" for APP_CRASH is not a severity (valid: CRITICAL, HIGH, MEDIUM, LOW, INFO)',
    ],
    [{ SEVERITY_OVERRIDES: '{"OOM":"HIGH"}' }, 'SEVERITY_OVERRIDES: "OOM" is not a category'],
    [{ REDACT_PATTERNS: 'customer-\\d+' }, 'REDACT_PATTERNS must be a JSON array of strings'],
    [
      { STATE_TABLE_NAME: 'state', TIMER_QUEUE_URL: 'https://sqs/q', LOOP_WINDOW_SECONDS: '30' },
      'LOOP_WINDOW_SECONDS must be whole seconds from 1 min to 24 h, got 30 s',
    ],
    [
      { STATE_TABLE_NAME: 'state', TIMER_QUEUE_URL: 'https://sqs/q', GROUP_WAIT_SECONDS: '1.5' },
      'GROUP_WAIT_SECONDS must be an integer (seconds), got "1.5"',
    ],
    [{ STATE_TABLE_NAME: 'state' }, 'TIMER_QUEUE_URL must be an SQS queue URL when STATE_TABLE_NAME is set'],
    [{ SEVERITY_OVERRIDES: '{bad' }, 'SEVERITY_OVERRIDES must be a JSON object'],
    [{ REDACT_PATTERNS: '["("]' }, 'REDACT_PATTERNS: "(" is not a valid regular expression'],
  ])('names the bad setting: %j', (env, message) => {
    const base = 'ALERT_TOPIC_ARN' in env || Object.keys(env).length === 0 ? {} : { ALERT_TOPIC_ARN: TOPIC };
    expect(() => readConfig({ ...base, ...env })).toThrow(message);
  });
});
