import type { EcsReader } from '../adapters/ecs-reader';
import type { LogsReader } from '../adapters/logs-reader';
import type { MetricsReader } from '../adapters/metrics-reader';
import type { Alert, Fact, LogExcerpt } from '../domain/alerts/alert';
import { buildTaskStoppedAlert, type TaskEnrichment } from '../domain/alerts/build-task-alert';
import type { Redactor } from '../domain/alerts/redact';
import type { TaskStateChange } from '../domain/events/task-event';
import { classifyStop, type StopDiagnosis } from '../domain/stops/classify-stop';
import { type MemoryUsage, memoryFacts } from '../domain/stops/memory-evidence';
import { neverRan } from '../domain/stops/never-ran';
import { fireLensLine, logSource, type TaskDefinitionFacts } from '../domain/stops/task-definition';
import { previousRevisionArn } from '../domain/stops/task-definition-diff';
import {
  diagnoseHealthCheck,
  type HealthCheckLookups,
  healthCheckLookups,
  type LoadHealthCheckReaders,
} from './health-check-evidence';
import { errorMessage, withinBudget } from './shared/budget';
import type { WatchdogConfig } from './shared/config';
import type { Counter, Log } from './shared/telemetry';

export interface EnrichDeps {
  config: WatchdogConfig;
  ecs: EcsReader;
  logs: LogsReader;
  metrics: MetricsReader;
  redactor: Redactor;
  /** Readers for health-check alerts (target groups, security groups); without them those alerts keep the generic steps. */
  healthChecks?: LoadHealthCheckReaders;
}

const MEMORY_WINDOW_MINUTES = 60;
/** Long lines (stack traces on one line, JSON dumps) are cut: the alert must fit SNS and the state store. */
export const MAX_LOG_LINE_CHARS = 1000;

/** The whole excerpt stays small enough for SNS and for the incident store's 400 KB items. */
export const MAX_LOG_EXCERPT_CHARS = 16_000;

/** The newest lines whose total length fits. */
function newestWithin(lines: string[], maxChars: number): string[] {
  const kept: string[] = [];
  let total = 0;
  for (const line of [...lines].reverse()) {
    total += line.length;
    if (total > maxChars) break;
    kept.unshift(line);
  }
  return kept;
}

/**
 * Lines are capped before redaction so that a huge line costs the redactor a bounded time; the word
 * the cap cuts through is dropped, since a secret cut in half no longer matches its rule.
 */
export const MAX_REDACTED_LINE_CHARS = 8192;

export function capForRedaction(line: string): string {
  if (line.length <= MAX_REDACTED_LINE_CHARS) return line;
  const kept = line.slice(0, MAX_REDACTED_LINE_CHARS);
  return `${kept.slice(0, Math.max(kept.lastIndexOf(' '), kept.lastIndexOf('\t'), 0))}…`;
}

function truncate(line: string): string {
  return line.length > MAX_LOG_LINE_CHARS ? `${line.slice(0, MAX_LOG_LINE_CHARS - 1)}…` : line;
}

type Lookups = {
  'task definition': TaskDefinitionFacts;
  /** The service's tags, or for a standalone task its task definition's: where the team tag is. */
  tags: Record<string, string>;
  'log excerpt': LogExcerpt | Fact;
  'memory usage': MemoryUsage;
  'previous revision': TaskDefinitionFacts;
} & HealthCheckLookups;

/**
 * What on-call would otherwise look up by hand, all concurrently under one deadline: the task
 * definition (limits, essential flags, log configuration), the team tag, the culprit's last log
 * lines (redacted), for OOM kills the peak memory and the previous revision's limits, and for failed
 * health checks the service's, target group's and security groups' settings (health-check-evidence.ts).
 */
