import type { DeploymentStateChange } from '../events/deployment-event';
import { missingFacts } from '../events/ecs-event';
import type { RolloutDiagnosis, ServiceEventFact } from '../rollouts/classify-rollout';
import { rolloutIncidentId } from '../rollouts/classify-rollout';
import type { StopSummary } from '../stops/stopped-task-summary';
import { describeChange, type SettingChange } from '../stops/task-definition-diff';
import type { Severity, SeverityOverrides } from '../stops/taxonomy';
import type { Alert, EnrichmentError, Link } from './alert';
import { toSubject } from './alert';
import { FactList } from './fact-list';
import { serviceLinks, taskDefinitionLink } from './links';
import { nextStepsFor } from './next-steps';

/** What the handler found about a rollout (best-effort; any part may be missing). */
export interface RolloutFacts {
  /** `family:revision` of the deployment this event is about. */
  revision?: string;
  /** For a failure: the revision it was replacing (the rollback target, or the deployment still running). */
  previousRevision?: string;
  /** The deployment ECS rolled back with, and its revision. */
  rollback?: { deploymentId: string; revision?: string };
  /** The service's circuit-breaker settings, when DescribeServices answered. */
  circuitBreaker?: { enable: boolean; rollback: boolean };
  /** For a rollback: the deployment that failed and its revision. */
  failed?: { deploymentId?: string; revision?: string };
  changes?: SettingChange[];
  stops?: StopSummary;
  serviceEvents: ServiceEventFact[];
  runningCount?: number;
  desiredCount?: number;
  team?: string;
  errors: EnrichmentError[];
}

export const NO_ROLLOUT_FACTS: RolloutFacts = { serviceEvents: [], errors: [] };

const DEFAULT_SEVERITY: Record<RolloutDiagnosis['stage'], Severity> = {
  failed: 'HIGH',
  'rollback-started': 'LOW',
  'rollback-completed': 'INFO',
  completed: 'INFO',
  'in-progress': 'INFO',
};

const RECENT_SERVICE_EVENTS = 5;

export function buildRolloutAlert(
  event: DeploymentStateChange,
  diagnosis: RolloutDiagnosis,
  facts: RolloutFacts = NO_ROLLOUT_FACTS,
  severityOverrides: SeverityOverrides = {},
): Alert {
  const severity = severityOverrides[diagnosis.category] ?? DEFAULT_SEVERITY[diagnosis.stage];
  const story = tellStory(event, diagnosis, facts);
  const anchor =
    diagnosis.stage === 'failed' ? (facts.rollback?.deploymentId ?? event.deploymentId) : event.deploymentId;
  return {
    kind: 'ROLLOUT',
    category: diagnosis.category,
    severity,
    actionable: diagnosis.actionable,
    title: toSubject(`${severity} ${diagnosis.category}: ${story.title}`),
    summary: story.summary,
    account: event.account,
    region: event.region,
    cluster: event.cluster,
    service: event.service,
    team: facts.team,
    taskDefinition: facts.revision,
    culpritContainer: diagnosis.stage === 'failed' ? facts.stops?.dominant?.container : undefined,
    evidence: { facts: [...rolloutFacts(event, diagnosis, facts), ...missingFacts(event)] },
    nextSteps: nextSteps(event, diagnosis, facts),
    links: rolloutLinks(event, facts),
    dedupeKey: `deployment:${event.eventId}`,
    incidentId: rolloutIncidentId(event.cluster, event.service, anchor),
    occurredAt: event.updatedAt ?? event.time,
    enrichmentErrors: facts.errors,
  };
}

interface Story {
  title: string;
  summary: string;
}

function tellStory(event: DeploymentStateChange, diagnosis: RolloutDiagnosis, facts: RolloutFacts): Story {
  const where = `${event.service}${event.cluster ? ` in ${event.cluster}` : ''}`;
  const revision = facts.revision ?? `deployment ${event.deploymentId}`;
  switch (diagnosis.stage) {
    case 'failed': {
      const why = facts.stops && facts.stops.total > 0 ? facts.stops.text : undefined;
      const target = rollbackTarget(facts);
      const rolledBack = target
        ? `The circuit breaker rolled back to ${target}.`
        : facts.circuitBreaker && !facts.circuitBreaker.rollback
          ? 'Rollback is not enabled on the circuit breaker: the service keeps the failed deployment until someone acts.'
          : 'No rollback deployment was found.';
      const changed =
        facts.changes && facts.changes.length > 0
          ? `Changed from ${facts.previousRevision}: ${facts.changes.map(describeChange).join('; ')}.`
          : facts.previousRevision && facts.changes
            ? `No compared setting changed from ${facts.previousRevision}.`
            : '';
      const dominant = facts.stops?.dominant;
      const short = [
        dominant ? `${dominant.count}/${facts.stops?.total} tasks ${dominant.category}` : 'deployment failed',
        target ? `rolled back to ${facts.rollback?.revision ?? facts.rollback?.deploymentId}` : undefined,
      ]
        .filter(Boolean)
        .join('; ');
      return {
        title: `${facts.revision ?? where} - ${short}`,
        summary: [
          `Deployment ${event.deploymentId} of service ${event.service} (${event.cluster ?? 'cluster unknown'}) failed: ${revision} did not reach a steady state${event.reason ? ` (${event.reason})` : ''}.`,
          why ? `Why: ${why}.` : 'The stopped tasks of the deployment could not be found, so why they died is unknown.',
          changed,
          rolledBack,
        ]
          .filter(Boolean)
          .join(' '),
      };
    }
    case 'rollback-started': {
      const target = facts.revision ?? diagnosis.rollbackTargetDeploymentId;
      const failed = facts.failed?.revision ?? facts.failed?.deploymentId;
      return {
        title: `${where} rolling back to ${target}`,
        summary: `The deployment circuit breaker is rolling ${event.service} back to ${target} (deployment ${diagnosis.rollbackTargetDeploymentId}) with deployment ${event.deploymentId}${failed ? `, after ${failed} failed` : ''}. The failure itself is reported on this incident.`,
      };
    }
    case 'rollback-completed':
      return {
        title: `${where} rolled back to ${revision} and is steady`,
        summary: `The rollback deployment ${event.deploymentId} of ${event.service} completed: the service runs ${revision}${facts.runningCount !== undefined ? ` (${facts.runningCount}/${facts.desiredCount ?? '?'} tasks)` : ''}. The failed revision still needs a fix before the next deployment.`,
      };
    case 'completed':
      return {
        title: `${revision} of ${where} completed`,
        summary: `Deployment ${event.deploymentId} of ${event.service} completed.`,
      };
    default:
      return {
        title: `${revision} of ${where} in progress`,
        summary: `Deployment ${event.deploymentId} of ${event.service} is in progress${event.reason ? ` (${event.reason})` : ''}.`,
      };
  }
}

