import { describe, expect, it } from 'vitest';
import type { Alert } from '../../lambdas/domain/alerts/alert';
import { ALERT_ITEM_MAX_BYTES, fitAlert, jsonBytes } from '../../lambdas/domain/incidents/alert-size';

const base = {
  kind: 'TASK_STOPPED',
  category: 'OOM_KILLED',
  severity: 'HIGH',
  actionable: true,
  title: 'HIGH OOM_KILLED: api',
  summary: 's',
  account: '123456789012',
  region: 'us-east-1',
  nextSteps: ['Raise the memory limit'],
  links: [],
  dedupeKey: 'task-stopped:x',
  incidentId: 'incident/x',
  occurredAt: '2026-11-26T03:00:00.000Z',
  enrichmentErrors: [],
} as unknown as Alert;

describe('an alert in its outbox item', () => {
  it('keeps a small alert as it is', () => {
    const alert = { ...base, evidence: { facts: [{ label: 'a', value: 'b' }] } };
    expect(fitAlert(alert)).toBe(alert);
  });

  it('drops the log lines first, then cuts the evidence, and says so, to stay far below 400 KB', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `${i} ${'x'.repeat(2000)}`);
    const facts = Array.from({ length: 200 }, (_, i) => ({ label: `fact ${i}`, value: 'y'.repeat(2000) }));
    const huge = {
      ...base,
      evidence: { facts, logExcerpt: { container: 'api', logGroup: 'g', logStream: 's', lines } },
    };
    expect(jsonBytes(huge)).toBeGreaterThan(400 * 1024);
    const fitted = fitAlert(huge);
    expect(jsonBytes(fitted)).toBeLessThanOrEqual(ALERT_ITEM_MAX_BYTES);
    expect(fitted.evidence.logExcerpt).toBeUndefined();
    expect(fitted.title).toBe(huge.title);
    expect(fitted.enrichmentErrors.map((e) => e.lookup)).toContain('evidence');
  });
});
