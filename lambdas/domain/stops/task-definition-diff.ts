import type { HealthCheckSettings, TaskDefinitionFacts } from './task-definition';

export interface SettingChange {
  /** e.g. `api image`, `task memory`, `api environment names`. */
  setting: string;
  from: string;
  to: string;
}

const NONE = '(none)';

/** What changed from `previous` to `next`, container by container; names only for environment and secrets. */
export function diffRevisions(previous: TaskDefinitionFacts, next: TaskDefinitionFacts): SettingChange[] {
  const changes: SettingChange[] = [];
  const add = (setting: string, from: unknown, to: unknown) => {
    const a = show(from);
    const b = show(to);
    if (a !== b) changes.push({ setting, from: a, to: b });
  };
  add('task CPU', previous.cpu, next.cpu);
  add('task memory', previous.memoryMiB, next.memoryMiB);
  add('network mode', previous.networkMode, next.networkMode);

  const before = new Map(previous.containers.map((c) => [c.name, c]));
  for (const container of next.containers) {
    const old = before.get(container.name);
    if (!old) {
      changes.push({
        setting: `container ${container.name}`,
        from: NONE,
        to: `added (${container.image ?? 'no image'})`,
      });
      continue;
    }
    const p = container.name;
    add(`${p} image`, old.image, container.image);
    add(`${p} essential`, old.essential, container.essential);
    add(`${p} CPU`, old.cpu, container.cpu);
    add(`${p} memory (hard, MiB)`, old.memoryHardMiB, container.memoryHardMiB);
    add(`${p} memory reservation (MiB)`, old.memorySoftMiB, container.memorySoftMiB);
    diffHealthCheck(p, old.healthCheck, container.healthCheck, add);
    add(`${p} port mappings`, old.portMappings, container.portMappings);
    diffNames(`${p} environment names`, old.environmentKeys, container.environmentKeys, changes);
    diffNames(`${p} secret names`, old.secretNames, container.secretNames, changes);
  }
  const now = new Set(next.containers.map((c) => c.name));
  for (const old of previous.containers) {
    if (!now.has(old.name)) changes.push({ setting: `container ${old.name}`, from: 'present', to: 'removed' });
  }
  return changes;
}

function diffHealthCheck(
  container: string,
  before: HealthCheckSettings | undefined,
  after: HealthCheckSettings | undefined,
  add: (setting: string, from: unknown, to: unknown) => void,
): void {
  if (!before || !after) {
    add(`${container} health check`, before && 'defined', after && 'defined');
    return;
  }
  add(`${container} health check command`, before.command.join(' '), after.command.join(' '));
  for (const key of ['interval', 'timeout', 'retries', 'startPeriod'] as const) {
    add(`${container} health check ${key}`, before[key], after[key]);
  }
}

function diffNames(setting: string, before: string[], after: string[], changes: SettingChange[]): void {
  const added = after.filter((n) => !before.includes(n));
  const removed = before.filter((n) => !after.includes(n));
  if (added.length === 0 && removed.length === 0) return;
  changes.push({
    setting,
    from: removed.length > 0 ? `removed ${removed.join(', ')}` : NONE,
    to: added.length > 0 ? `added ${added.join(', ')}` : NONE,
  });
}

function show(value: unknown): string {
  if (value === undefined || value === null || value === '') return NONE;
  if (Array.isArray(value)) return value.length > 0 ? [...value].sort().join(', ') : NONE;
  return String(value);
}

/** One line per change: `api image: repo:1.41.0 -> repo:1.42.0`. */
export function describeChange(change: SettingChange): string {
  if (change.setting.endsWith(' names')) {
    return `${change.setting}: ${[change.to, change.from].filter((s) => s !== NONE).join('; ')}`;
  }
  return `${change.setting}: ${change.from} -> ${change.to}`;
}

/** `...:task-definition/api:42` → `...:task-definition/api:41`; none before revision 1. */
export function previousRevisionArn(arn: string): string | undefined {
  const match = /^(.*:)(\d+)$/.exec(arn);
  if (!match) return undefined;
  const revision = Number(match[2]);
  return revision > 1 ? `${match[1]}${revision - 1}` : undefined;
}
