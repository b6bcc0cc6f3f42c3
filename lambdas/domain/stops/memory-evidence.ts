import type { Fact } from '../alerts/alert';
import { nextFargateSize } from './fargate-sizes';
import type { TaskDefinitionFacts } from './task-definition';

/** Peak memory use from Container Insights, or why there is none. */
export type MemoryUsage = { peakMiB: number; windowMinutes: number; source: string } | { unavailable: string };

export interface MemoryEvidenceInput {
  container: string;
  current?: TaskDefinitionFacts;
  previous?: TaskDefinitionFacts;
  usage?: MemoryUsage;
  /** Task size from the event (Fargate tasks always have one). */
  taskCpu?: number;
  taskMemoryMiB?: number;
  isFargate: boolean;
}

/** The facts that end an OOM investigation: limits, peak use, what changed, and the next size up. */
export function memoryFacts(input: MemoryEvidenceInput): Fact[] {
  const facts: Fact[] = [];
  const container = input.current?.containers.find((c) => c.name === input.container);
  const hard = container?.memoryHardMiB;
  const soft = container?.memorySoftMiB;
  // The event's task size is what ran (it includes RunTask overrides); the task definition's is the fallback.
  const taskMemory = input.taskMemoryMiB ?? input.current?.memoryMiB;
  if (container) {
    facts.push({
      label: `Memory limits of ${input.container}`,
      value: `hard ${hard !== undefined ? `${hard} MiB` : 'none'}, soft ${soft !== undefined ? `${soft} MiB` : 'none'}`,
    });
  }
  if (taskMemory !== undefined) facts.push({ label: 'Task memory', value: `${taskMemory} MiB` });

  const usage = input.usage;
  if (usage && 'peakMiB' in usage) {
    const limit = hard ?? taskMemory;
    const share = limit ? ` (${Math.round((usage.peakMiB / limit) * 100)}% of ${limit} MiB)` : '';
    facts.push({
      label: `Peak memory, last ${usage.windowMinutes} min`,
      value: `${Math.round(usage.peakMiB)} MiB${share} - ${usage.source}`,
    });
  } else if (usage) {
    facts.push({ label: 'Peak memory', value: usage.unavailable });
  }

  const change = limitChange(input);
  if (change) facts.push({ label: 'Limit change', value: change });

  const cpu = input.taskCpu ?? input.current?.cpu;
  if (input.isFargate && cpu !== undefined && taskMemory !== undefined) {
    const next = nextFargateSize(cpu, taskMemory);
    facts.push({
      label: 'Next Fargate size',
      value: next
        ? `${next.cpu} CPU units / ${next.memoryMiB} MiB (now ${cpu} / ${taskMemory})`
        : `none above ${cpu} / ${taskMemory} MiB`,
    });
  }
  return facts;
}

function limitChange(input: MemoryEvidenceInput): string | undefined {
  const { current, previous } = input;
  if (!current || !previous) return undefined;
  const now = current.containers.find((c) => c.name === input.container);
  const before = previous.containers.find((c) => c.name === input.container);
  const describe = (td: TaskDefinitionFacts, hard?: number) =>
    `revision ${td.revision}: container ${hard !== undefined ? `${hard} MiB` : 'no hard limit'}, task ${td.memoryMiB ?? '-'} MiB`;
  const changed = now?.memoryHardMiB !== before?.memoryHardMiB || current.memoryMiB !== previous.memoryMiB;
  if (!changed) return `unchanged since revision ${previous.revision}`;
  return `${describe(previous, before?.memoryHardMiB)} -> ${describe(current, now?.memoryHardMiB)}`;
}
