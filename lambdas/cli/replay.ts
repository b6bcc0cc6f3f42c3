import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { processRollout, type RolloutOutcome } from '../app/process-rollout';
import { processTaskStopped, type TaskStoppedOutcome } from '../app/process-task-stopped';
import { errorMessage } from '../app/shared/budget';
import { rejectInvalid } from '../app/shared/invalid-input';
import type { Counter, Log } from '../app/shared/telemetry';
import { DETAIL_TYPES, parseEnvelope } from '../domain/events/ecs-event';
import { readEventFile } from './read-event-file';
import type { WatchdogDeps } from './watchdog-deps';

/** What a handler's processing function reports for one event (every process* function returns one of these). */
export type ProcessOutcome = TaskStoppedOutcome | RolloutOutcome;

export type ReplayOutcome =
  | ProcessOutcome
  /** A well-formed ECS event whose detail-type no processing function handles yet. */
  | { status: 'no-handler'; detailType: string }
  /** The processing function threw (in Lambda: retried, then dead-lettered), e.g. the publish failed. */
  | { status: 'failed'; error: string };

/** Telemetry for one event: the replay gives each event its own Log (so lines can name the file). */
export interface EventContext {
  log: Log;
  counter: Counter;
}

export type EventProcessor = (raw: unknown, context: EventContext) => Promise<ProcessOutcome>;

/** detail-type → the handler's processing function, as the EventBridge rules route them in AWS. */
export type ProcessorsByDetailType = Partial<Record<string, EventProcessor>>;

/**
 * The processing function of each detail-type, as the EventBridge rules route them in AWS. An event
 * of another detail-type is reported as "no handler", never dropped silently.
 */
export function watchdogProcessors(deps: WatchdogDeps): ProcessorsByDetailType {
  return {
    [DETAIL_TYPES.taskStateChange]: (raw, context) => processTaskStopped(raw, { ...deps, ...context }),
    [DETAIL_TYPES.deploymentStateChange]: (raw, context) => processRollout(raw, { ...deps, ...context }),
    [DETAIL_TYPES.serviceAction]: (raw, context) => processRollout(raw, { ...deps, ...context }),
  };
}

/** Routes one event by detail-type. A malformed envelope is logged, counted and reported, never thrown. */
export async function replayEvent(
  raw: unknown,
  processors: ProcessorsByDetailType,
  context: EventContext,
): Promise<ReplayOutcome> {
  let detailType: string;
  try {
    detailType = parseEnvelope(raw).detailType;
  } catch (error) {
    return { status: 'invalid', error: rejectInvalid(error, raw, context.log, context.counter) };
  }
  const process = processors[detailType];
  if (!process) {
    context.counter.count('UnroutedEvents');
    return { status: 'no-handler', detailType };
  }
  try {
    return await process(raw, context);
  } catch (error) {
    context.counter.count('FailedEvents');
    return { status: 'failed', error: errorMessage(error) };
  }
}

export interface ReplayedFile {
  /** Path relative to the directory the files were listed from (or as given). */
  file: string;
  outcome: ReplayOutcome;
}

/**
 * Replays files one at a time, in order. Each file holds one EventBridge event, exactly what a
 * Lambda receives: a file that is not JSON is rejected like any other malformed event.
 */
export async function replayFiles(
  files: ReadonlyArray<{ path: string; label: string }>,
  processors: ProcessorsByDetailType,
  options: {
    contextFor: (label: string) => EventContext;
    /** Applied to each parsed event before routing, e.g. mapping fixture ids to seeded ones. */
    prepare?: (raw: unknown) => unknown;
  },
): Promise<ReplayedFile[]> {
  const replayed: ReplayedFile[] = [];
  for (const { path, label } of files) {
    const context = options.contextFor(label);
    let raw: unknown;
    try {
      raw = readEventFile(path);
    } catch (error) {
      const rejected = rejectInvalid(error, { file: label }, context.log, context.counter);
      replayed.push({ file: label, outcome: { status: 'invalid', error: rejected } });
      continue;
    }
    const event = options.prepare ? options.prepare(raw) : raw;
    replayed.push({ file: label, outcome: await replayEvent(event, processors, context) });
  }
  return replayed;
}

/** Every `*.json` below `dir`, sorted, with paths relative to `base` as labels (e.g. `events/task-stopped/x.json`). */
export function listEventFiles(dir: string, base: string = dir): Array<{ path: string; label: string }> {
  const found: Array<{ path: string; label: string }> = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.json')) found.push({ path, label: relative(base, path) });
    }
  };
  walk(dir);
  return found;
}
