import { missingFacts } from '../events/ecs-event';
import type { ContainerState, TaskStateChange } from '../events/task-event';
import type { Verdict } from '../health/health-check-diagnosis';
import type { StopDiagnosis } from '../stops/classify-stop';
import { explainExitCode } from '../stops/exit-codes';
import { STOP_RULES } from '../stops/stop-rules';
import { logLocation, type TaskDefinitionFacts } from '../stops/task-definition';
import { type SeverityOverrides, stopSeverity } from '../stops/taxonomy';
import type { Alert, ContainerEvidence, EnrichmentError, Fact, Link, LogExcerpt } from './alert';
import { toSubject } from './alert';
import { logStreamLink, serviceLinks, taskDefinitionLink, taskLink } from './links';
import { type SubCause, stepsFor, subCause } from './next-steps';

/** What the handler could look up about the task (best-effort; each part may be missing). */
export interface TaskEnrichment {
  taskDefinition?: TaskDefinitionFacts;
  team?: string;
  logExcerpt?: LogExcerpt;
  /** Facts found by enrichment (memory evidence, a note on where the logs are), listed after the event's. */
  facts?: Fact[];
  /** The likely cause the evidence names (health-check stops), and next steps ordered by it. */
  verdict?: Verdict;
  nextSteps?: string[];
  errors: EnrichmentError[];
}

export const NO_ENRICHMENT: TaskEnrichment = { errors: [] };

export function buildTaskStoppedAlert(
  task: TaskStateChange,
  diagnosis: StopDiagnosis,
  enrichment: TaskEnrichment = NO_ENRICHMENT,
  severityOverrides: SeverityOverrides = {},
): Alert {
  const { category, culprit } = diagnosis;
  const containers = containerEvidence(task, diagnosis, enrichment.taskDefinition);
  const culpritEvidence = containers.find((c) => c.culprit);
  const reason = culprit?.reason ?? task.stoppedReason;
  const owner = task.service ?? task.group?.replace(/^family:/, '') ?? task.taskDefinition;
  const sub = subCause(category, reason);
  const cause = describeCause(diagnosis, culpritEvidence, reason, sub);
  const severity = stopSeverity(category, task.service !== undefined, severityOverrides);

  return {
    kind: 'TASK_STOPPED',
    category,
    severity,
    actionable: diagnosis.actionable,
    // A verdict is the sharper answer: it replaces the category's generic short cause in the subject.
    title: toSubject(
      `${severity} ${category}: ${owner} in ${task.cluster} - ${enrichment.verdict?.short ?? cause.short}`,
    ),
    summary: `${describeTask(task)} stopped: ${cause.long}. ${describeImpact(task, diagnosis)}`,
    verdict: enrichment.verdict?.line,
    account: task.account,
    region: task.region,
    cluster: task.cluster,
    service: task.service,
    team: enrichment.team,
    taskArn: task.taskArn,
    taskDefinition: task.taskDefinition,
    culpritContainer: culprit?.name,
    evidence: {
      facts: [...taskFacts(task, diagnosis, reason, sub), ...(enrichment.facts ?? []), ...missingFacts(task)],
      containers,
      logExcerpt: enrichment.logExcerpt,
    },
    nextSteps: enrichment.nextSteps ?? stepsFor(category, sub),
    links: taskLinks(task, diagnosis, enrichment),
    dedupeKey: `task-stopped:${task.taskArn}`,
    incidentId: `task/${task.cluster}/${task.taskId}`,
    occurredAt: task.stoppedAt ?? task.time,
    enrichmentErrors: enrichment.errors,
  };
}

function describeTask(task: TaskStateChange): string {
  const id = task.taskId.slice(0, 8);
  return task.service
    ? `Task ${id} of service ${task.service} (${task.cluster}, ${task.taskDefinition})`
    : `Standalone task ${id} (${task.taskDefinition}, ${task.cluster})`;
}

function describeImpact(task: TaskStateChange, diagnosis: StopDiagnosis): string {
  if (!diagnosis.actionable) return 'This is routine; no action is needed.';
  return task.service
    ? 'ECS starts a replacement; if the cause persists, the service keeps cycling tasks and may never reach its desired count.'
    : 'The standalone task did not finish its work; it is not retried automatically.';
}

/** The wording of each category is in its stop rule (stop-rules.ts). */
function describeCause(
  diagnosis: StopDiagnosis,
  culprit: ContainerEvidence | undefined,
  reason: string | undefined,
  sub: SubCause | undefined,
) {
  return STOP_RULES[diagnosis.category].describe({
    subject: culprit ? `container ${culprit.name}` : 'the task',
    culpritName: culprit?.name,
    exitCode: culprit?.exitCode,
    exitMeaning: culprit?.exitMeaning,
    memoryHardMiB: culprit?.memoryHardMiB,
    detail: sub ? `: ${sub.cause}` : '',
    reason,
  });
}

function containerEvidence(
  task: TaskStateChange,
  diagnosis: StopDiagnosis,
  taskDefinition?: TaskDefinitionFacts,
): ContainerEvidence[] {
  return task.containers.map((c: ContainerState) => {
    const definition = taskDefinition?.containers.find((d) => d.name === c.name);
    return {
      name: c.name,
      essential: definition?.essential,
      image: c.image,
      lastStatus: c.lastStatus,
      exitCode: c.exitCode,
      exitMeaning: explainExitCode(c.exitCode),
      reason: c.reason,
      memoryHardMiB: definition?.memoryHardMiB ?? c.memory,
      memorySoftMiB: definition?.memorySoftMiB ?? c.memoryReservation,
      culprit: diagnosis.culprit?.name === c.name,
    };
  });
}

function taskFacts(
  task: TaskStateChange,
  diagnosis: StopDiagnosis,
  reason: string | undefined,
  sub?: SubCause,
): Fact[] {
  const facts: Fact[] = [{ label: 'Decided by', value: diagnosis.decidedBy }];
  const push = (label: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') facts.push({ label, value: String(value) });
  };
  push('Stop code', task.stopCode);
  push('Stopped reason', task.stoppedReason);
  if (reason && reason !== task.stoppedReason) push('Container reason', reason);
  push('Likely cause', sub?.cause);
  push('Launch type', task.capacityProviderName ?? task.launchType);
  push(
    'Task size',
    task.cpu !== undefined || task.memory !== undefined
      ? `${task.cpu ?? '?'} CPU units, ${task.memory ?? '?'} MiB`
      : undefined,
  );
  push('Availability Zone', task.availabilityZone);
  push('Subnet', task.subnetId);
  push('Started by', task.startedBy);
  push('Started at', task.startedAt);
  push('Stopped at', task.stoppedAt);
  return facts;
}

function taskLinks(task: TaskStateChange, diagnosis: StopDiagnosis, enrichment: TaskEnrichment): Link[] {
  const links = [taskLink(task.region, task.cluster, task.taskId)];
  if (task.service) links.push(...serviceLinks(task.region, task.cluster, task.service));
  links.push(taskDefinitionLink(task.region, task.taskDefinition));
  const culpritDefinition = enrichment.taskDefinition?.containers.find((c) => c.name === diagnosis.culprit?.name);
  const logs =
    enrichment.logExcerpt ??
    logLocation(culpritDefinition, task.taskId, { cluster: task.cluster, taskArn: task.taskArn });
  if (logs) links.push(logStreamLink(task.region, logs.logGroup, logs.logStream));
  return links;
}
