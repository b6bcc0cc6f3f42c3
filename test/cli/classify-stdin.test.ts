import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEvent } from '../support/events';

const BIN = join(__dirname, '..', '..', 'bin', 'ecs-watchdog.cjs');

function classifyStdin(input: string) {
  const run = spawnSync(process.execPath, [BIN, 'classify', '-'], { input, encoding: 'utf8' });
  return {
    status: run.status,
    lines: run.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>),
    stderr: run.stderr,
  };
}

describe('ecs-watchdog classify - (NDJSON on stdin)', () => {
  it('prints one line per event, numbered by input line, blank lines skipped', () => {
    const events = [
      'events/task-stopped/oom-killed.json',
      'events/deployment/failed-circuit-breaker.json',
      'events/service-action/placement-failure-memory.json',
    ].map((f) => JSON.stringify(loadEvent(f)));
    const { status, lines, stderr } = classifyStdin(`${events[0]}\n\n${events[1]}\r\n${events[2]}`);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(lines.map((l) => [l.file, l.line, l.category])).toEqual([
      ['-', 1, 'OOM_KILLED'],
      ['-', 3, 'ROLLOUT_FAILED'],
      ['-', 4, 'SERVICE_TASK_PLACEMENT_FAILURE'],
    ]);
  });

  it('reports a bad line by its number, classifies the rest and exits 1', () => {
    const good = JSON.stringify(loadEvent('events/task-stopped/spot-interruption.json'));
    const { status, lines, stderr } = classifyStdin(`{"not json\n${good}\n{"source":"aws.ecs"}\n`);
    expect(status).toBe(1);
    expect(lines.map((l) => l.category)).toEqual(['SPOT_INTERRUPTION']);
    expect(stderr).toContain('ecs-watchdog: -:1: not valid JSON');
    // An event without an id is classified (a stable id is derived): this one lacks its detail.
    expect(stderr).toContain('ecs-watchdog: -:3: event.detail: expected an object, got nothing');
  });
});
