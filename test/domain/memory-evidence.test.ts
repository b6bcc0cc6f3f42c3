import { describe, expect, it } from 'vitest';
import { isValidFargateSize, nextFargateSize } from '../../lambdas/domain/stops/fargate-sizes';
import { memoryFacts } from '../../lambdas/domain/stops/memory-evidence';
import type { TaskDefinitionFacts } from '../../lambdas/domain/stops/task-definition';

const definition = (revision: number, hard: number | undefined, task: number): TaskDefinitionFacts => ({
  arn: `arn:aws:ecs:us-east-1:123456789012:task-definition/api:${revision}`,
  taskDefinition: `api:${revision}`,
  family: 'api',
  revision,
  cpu: 512,
  memoryMiB: task,
  requiresCompatibilities: ['FARGATE'],
  containers: [
    {
      name: 'api',
      essential: true,
      memoryHardMiB: hard,
      memorySoftMiB: 256,
      environmentKeys: [],
      secretNames: [],
      portMappings: [],
    },
  ],
});

describe('Fargate sizes', () => {
  it.each([
    [256, 512, { cpu: 256, memoryMiB: 1024 }],
    [256, 2048, { cpu: 512, memoryMiB: 3072 }],
    [512, 4096, { cpu: 1024, memoryMiB: 5120 }],
    [4096, 30720, { cpu: 8192, memoryMiB: 32768 }],
    [16384, 122880, undefined],
  ])('after %s CPU / %s MiB comes %j', (cpu, memory, next) => {
    expect(nextFargateSize(cpu, memory)).toEqual(next);
  });

  it('knows the valid pairs', () => {
    expect(isValidFargateSize(256, 512)).toBe(true);
    expect(isValidFargateSize(256, 4096)).toBe(false);
    expect(isValidFargateSize(8192, 20480)).toBe(true);
    expect(isValidFargateSize(8192, 17408)).toBe(false);
  });
});

describe('memoryFacts', () => {
  it('reports limits, peak use, the limit change and the next Fargate size', () => {
    const facts = memoryFacts({
      container: 'api',
      current: definition(8, 1024, 1024),
      previous: definition(7, 2048, 2048),
      usage: { peakMiB: 1010.4, windowMinutes: 60, source: 'Container Insights' },
      isFargate: true,
    });
    expect(facts).toEqual([
      { label: 'Memory limits of api', value: 'hard 1024 MiB, soft 256 MiB' },
      { label: 'Task memory', value: '1024 MiB' },
      { label: 'Peak memory, last 60 min', value: '1010 MiB (99% of 1024 MiB) - Container Insights' },
      {
        label: 'Limit change',
        value: 'revision 7: container 2048 MiB, task 2048 MiB -> revision 8: container 1024 MiB, task 1024 MiB',
      },
      { label: 'Next Fargate size', value: '512 CPU units / 2048 MiB (now 512 / 1024)' },
    ]);
  });

  it('says when usage is unknown and when nothing changed', () => {
    const facts = memoryFacts({
      container: 'api',
      current: definition(8, undefined, 1024),
      previous: definition(7, undefined, 1024),
      usage: { unavailable: 'Container Insights is off' },
      isFargate: false,
    });
    expect(facts).toContainEqual({ label: 'Memory limits of api', value: 'hard none, soft 256 MiB' });
    expect(facts).toContainEqual({ label: 'Peak memory', value: 'Container Insights is off' });
    expect(facts).toContainEqual({ label: 'Limit change', value: 'unchanged since revision 7' });
    expect(facts.find((f) => f.label === 'Next Fargate size')).toBeUndefined();
  });
});