export async function enrichTask(
  task: TaskStateChange,
  first: StopDiagnosis,
  deps: EnrichDeps,
): Promise<{ diagnosis: StopDiagnosis; enrichment: TaskEnrichment }> {
  const { ecs, config } = deps;
  const taskDefinitionArn = task.taskDefinitionArn;
  const taskDefinition = (signal: AbortSignal) =>
    taskDefinitionArn
      ? ecs.taskDefinition(taskDefinitionArn, signal)
      : Promise.reject(new Error('the event names no task definition (taskDefinitionArn is missing)'));
  const dependingOnTaskDefinition = (signal: AbortSignal) =>
    taskDefinition(signal).catch((error: unknown) => {
      throw new Error(`needs the task definition: ${errorMessage(error)}`);
    });
  const refine = (td: TaskDefinitionFacts) =>
    classifyStop(task, { essentialContainers: new Set(td.containers.filter((c) => c.essential).map((c) => c.name)) });
  const isOom = first.category === 'OOM_KILLED';
  const service = task.service;
  const previousArn = taskDefinitionArn && previousRevisionArn(taskDefinitionArn);

  const { results, errors } = await withinBudget<Lookups>(
    {
      'task definition': taskDefinition,
      tags: service
        ? (signal) => ecs.serviceTags(task.clusterArn, service, signal)
        : taskDefinitionArn
          ? (signal) => ecs.taskDefinitionTags(taskDefinitionArn, signal)
          : undefined,
      'log excerpt':
        config.logExcerptLines > 0 && first.culprit
          ? async (signal) => {
              const td = await dependingOnTaskDefinition(signal);
              return logExcerpt(task, refine(td).culprit?.name, td, deps, signal);
            }
          : undefined,
      'memory usage': isOom ? (signal) => memoryUsage(task, deps, signal) : undefined,
      'previous revision': isOom && previousArn ? (signal) => ecs.taskDefinition(previousArn, signal) : undefined,
      ...healthCheckLookups(task, first, deps.healthChecks),
    },
    config.enrichmentBudgetMs,
  );

  const td = results['task definition'];
  const diagnosis = td ? refine(td) : first;
  const excerpt = results['log excerpt'];
  const facts: Fact[] = [];
  if (excerpt && 'label' in excerpt) facts.push(excerpt);
  if (isOom && diagnosis.culprit) {
    facts.push(
      ...memoryFacts({
        container: diagnosis.culprit.name,
        current: td,
        previous: results['previous revision'],
        usage: results['memory usage'],
        taskCpu: task.cpu,
        taskMemoryMiB: task.memory,
        isFargate: task.launchType === 'FARGATE' || (task.capacityProviderName ?? '').startsWith('FARGATE'),
      }),
    );
  }
  const health = diagnoseHealthCheck(task, diagnosis, results, td, deps.redactor);
  if (health) facts.push(...health.facts);
  return {
    diagnosis,
    enrichment: {
      taskDefinition: td,
      team: results.tags?.[config.teamTagKey] || undefined,
      logExcerpt: excerpt && 'lines' in excerpt ? excerpt : undefined,
      facts,
      verdict: health?.verdict,
      nextSteps: health?.nextSteps,
      errors,
    },
  };
}

async function logExcerpt(
  task: TaskStateChange,
  culprit: string | undefined,
  td: TaskDefinitionFacts,
  deps: EnrichDeps,
  signal: AbortSignal,
): Promise<LogExcerpt | Fact> {
  const container = td.containers.find((c) => c.name === culprit);
  if (culprit && neverRan(task, culprit)) {
    return { label: 'Logs', value: `none: container ${culprit} never ran (the task failed to start)` };
  }
  const source = logSource(container, task.taskId, { cluster: task.cluster, taskArn: task.taskArn });
  if (source.kind === 'elsewhere') return { label: 'Logs', value: source.note };
  const read = await deps.logs.lastLines(source.location, deps.config.logExcerptLines, signal);
  const lines = source.kind === 'firelens' ? read.map(fireLensLine) : read;
  return {
    container: container?.name ?? '',
    logGroup: source.location.logGroup,
    logStream: source.location.logStream,
    // Redacted as consecutive events (a key block or a JWT may span several), then cut for display.
    // Only the newest lines that can make the excerpt are redacted (4x its size: redaction may shorten them).
    lines: newestWithin(
      deps.redactor.lines(newestWithin(lines.map(capForRedaction), 4 * MAX_LOG_EXCERPT_CHARS)).map(truncate),
      MAX_LOG_EXCERPT_CHARS,
    ),
  };
}

async function memoryUsage(task: TaskStateChange, deps: EnrichDeps, signal: AbortSignal): Promise<MemoryUsage> {
  const mode = await deps.ecs.containerInsights(task.clusterArn, signal);
  if (mode === 'disabled') {
    return { unavailable: `Container Insights is off for cluster ${task.cluster}: turn it on to see peak memory use` };
  }
  const family = task.taskDefinition.split(':')[0] ?? task.taskDefinition;
  const peak = await deps.metrics.peakMemoryMiB(
    { cluster: task.cluster, service: task.service, family },
    MEMORY_WINDOW_MINUTES,
    signal,
  );
  if (peak === undefined)
    return { unavailable: `no Container Insights datapoints in the last ${MEMORY_WINDOW_MINUTES} min` };
  return {
    peakMiB: peak,
    windowMinutes: MEMORY_WINDOW_MINUTES,
    source: 'Container Insights MemoryUtilized (Maximum of any task)',
  };
}

/** The stop's alert with everything enrichment found; what it could not find is logged and counted. */
export async function enrichedAlert(
  task: TaskStateChange,
  first: StopDiagnosis,
  deps: EnrichDeps & { log: Log; counter: Counter },
): Promise<Alert> {
  const { diagnosis, enrichment } = await enrichTask(task, first, deps);
  if (enrichment.errors.length > 0) {
    deps.counter.count('EnrichmentErrors', enrichment.errors.length);
    deps.log.warn('Enrichment incomplete; alerting without it', {
      taskArn: task.taskArn,
      enrichmentErrors: enrichment.errors,
    });
  }
  return buildTaskStoppedAlert(task, diagnosis, enrichment, deps.config.severityOverrides);
}
