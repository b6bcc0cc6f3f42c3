import { describe, expect, it } from 'vitest';
import type { Alert } from '../../lambdas/domain/alerts/alert';
import { renderChat } from '../../lambdas/domain/alerts/render-chat';
import {
  ATTRIBUTE_NAMES,
  messageAttributes,
  NO_VALUE,
  SQS_RAW_ATTRIBUTE_LIMIT,
  toSnsMessage,
} from '../../lambdas/domain/alerts/sns-message';

const BASE: Alert = {
  kind: 'TASK_STOPPED',
  category: 'APP_CRASH',
  severity: 'MEDIUM',
  actionable: true,
  title: 'MEDIUM APP_CRASH: nightly-report',
  summary: 'Standalone task stopped',
  account: '123456789012',
  region: 'eu-west-1',
  cluster: 'batch',
  taskDefinition: 'nightly-report:7',
  evidence: { facts: [] },
  nextSteps: [],
  links: [],
  dedupeKey: 'task-stopped:x',
  incidentId: 'incident/batch/nightly-report/7/1',
  occurredAt: '2026-12-01T00:00:00.000Z',
  enrichmentErrors: [],
};

describe('message attributes (docs/routing.md)', () => {
  it('are all present on every message, never empty: what is unknown reads "-"', () => {
    const attributes = messageAttributes({ ...BASE, cluster: undefined, taskDefinition: undefined });
    expect(Object.keys(attributes).sort()).toEqual([...ATTRIBUTE_NAMES].sort());
    expect(attributes).toMatchObject({ cluster: NO_VALUE, service: NO_VALUE, team: 'unassigned' });
    for (const value of Object.values(attributes)) expect(value.length).toBeGreaterThan(0);
  });

  it('name a standalone task by its task definition family, with account and region', () => {
    expect(messageAttributes(BASE)).toMatchObject({
      service: 'nightly-report',
      account: '123456789012',
      region: 'eu-west-1',
      resolves: 'false',
    });
  });

  it('are at most 10, what an SQS subscription with raw delivery takes', () => {
    expect(ATTRIBUTE_NAMES.length).toBeLessThanOrEqual(SQS_RAW_ATTRIBUTE_LIMIT);
  });

  it('list every severity an incident paged at on its all-clear (a String.Array), and say it resolves', () => {
    const allClear: Alert = {
      ...BASE,
      kind: 'RECOVERED',
      severity: 'CRITICAL',
      resolves: { severities: ['CRITICAL', 'MEDIUM'] },
    };
    expect(messageAttributes(allClear)).toMatchObject({ severity: ['CRITICAL', 'MEDIUM'], resolves: 'true' });
    const single = { ...allClear, resolves: { severities: ['CRITICAL' as const] } };
    expect(messageAttributes(single).severity).toBe('CRITICAL');
    expect(toSnsMessage(allClear).attributes.severity).toEqual(['CRITICAL', 'MEDIUM']);
  });

  it('renders an all-clear in chat as resolved, not with the emoji of the page it closes', () => {
    const allClear: Alert = {
      ...BASE,
      kind: 'RECOVERED',
      severity: 'CRITICAL',
      resolves: { severities: ['CRITICAL'] },
    };
    expect(renderChat(allClear).content.title.startsWith(':white_check_mark:')).toBe(true);
    expect(renderChat(BASE).content.title.startsWith(':large_orange_circle:')).toBe(true);
  });
});
