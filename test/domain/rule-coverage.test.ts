import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICE_ACTION_RULES } from '../../lambdas/domain/alerts/service-action-rules';
import { parseDeploymentStateChange } from '../../lambdas/domain/events/deployment-event';
import { parseEnvelope } from '../../lambdas/domain/events/ecs-event';
import { parseServiceAction } from '../../lambdas/domain/events/service-action-event';
import { parseTaskStateChange } from '../../lambdas/domain/events/task-event';
import { classifyDeployment, ROLLOUT_OUTCOMES } from '../../lambdas/domain/rollouts/classify-rollout';
import { API_ERROR_CODES } from '../../lambdas/domain/stops/api-error-codes';
import { classifyStop } from '../../lambdas/domain/stops/classify-stop';
import { API_ERROR_CODE_FAMILY } from '../../lambdas/domain/stops/stop-reasons';
import { FAILURE_PRECEDENCE, STOP_RULES, TASK_REASON_PRECEDENCE } from '../../lambdas/domain/stops/stop-rules';
import { STOP_CATEGORIES } from '../../lambdas/domain/stops/taxonomy';
import { allSourcedCases } from '../support/corpora';
import { loadEvent } from '../support/events';

/**
 * Every family of evidence in the rules must decide at least one sourced case of the corpora (events/ fixtures,
 * test/fixtures/reason-variants*.json): a family no case needs is either a guess to source from a public report or
 * dead weight to remove (docs/stop-rules.md, Adding a category).
 */
describe('rule coverage: every family decides a sourced case', () => {
  const cases = allSourcedCases();
  const decided = new Map<string, string>();
  for (const c of cases) {
    const diagnosis = classifyStop(parseTaskStateChange(parseEnvelope(c.event)));
    if (!decided.has(diagnosis.family)) decided.set(diagnosis.family, `${c.corpus}: ${c.label}`);
  }

  const families = STOP_CATEGORIES.flatMap((category) => {
    const { evidence } = STOP_RULES[category];
    return [
      ...(evidence.failure ?? []).map((f) => f.id),
      ...(evidence.taskReason ?? []).map((f) => f.id),
      ...(evidence.stopCodes ?? []).map((code) => `stopCode:${code}`),
      ...(evidence.exits ?? []),
    ];
  });

  it('every case names its source', () => {
    expect(cases.filter((c) => !c.source.trim()).map((c) => c.label)).toEqual([]);
  });

  it.each([...new Set([...families, API_ERROR_CODE_FAMILY, 'status'])])('%s', (family) => {
    expect(decided.has(family), `no sourced case is decided by ${family}`).toBe(true);
  });

  it('lists every text family once in its precedence', () => {
    const declared = (kind: 'failure' | 'taskReason') =>
      STOP_CATEGORIES.flatMap((c) => (STOP_RULES[c].evidence[kind] ?? []).map((f) => f.id)).sort();
    expect([...FAILURE_PRECEDENCE].sort()).toEqual(declared('failure'));
    expect([...TASK_REASON_PRECEDENCE].sort()).toEqual(declared('taskReason'));
  });

  it('maps each API error code to a category from an AWS reference', () => {
    for (const entry of API_ERROR_CODES) {
      expect(entry.source, entry.code).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(STOP_RULES[entry.category].evidence.apiErrorCodes, `${entry.code} → ${entry.category}`).toBe(true);
    }
    expect(new Set(API_ERROR_CODES.map((e) => e.code.toLowerCase())).size).toBe(API_ERROR_CODES.length);
  });
});

const ROOT = join(__dirname, '..', '..');
const eventsIn = (dir: string) =>
  readdirSync(join(ROOT, 'events', dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => loadEvent(`events/${dir}/${f}`));

describe('rule coverage: service actions and rollout outcomes', () => {
  it('has a fixture for every service action event with a rule', () => {
    const seen = new Set(eventsIn('service-action').map((e) => parseServiceAction(parseEnvelope(e)).eventName));
    expect(Object.keys(SERVICE_ACTION_RULES).filter((name) => !seen.has(name))).toEqual([]);
  });

  it('gives each service action the event type ECS documents for it, as the fixtures carry it', () => {
    for (const event of eventsIn('service-action')) {
      const action = parseServiceAction(parseEnvelope(event));
      const rule = SERVICE_ACTION_RULES[action.eventName as keyof typeof SERVICE_ACTION_RULES];
      if (rule) expect(action.eventType, action.eventName).toBe(rule.eventType);
    }
  });

  it('produces every rollout outcome from a deployment fixture', () => {
    const produced = new Set(
      eventsIn('deployment').map((e) => classifyDeployment(parseDeploymentStateChange(parseEnvelope(e))).category),
    );
    expect(Object.keys(ROLLOUT_OUTCOMES).filter((category) => !produced.has(category as never))).toEqual([]);
  });

  it('reads the circuit-breaker and rolling-back wordings from deployment fixtures', () => {
    const diagnoses = eventsIn('deployment').map((e) =>
      classifyDeployment(parseDeploymentStateChange(parseEnvelope(e))),
    );
    expect(diagnoses.some((d) => d.stage === 'failed' && d.circuitBreaker)).toBe(true);
    expect(diagnoses.some((d) => d.rollbackTargetDeploymentId !== undefined)).toBe(true);
  });
});
