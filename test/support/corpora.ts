import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadEvent, taskEvent } from './events';

const FIXTURES = join(__dirname, '..', 'fixtures');

/** One case of the sourced corpora: an event and the category a person gave it. */
export interface SourcedCase {
  corpus: string;
  /** The reason text, or the fixture's path: names the case in test output. */
  label: string;
  source: string;
  note?: string;
  event: Record<string, unknown>;
  expected: string;
  /** The culprit container the fixture names (events/ fixtures only). */
  culprit?: string | null;
}

/** A reason-variants*.json entry: reason texts from public reports (with sources), not written for the classifier. */
interface Variant {
  source: string;
  stopCode?: string;
  stoppedReason?: string;
  containerReason?: string;
  exitCode?: number;
  group?: string;
  /** When the text belongs to a particular container of several (a sidecar, say): the task's containers. */
  containers?: { name?: string; image?: string; exitCode?: number; reason?: string }[];
  expected: string;
  note?: string;
}

/** The reason-variant corpora in test/fixtures, by name (never a sealed corpus: those are scored by their owner). */
export function variantCorpora(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => /^reason-variants.*\.json$/.test(f))
    .sort();
}

/** The cases of one corpus file: a reason-variants file of test/fixtures, or any path of the same shape. */
export function loadVariantCases(file: string): SourcedCase[] {
  const path = file.includes('/') ? file : join(FIXTURES, file);
  const variants: Variant[] = JSON.parse(readFileSync(path, 'utf8'));
  return variants.map((v) => {
    const container: Record<string, unknown> = { name: 'app' };
    if (v.containerReason !== undefined) container.reason = v.containerReason;
    if (v.exitCode !== undefined) container.exitCode = v.exitCode;
    return {
      corpus: basename(path),
      label: v.containerReason ?? v.stoppedReason ?? v.stopCode ?? '',
      source: v.source,
      note: v.note,
      event: taskEvent({
        stopCode: v.stopCode,
        stoppedReason: v.stoppedReason,
        group: v.group ?? 'service:api-service',
        // A source that quotes a container without its name gets a neutral one: the event always has a name.
        containers: v.containers?.map((c, i) => ({ name: `container-${i + 1}`, ...c })) ?? [container],
      }),
      expected: v.expected,
    };
  });
}

interface ExpectedFixture {
  category: string;
  actionable: boolean;
  culpritContainer: string | null;
}

/** The events/task-stopped fixtures (each sourced in events/README.md) with their expected classification. */
export function loadFixtureCases(): SourcedCase[] {
  const expected: Record<string, ExpectedFixture> = JSON.parse(
    readFileSync(join(FIXTURES, 'expected-task-stopped.json'), 'utf8'),
  );
  return Object.entries(expected).map(([file, want]) => ({
    corpus: 'events/task-stopped',
    label: file,
    source: 'events/README.md',
    event: loadEvent(file),
    expected: want.category,
    culprit: want.culpritContainer,
  }));
}

export function allSourcedCases(): SourcedCase[] {
  return [...loadFixtureCases(), ...variantCorpora().flatMap(loadVariantCases)];
}
