import type { StallObservation } from '../capacity/service-stalls';
import { STALL_CATEGORIES, STALL_SEVERITY, type StallCategory } from '../capacity/service-stalls';
import { minutesBetween, type StallRecord, type StallRecoveryReason } from '../capacity/stall-incidents';
import { lastSegment } from '../events/task-event';
import type { Alert, Fact } from './alert';
import { toSubject } from './alert';
import { serviceLinks, taskDefinitionLink } from './links';

/**
 * The SERVICE_HEALTH alerts of the failures that send no event (service-stalls.ts): one when an
 * incident opens, one when it gets worse, one RECOVERED when it is over.
 */
export function buildStallAlert(
  observation: StallObservation,
  record: StallRecord,
  now: string,
  escalatedFrom?: StallCategory,
): Alert {
  // The severity the decision paged (the `severityOverrides` setting applied).
  const severity = record.pagedSeverity ?? STALL_SEVERITY[observation.category];
  const minutes = minutesBetween(record.since, now);
  const { headline, summary } = describe(observation, minutes);
  const revision = observation.taskDefinitionArn ? lastSegment(observation.taskDefinitionArn) : undefined;
  const worse = escalatedFrom ? ` It was reported as ${escalatedFrom} at ${record.openedAt}; it is worse now.` : '';
  return {
    kind: 'SERVICE_HEALTH',
    category: observation.category,
    severity,
    actionable: true,
    title: toSubject(
      `${severity} ${observation.category}: ${observation.service} in ${observation.cluster} - ${headline}`,
    ),
    summary: `${summary}${worse}`,
    account: record.account ?? '',
    region: record.region ?? '',
    cluster: observation.cluster,
    service: observation.service,
    team: observation.team,
    taskDefinition: revision,
    evidence: { facts: factsOf(observation, record) },
    nextSteps: nextStepsOf(observation),
    links: linksOf(record.region, observation, revision),
    dedupeKey: escalatedFrom ? `stall:${record.incidentId}:${observation.category}` : `stall:${record.incidentId}`,
    incidentId: record.incidentId ?? record.key,
    occurredAt: now,
    enrichmentErrors: [],
  };
}

/** The notice that closes one of these incidents. */
export function buildStallRecoveredAlert(
  record: StallRecord,
  reason: StallRecoveryReason,
  now: string,
  current?: { desiredCount: number; runningCount: number; rolloutState?: string },
): Alert {
  const lasted = minutesBetween(record.openedAt ?? record.since, now);
  const what = recoveredWhat(record, reason, current);
  return {
    kind: 'RECOVERED',
    category: STALL_CATEGORIES.recovered,
    // The severity of the page it closes, so the filters that let the page through let it through (docs/routing.md).
    severity: record.pagedSeverity ?? 'INFO',
    resolves: { severities: [record.pagedSeverity ?? 'INFO'] },
    actionable: false,
    title: toSubject(`RECOVERED: ${record.service} in ${record.cluster} - ${what}`),
    summary:
      `${record.category} of ${record.service} (${record.cluster}) is over: ${what}. It was first seen at ` +
      `${record.since} and paged ${lasted} min ago. No action is needed.`,
    account: record.account ?? '',
    region: record.region ?? '',
    cluster: record.cluster,
    service: record.service,
    team: record.team,
    evidence: {
      facts: [
        { label: 'Condition', value: record.category },
        { label: 'First seen', value: record.since },
        { label: 'Paged at', value: record.openedAt ?? '' },
        ...(current
          ? [{ label: 'Tasks', value: `${current.runningCount} running of ${current.desiredCount} desired` }]
          : []),
      ],
    },
    nextSteps: [],
    links: record.region ? serviceLinks(record.region, record.cluster, record.service) : [],
    dedupeKey: `stall-recovered:${record.incidentId}`,
    incidentId: record.incidentId ?? record.key,
    occurredAt: now,
    enrichmentErrors: [],
  };
}

function recoveredWhat(
  record: StallRecord,
  reason: StallRecoveryReason,
  current: { desiredCount: number; runningCount: number; rolloutState?: string } | undefined,
): string {
  if (reason === 'SERVICE_GONE') return 'the service no longer exists';
  if (record.check === 'SHORTFALL') {
    return current ? `${current.runningCount} of ${current.desiredCount} tasks running` : 'its tasks are running';
  }
  if (record.check === 'SLOW_DEPLOYMENT') {
    return current?.rolloutState
      ? `deployment ${record.deploymentId} is ${current.rolloutState}`
      : `deployment ${record.deploymentId} is no longer in progress`;
  }
  return 'no lifecycle hook of the deployment is waiting or failed any more';
}

