import type { TaskStateChange } from '../events/task-event';
import type { StopDiagnosis } from './classify-stop';
import type { StopCategory } from './taxonomy';

export interface ClassifiedStop {
  task: TaskStateChange;
  diagnosis: StopDiagnosis;
}

export interface CategoryCount {
  category: StopCategory;
  count: number;
  /** The container named most often as culprit in this category. */
  container?: string;
}

export interface StopSummary {
  total: number;
  /** Most frequent first; ties broken by taxonomy order of first appearance. */
  categories: CategoryCount[];
  dominant?: CategoryCount;
  /** "5 of 5 new tasks: OOM_KILLED in container `api`, limit 512 MiB" */
  text: string;
  /** Newest first, distinct: the reasons on-call reads. */
  lastReasons: string[];
}

/**
 * Summarises why a set of tasks stopped. `memoryLimitMiB(container)` gives the hard memory limit from the
 * task definition, used to quote the limit an OOM hit.
 */
export function summariseStops(
  stops: ClassifiedStop[],
  noun: string,
  memoryLimitMiB: (container: string) => number | undefined = () => undefined,
): StopSummary {
  const counts = new Map<StopCategory, { count: number; containers: Map<string, number> }>();
  for (const { diagnosis } of stops) {
    const entry = counts.get(diagnosis.category) ?? { count: 0, containers: new Map() };
    entry.count++;
    const name = diagnosis.culprit?.name;
    if (name) entry.containers.set(name, (entry.containers.get(name) ?? 0) + 1);
    counts.set(diagnosis.category, entry);
  }
  const categories: CategoryCount[] = [...counts.entries()]
    .map(([category, { count, containers }]) => ({ category, count, container: mostFrequent(containers) }))
    .sort((a, b) => b.count - a.count);
  const dominant = categories[0];
  const lastReasons = distinct(
    [...stops]
      .sort((a, b) => (b.task.stoppedAt ?? '').localeCompare(a.task.stoppedAt ?? ''))
      .map(({ task, diagnosis }) => diagnosis.culprit?.reason ?? task.stoppedReason)
      .filter((r): r is string => !!r),
  ).slice(0, 5);

  if (!dominant) return { total: 0, categories, text: `no stopped ${noun} found`, lastReasons };
  const where = dominant.container ? ` in container \`${dominant.container}\`` : '';
  const limit =
    dominant.category === 'OOM_KILLED' && dominant.container ? memoryLimitMiB(dominant.container) : undefined;
  const rest = categories
    .slice(1)
    .map((c) => `${c.count} ${c.category}`)
    .join(', ');
  const text =
    `${dominant.count} of ${stops.length} ${noun}: ${dominant.category}${where}` +
    (limit !== undefined ? `, limit ${limit} MiB` : '') +
    (rest ? ` (also ${rest})` : '');
  return { total: stops.length, categories, dominant, text, lastReasons };
}

function mostFrequent(counts: Map<string, number>): string | undefined {
  let best: [string, number] | undefined;
  for (const entry of counts) if (!best || entry[1] > best[1]) best = entry;
  return best?.[0];
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}