function rollbackTarget(facts: RolloutFacts): string | undefined {
  if (!facts.rollback) return undefined;
  const { deploymentId, revision } = facts.rollback;
  return revision ? `${revision} (deployment ${deploymentId})` : `deployment ${deploymentId}`;
}

function rolloutFacts(event: DeploymentStateChange, diagnosis: RolloutDiagnosis, facts: RolloutFacts) {
  const list = new FactList()
    .add('Event', `${event.eventName} (${event.eventType})`)
    .add('Deployment', event.deploymentId)
    .add('Reason', event.reason)
    .add('Circuit breaker', diagnosis.circuitBreaker ? 'yes' : undefined)
    .add(diagnosis.stage === 'failed' ? 'Failed revision' : 'Revision', facts.revision)
    .add('Previous revision', facts.previousRevision)
    .add('Rolled back to', rollbackTarget(facts))
    .add('Rolling back to deployment', diagnosis.rollbackTargetDeploymentId)
    .add('Failed deployment', facts.failed?.deploymentId)
    .add('Failed revision', diagnosis.stage === 'failed' ? undefined : facts.failed?.revision)
    .add(
      'Circuit breaker settings',
      facts.circuitBreaker && `enable ${facts.circuitBreaker.enable}, rollback ${facts.circuitBreaker.rollback}`,
    )
    .add(
      'Tasks',
      facts.runningCount !== undefined
        ? `${facts.runningCount} running of ${facts.desiredCount ?? '?'} desired`
        : undefined,
    );
  if (facts.stops && facts.stops.total > 0) {
    list.add('Stopped tasks', facts.stops.text);
    for (const reason of facts.stops.lastReasons) list.add('Stop reason', reason);
  }
  for (const change of facts.changes ?? []) list.add('Changed', describeChange(change));
  for (const e of facts.serviceEvents.slice(0, RECENT_SERVICE_EVENTS)) {
    list.add('Service event', `${e.createdAt ?? '?'} ${e.message}`);
  }
  return list.facts;
}

function nextSteps(event: DeploymentStateChange, diagnosis: RolloutDiagnosis, facts: RolloutFacts): string[] {
  if (diagnosis.stage !== 'failed') {
    return diagnosis.stage === 'rollback-started' || diagnosis.stage === 'rollback-completed'
      ? ['Read the ROLLOUT_FAILED alert of this incident for why the deployment failed; fix it before redeploying.']
      : [];
  }
  const steps: string[] = [];
  const dominant = facts.stops?.dominant;
  if (dominant) steps.push(...nextStepsFor(dominant.category, facts.stops?.lastReasons[0]));
  if (facts.changes && facts.changes.length > 0) {
    steps.push(
      `Review what changed from ${facts.previousRevision}: ${facts.changes.map((c) => c.setting).join(', ')}; the failure most likely comes from one of these.`,
    );
  }
  if (!facts.rollback) {
    steps.push(
      `If the service did not roll back, restore the last good revision: aws ecs update-service --cluster ${event.cluster ?? 'CLUSTER'} --service ${event.service} --task-definition ${facts.previousRevision ?? 'PREVIOUS_REVISION'}.`,
    );
  }
  steps.push('Redeploy only after the fix; the circuit breaker will stop a repeat of the same failure.');
  return steps;
}

function rolloutLinks(event: DeploymentStateChange, facts: RolloutFacts): Link[] {
  const links: Link[] = event.cluster ? serviceLinks(event.region, event.cluster, event.service) : [];
  for (const revision of [facts.revision, facts.previousRevision, facts.failed?.revision]) {
    if (revision && !links.some((l) => l.label.endsWith(revision)))
      links.push(taskDefinitionLink(event.region, revision));
  }
  return links;
}