function describe(o: StallObservation, minutes: number): { headline: string; summary: string } {
  const counts = `${o.runningCount} of ${o.desiredCount} tasks running`;
  switch (o.category) {
    case 'SERVICE_NOT_RUNNING':
      return {
        headline: `0 of ${o.desiredCount} tasks running for ${minutes} min`,
        summary:
          `Service ${o.service} (${o.cluster}) wants ${o.desiredCount} tasks and has had none running for at least ` +
          `${minutes} min (${o.pendingCount} pending). Whatever keeps it down sends no stop event: tasks that never ` +
          'start, a placement that never succeeds, or a scheduler that stopped trying. It is down.',
      };
    case 'SERVICE_BELOW_DESIRED':
      return {
        headline: `${counts} for ${minutes} min`,
        summary:
          `Service ${o.service} (${o.cluster}) has had ${counts} (${o.pendingCount} pending) for at least ${minutes} min, ` +
          'with no deployment in progress: the missing tasks are not being replaced.',
      };
    case 'DEPLOYMENT_TOO_SLOW':
      return {
        headline: `deployment in progress for ${minutes} min`,
        summary:
          `Deployment ${o.deployment?.id ?? '?'} of ${o.service} (${o.cluster}) started ${o.deployment?.createdAt ?? '?'} ` +
          `and is still in progress after ${minutes} min: ${o.deployment?.runningCount ?? '?'} of ` +
          `${o.deployment?.desiredCount ?? '?'} new tasks running, ${o.deployment?.failedTasks ?? 0} failed. ` +
          'A rolling deployment without a circuit breaker that cannot reach a steady state never ends on its own.',
      };
    default: {
      const hooks = (o.hook?.hooks ?? []).map((h) => `${hookTarget(h.targetArn ?? h.hookId ?? '?')} ${h.status}`);
      const failed = o.category === 'DEPLOYMENT_HOOK_FAILED';
      return {
        headline: failed
          ? `lifecycle hook ${hooks[0] ?? 'failed'}`
          : `lifecycle hook waiting ${minutes} min at ${o.hook?.lifecycleStage ?? '?'}`,
        summary:
          `Deployment ${lastSegment(o.hook?.serviceDeploymentArn ?? '')} of ${o.service} (${o.cluster}) is at stage ` +
          `${o.hook?.lifecycleStage ?? '?'}; its lifecycle hooks: ${hooks.join(', ')}. ` +
          (failed
            ? 'A failed or timed-out hook stops or rolls back the deployment.'
            : `The deployment has waited on them for at least ${minutes} min.`),
      };
    }
  }
}

function factsOf(o: StallObservation, record: StallRecord): Fact[] {
  const facts: Fact[] = [
    { label: 'Desired / running / pending', value: `${o.desiredCount} / ${o.runningCount} / ${o.pendingCount}` },
    { label: 'First seen', value: record.since },
  ];
  if (o.taskDefinitionArn) facts.push({ label: 'Task definition', value: lastSegment(o.taskDefinitionArn) });
  const d = o.deployment;
  if (d) {
    facts.push({
      label: `Deployment ${d.id}`,
      value:
        `${d.status ?? '?'}, rollout ${d.rolloutState ?? '?'}, created ${d.createdAt ?? '?'}, updated ${d.updatedAt ?? '?'}, ` +
        `${d.runningCount ?? '?'} of ${d.desiredCount ?? '?'} running, ${d.failedTasks ?? 0} failed`,
    });
    if (d.rolloutStateReason) facts.push({ label: 'Rollout reason', value: d.rolloutStateReason });
  }
  for (const h of o.hook?.hooks ?? []) {
    facts.push({
      label: `Lifecycle hook ${h.hookId ?? '?'}`,
      value: `${h.status ?? '?'}, target ${h.targetArn ?? '?'}${h.expiresAt ? `, expires ${h.expiresAt}` : ''}`,
    });
  }
  o.recentEvents.forEach((e, i) => {
    facts.push({ label: i === 0 ? 'Latest service event' : 'Earlier service event', value: e });
  });
  return facts;
}

function nextStepsOf(o: StallObservation): string[] {
  switch (o.category) {
    case 'SERVICE_NOT_RUNNING':
    case 'SERVICE_BELOW_DESIRED':
      return [
        'Read the service events (link below): ECS says there why it cannot place or start tasks.',
        `List the stopped tasks: aws ecs list-tasks --cluster ${o.cluster} --service-name ${o.service} --desired-status STOPPED, then describe-tasks for their stoppedReason.`,
        'Check the capacity the tasks need: subnets with free addresses, capacity providers or container instances with CPU and memory left.',
        'If the service should not run, set its desired count to 0 so it stops paging.',
      ];
    case 'DEPLOYMENT_TOO_SLOW':
      return [
        "Read the service events and the new tasks' stop reasons: tasks of the new revision failing their health checks keep a deployment going.",
        'Roll back (update the service to the previous task definition) or fix the revision and deploy again.',
        'Turn on the deployment circuit breaker (deploymentConfiguration.deploymentCircuitBreaker enable and rollback) so a failing deployment ends on its own.',
      ];
    default:
      return [
        "Look at the hook's target (the Lambda function named above): its logs say why it has not answered, or why it failed.",
        'A hook waiting for approval needs someone to continue or roll back the deployment.',
      ];
  }
}

function linksOf(region: string | undefined, o: StallObservation, revision: string | undefined) {
  if (!region) return [];
  return [
    ...serviceLinks(region, o.cluster, o.service),
    ...(revision?.includes(':') ? [taskDefinitionLink(region, revision)] : []),
  ];
}

/** A hook's target by name: the Lambda function of `arn:aws:lambda:REGION:ACCOUNT:function:NAME`. */
function hookTarget(arn: string): string {
  return arn.split(':function:')[1] ?? lastSegment(arn);
}
