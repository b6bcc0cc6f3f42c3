import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../lambdas/domain/alerts/alert';
import { classifyEvent } from '../../lambdas/domain/alerts/classify-event';
import {
  escapedJson,
  holdsNothingToEscape,
  inJsonString,
  inJsonStringTwice,
} from '../../lambdas/domain/alerts/json-text';
import { toSnsMessage } from '../../lambdas/domain/alerts/sns-message';
import { allSourcedCases } from '../support/corpora';
import { referenceMessage } from '../support/reference-message';

/** Any UTF-16 text: quotes, backslashes, control characters, emoji and lone surrogates included. */
const anyText = (maxLength = 40) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength }).map((units) => String.fromCharCode(...units)),
    fc.constantFrom('"', '\\', '\n', '\u2028', '\ud83d', '\ude00', '\ud83d\ude00', '"\\"', '</script>'),
  );

/** Text that holds nothing JSON escapes: what most alerts say, written unchecked once the alert is found clean. */
const cleanText = (maxLength = 40) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what JSON escapes.
  anyText(maxLength).map((text) => text.replace(/["\\\u0000-\u001f\ud800-\udfff]/g, ''));

const severity = fc.constantFrom('CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO') as fc.Arbitrary<Alert['severity']>;

/** Alerts of any content, the optional fields present or not, descriptions over the chat's limit too. */
const alertSaying = (anyText: (maxLength?: number) => fc.Arbitrary<string>): fc.Arbitrary<Alert> =>
  fc.record(
    {
      kind: fc.constantFrom('TASK_STOPPED', 'ROLLOUT', 'SERVICE_ACTION', 'CAPACITY') as fc.Arbitrary<Alert['kind']>,
      category: anyText(),
      severity,
      actionable: fc.boolean(),
      title: anyText(),
      summary: fc.oneof(
        anyText(200),
        anyText(10).map((t) => t.repeat(500)),
      ),
      verdict: anyText(),
      account: anyText(12),
      accountName: anyText(),
      region: anyText(12),
      cluster: anyText(),
      service: anyText(),
      team: anyText(),
      taskArn: anyText(),
      taskDefinition: anyText(),
      culpritContainer: anyText(),
      evidence: fc.record(
        {
          facts: fc.array(fc.record({ label: anyText(), value: anyText(300) }), { maxLength: 12 }),
          containers: fc.array(
            fc.record(
              {
                name: anyText(),
                essential: fc.boolean(),
                exitCode: fc.integer({ min: -1, max: 255 }),
                exitMeaning: anyText(),
                reason: anyText(),
                memoryHardMiB: fc.integer({ min: 0, max: 65536 }),
                memorySoftMiB: fc.integer({ min: 0, max: 65536 }),
                culprit: fc.boolean(),
              },
              { requiredKeys: ['name', 'exitMeaning', 'culprit'] },
            ),
            { maxLength: 3 },
          ),
          logExcerpt: fc.record({
            container: anyText(),
            logGroup: anyText(),
            logStream: anyText(),
            lines: fc.array(anyText(120), { maxLength: 12 }),
          }),
        },
        { requiredKeys: ['facts'] },
      ),
      nextSteps: fc.array(anyText(), { maxLength: 6 }),
      links: fc.array(fc.record({ label: anyText(), url: anyText(100) }), { maxLength: 5 }),
      dedupeKey: anyText(),
      alertId: anyText(),
      incidentId: anyText(),
      resolves: fc.record({ severities: fc.array(severity, { minLength: 1, maxLength: 3 }) }),
      occurredAt: anyText(24),
      enrichmentErrors: fc.array(fc.record({ lookup: anyText(), message: anyText() }), { maxLength: 3 }),
    },
    {
      requiredKeys: [
        'kind',
        'category',
        'severity',
        'actionable',
        'title',
        'summary',
        'account',
        'region',
        'evidence',
        'nextSteps',
        'links',
        'dedupeKey',
        'incidentId',
        'occurredAt',
        'enrichmentErrors',
      ],
    },
  );
const anyAlert = alertSaying(anyText);
const cleanAlert = alertSaying(cleanText);

/** A copy of `alert` with `text` appended to one of its strings (the `at`-th, modulo their count), at any depth. */
function withOneStringAppended(alert: Alert, at: number, text: string): Alert {
  const copy = structuredClone(alert);
  const slots: [holder: Record<string, unknown>, key: string][] = [];
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    const holder = value as Record<string, unknown>;
    for (const key of Object.keys(holder)) {
      if (typeof holder[key] === 'string') slots.push([holder, key]);
      else visit(holder[key]);
    }
  };
  visit(copy);
  const slot = slots[at % slots.length];
  if (slot) slot[0][slot[1]] = `${slot[0][slot[1]]}${text}`;
  return copy;
}

describe('the SNS message written in one pass', () => {
  it('is, byte for byte, JSON.stringify of the rendered bodies for every event of the corpora', () => {
    const cases = allSourcedCases();
    expect(cases.length).toBeGreaterThan(200);
    for (const { event } of cases) {
      const alert = classifyEvent(event);
      expect(toSnsMessage(alert).message).toBe(referenceMessage(alert));
    }
  });

  it('is, byte for byte, JSON.stringify of the rendered bodies for alerts of any text (5,000 cases)', () => {
    fc.assert(
      fc.property(anyAlert, (alert) => {
        expect(toSnsMessage(alert).message).toBe(referenceMessage(alert));
      }),
      { numRuns: 5000 },
    );
  });

  it('is the same text for alerts that say nothing JSON escapes, written unchecked (3,000 cases)', () => {
    fc.assert(
      fc.property(cleanAlert, (alert) => {
        expect(holdsNothingToEscape(alert)).toBe(true);
        expect(toSnsMessage(alert).message).toBe(referenceMessage(alert));
      }),
      { numRuns: 3000 },
    );
  });

  it('finds what JSON escapes in any one string of an alert, at any depth, and writes it escaped (3,000 cases)', () => {
    fc.assert(
      fc.property(cleanAlert, fc.nat(), anyText(), (clean, at, text) => {
        const alert = withOneStringAppended(clean, at, text);
        // JSON.stringify writes what it escapes with a backslash, and keeps surrogate pairs as they are.
        expect(holdsNothingToEscape(alert)).toBe(!/[\\\ud800-\udfff]/.test(JSON.stringify(alert)));
        expect(toSnsMessage(alert).message).toBe(referenceMessage(alert));
      }),
      { numRuns: 3000 },
    );
  });

  it('escapes text as JSON.stringify does, once and twice', () => {
    fc.assert(
      fc.property(anyText(60), (text) => {
        expect(inJsonString(text)).toBe(JSON.stringify(text).slice(1, -1));
        expect(inJsonStringTwice(text)).toBe(JSON.stringify(JSON.stringify(text)).slice(3, -3));
      }),
      { numRuns: 5000 },
    );
  });

  it('writes any JSON value as JSON.stringify twice does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(escapedJson(value)).toBe(JSON.stringify(JSON.stringify(value)).slice(1, -1));
      }),
      { numRuns: 3000 },
    );
  });
});
