import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../lambdas/domain/events/ecs-event';
import { parseTaskStateChange } from '../../lambdas/domain/events/task-event';
import { classifyStop } from '../../lambdas/domain/stops/classify-stop';
import { STOP_CATEGORIES } from '../../lambdas/domain/stops/taxonomy';
import { loadEvent } from '../support/events';

interface Expected {
  category: string;
  actionable: boolean;
  culpritContainer: string | null;
}

const expected: Record<string, Expected> = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'expected-task-stopped.json'), 'utf8'),
);

describe('classifier over the task-stopped fixtures', () => {
  it.each(Object.entries(expected))('%s', (file, want) => {
    const task = parseTaskStateChange(parseEnvelope(loadEvent(file)));
    const got = classifyStop(task);
    expect({ category: got.category, actionable: got.actionable, culpritContainer: got.culprit?.name ?? null }).toEqual(
      want,
    );
  });

  it('produces every taxonomy category from at least one fixture', () => {
    const produced = new Set(Object.values(expected).map((e) => e.category));
    expect([...STOP_CATEGORIES].filter((c) => !produced.has(c))).toEqual([]);
  });
});
