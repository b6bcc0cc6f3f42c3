import { missingFacts } from '../events/ecs-event';
import type { ContainerState, TaskStateChange } from '../events/task-event';
import type { Verdict } from '../health/health-check-diagnosis';
import type { StopDiagnosis } from '../stops/classify-stop';
import { explainExitCode } from '../stops/exit-codes';
import { logLocation, type TaskDefinitionFacts } from '../stops/task-definition';
import { type SeverityOverrides, stopSeverity } from '../stops/taxonomy';
import type { Alert, ContainerEvidence, EnrichmentError, Fact, Link, LogExcerpt } from './alert';
import { toSubject } from './alert';
import { logStreamLink, serviceLinks, taskDefinitionLink, taskLink } from './links';
import { nextStepsFor, subCause } from './next-steps';

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
  const cause = describeCause(diagnosis, culpritEvidence, reason);
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
      facts: [...taskFacts(task, diagnosis, reason), ...(enrichment.facts ?? []), ...missingFacts(task)],
      containers,
      logExcerpt: enrichment.logExcerpt,
    },
    nextSteps: enrichment.nextSteps ?? nextStepsFor(category, reason),
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

interface Cause {
  short: string;
  long: string;
}

function describeCause(diagnosis: StopDiagnosis, culprit: ContainerEvidence | undefined, reason?: string): Cause {
  const name = culprit ? `container ${culprit.name}` : 'the task';
  const exit = culprit?.exitCode !== undefined ? ` (exit ${culprit.exitCode})` : '';
  const limit =
    culprit?.memoryHardMiB !== undefined ? `its ${culprit.memoryHardMiB} MiB memory limit` : 'its memory limit';
  const sub = subCause(diagnosis.category, reason);
  const detail = sub ? `: ${sub.cause}` : '';
  switch (diagnosis.category) {
    case 'OOM_KILLED':
      return {
        short: `${name} out of memory${culprit?.memoryHardMiB !== undefined ? ` (limit ${culprit.memoryHardMiB} MiB)` : ''}`,
        long: `${name} was killed for exceeding ${limit}${exit}`,
      };
    case 'APP_CRASH':
      return culprit?.exitCode === 0
        ? {
            short: `${name} exited 0`,
            long: `${name} exited with code 0, but service tasks are expected to run until stopped`,
          }
        : {
            short: `${name} crashed${exit}`,
            long: `${name} exited on its own${exit}: ${culprit?.exitMeaning ?? 'no exit code reported'}`,
          };
    case 'HEALTH_CHECK_ELB':
      return {
        short: 'failed load balancer health checks',
        long: 'the load balancer marked the task unhealthy and ECS replaced it',
      };
    case 'HEALTH_CHECK_CONTAINER':
      return {
        short: `${name} failed its health check`,
        long: `${name} failed its container health check and ECS replaced the task`,
      };
    case 'IMAGE_PULL':
      return { short: `image pull failed${detail}`, long: `the container image could not be pulled${detail}` };
    case 'SECRETS_PULL':
      return {
        short: `secrets could not be retrieved${detail}`,
        long: `the task's secrets could not be retrieved${detail}`,
      };
    case 'RESOURCE_INIT':
      return {
        short: `task initialization failed${detail}`,
        long: `a resource the task needs failed to initialize${detail}`,
      };
    case 'CONTAINER_START':
      return { short: `${name} could not start`, long: `${name} could not be created or started` };
    case 'DEPENDENCY_EXITED':
      return {
        short: `sidecar ${culprit?.name ?? '?'} exited${exit}`,
        long: `the sidecar ${culprit?.name ?? '?'} exited first${exit} and took the task down`,
      };
    case 'TIMEOUT':
      return {
        short: 'a platform step timed out',
        long: 'a platform step (network interface or container runtime) timed out',
      };
    case 'NO_CAPACITY':
      return { short: 'no capacity to run the task', long: 'no capacity was available to place or provision the task' };
    case 'HOST_FAILURE':
      return {
        short: 'its container instance failed',
        long: 'the EC2 container instance under it failed, stopped or was terminated',
      };
    case 'SPOT_INTERRUPTION':
      return { short: 'Spot capacity reclaimed', long: 'its Spot capacity was reclaimed by AWS' };
    case 'PLATFORM_MAINTENANCE':
      return { short: 'retired for maintenance', long: 'AWS retired it for infrastructure maintenance' };
    case 'SCALE_IN_OR_DEPLOYMENT':
      return { short: 'scale-in or deployment', long: 'the scheduler stopped it for a scale-in or a deployment' };
    case 'USER_STOPPED':
      return { short: 'stopped by a user', long: 'a user or tool stopped it deliberately' };
    case 'COMPLETED':
      return { short: 'completed', long: 'all its essential containers exited 0' };
    case 'NOT_STOPPED':
      return { short: 'not stopped', long: 'the task has not stopped' };
    default:
      return {
        short: 'unrecognised stop reason',
        long: `the stop reason was not recognised (${reason ?? 'none given'})`,
      };
  }
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

function taskFacts(task: TaskStateChange, diagnosis: StopDiagnosis, reason?: string): Fact[] {
  const facts: Fact[] = [{ label: 'Decided by', value: diagnosis.decidedBy }];
  const push = (label: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') facts.push({ label, value: String(value) });
  };
  push('Stop code', task.stopCode);
  push('Stopped reason', task.stoppedReason);
  if (reason && reason !== task.stoppedReason) push('Container reason', reason);
  const sub = subCause(diagnosis.category, reason);
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
