import type { Incident, LoopPolicy } from '../incidents/incident';
import { isStopCategory, type Severity } from '../stops/taxonomy';
import { type Alert, bySeverity, type Fact, toSubject } from './alert';

function dominantCategory(incident: Incident): string {
  return Object.entries(incident.categories).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'UNKNOWN';
}

function describeCategories(incident: Incident): string {
  return Object.entries(incident.categories)
    .sort((a, b) => b[1] - a[1])
    .map(([category, count]) => `${category} x${count}`)
    .join(', ');
}

function minutesBetween(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 60_000));
}

function owner(incident: Incident): string {
  return incident.scope.service ?? incident.taskDefinition.split(':')[0] ?? incident.taskDefinition;
}

function recentFacts(incident: Incident): Fact[] {
  return incident.recent.map((stop, i) => ({
    label: `Stop ${incident.stopCount - incident.recent.length + i + 1} at ${stop.at}`,
    value: `${stop.category}${stop.culprit ? ` in ${stop.culprit}` : ''}${stop.exitCode !== undefined ? `, exit ${stop.exitCode}` : ''}${stop.reason ? `: ${stop.reason}` : ''}`,
  }));
}

/**
 * One page for a crash loop: how many stops, over what time, the categories seen, the culprit,
 * the last reasons, and the latest stop's own evidence (containers, log lines, next steps).
 */
export function buildLoopAlert(incident: Incident, latest: Alert, policy: LoopPolicy): Alert {
  const minutes = Math.max(1, minutesBetween(incident.openedAt, incident.lastSeenAt));
  const category = dominantCategory(incident);
  if (category === 'SPOT_INTERRUPTION') return buildSpotStormAlert(incident, latest, policy, minutes);
  const culprit = incident.recent.at(-1)?.culprit;
  const revision = incident.taskDefinition;
  const severity = loopSeverity(incident);
  return {
    ...latest,
    team: latest.team ?? incident.scope.team,
    kind: 'RESTART_LOOP',
    category,
    severity,
    actionable: true,
    title: toSubject(
      `${severity} RESTART_LOOP: ${owner(incident)} in ${incident.scope.cluster ?? '?'} - ${incident.stopCount} stops in ${minutes} min (${describeCategories(incident)})`,
    ),
    summary:
      `${owner(incident)} (${revision}) is in a restart loop: ${incident.stopCount} tasks stopped in ${minutes} min ` +
      `(${describeCategories(incident)})${culprit ? `, culprit container ${culprit}` : ''}. ` +
      `Further stops are folded into this incident until the service reaches a steady state or stays quiet for ${Math.round(policy.quietMs / 60_000)} min.`,
    culpritContainer: culprit,
    evidence: {
      ...latest.evidence,
      facts: [
        { label: 'Stops in incident', value: String(incident.stopCount) },
        { label: 'First stop', value: incident.openedAt },
        { label: 'Latest stop', value: incident.lastSeenAt },
        { label: 'Categories', value: describeCategories(incident) },
        { label: 'Task definition', value: revision },
        {
          label: 'Loop rule',
          value: `${policy.threshold} actionable stops within ${Math.round(policy.windowMs / 60_000)} min`,
        },
        ...recentFacts(incident),
        ...latest.evidence.facts,
      ],
    },
    nextSteps: [
      ...latest.nextSteps,
      `If ${revision} is a new revision, roll back to the last good one: aws ecs update-service --cluster ${incident.scope.cluster ?? 'CLUSTER'} --service ${owner(incident)} --task-definition ${previousRevision(revision)}`,
    ],
    dedupeKey: `${incident.id}/loop`,
    incidentId: incident.id,
    occurredAt: incident.lastSeenAt,
  };
}

/** A restart loop pages CRITICAL; a Spot storm HIGH (ECS replaces the tasks). */
export function loopSeverity(incident: Incident): Severity {
  return dominantCategory(incident) === 'SPOT_INTERRUPTION' ? 'HIGH' : 'CRITICAL';
}

/**
 * The incident is over: how long it lasted and how many stops it absorbed. It carries the severities
 * the incident paged at (docs/routing.md): a filter that let the page through lets the all-clear through.
 */
export function buildRecoveredAlert(incident: Incident, closedAt: string, reason: string): Alert {
  const minutes = minutesBetween(incident.openedAt, closedAt);
  const category = dominantCategory(incident);
  const spot = category === 'SPOT_INTERRUPTION';
  const story = spot ? 'Spot storm' : 'restart loop';
  const events = spot ? 'interruptions' : 'stops';
  // An incident written before severities were recorded paged at least its loop.
  const paged = incident.pagedSeverities?.length ? incident.pagedSeverities : [loopSeverity(incident)];
  const severities = bySeverity(paged);
  return {
    kind: 'RECOVERED',
    category: isStopCategory(category) ? category : 'UNKNOWN',
    severity: severities[0] ?? 'INFO',
    resolves: { severities },
    actionable: false,
    title: toSubject(
      `RECOVERED: ${owner(incident)} in ${incident.scope.cluster ?? '?'} - ${story} over after ${minutes} min (${incident.stopCount} ${events})`,
    ),
    summary:
      `The ${story} of ${owner(incident)} (${incident.taskDefinition}) is over: ${reason}. ` +
      `It lasted ${minutes} min and absorbed ${incident.stopCount} ${events} (${describeCategories(incident)}).`,
    ...incident.scope,
    taskDefinition: incident.taskDefinition,
    culpritContainer: incident.recent.at(-1)?.culprit,
    evidence: {
      facts: [
        { label: 'Opened', value: incident.openedAt },
        { label: 'Closed', value: closedAt },
        { label: 'Duration', value: `${minutes} min` },
        { label: spot ? 'Interruptions counted' : 'Stops absorbed', value: String(incident.stopCount) },
        { label: 'Categories', value: describeCategories(incident) },
        { label: 'Closed because', value: reason },
      ],
    },
    nextSteps: [
      spot
        ? 'Nothing urgent. If Spot storms recur, give the service an on-demand base in its capacity provider strategy.'
        : 'Nothing urgent. Check why the loop happened before it recurs (see the incident’s first alerts).',
    ],
    dedupeKey: `${incident.id}/recovered`,
    incidentId: incident.id,
    occurredAt: closedAt,
    enrichmentErrors: [],
  };
}

/**
 * One Spot interruption is routine; many in a short time mean the service keeps losing capacity
 * (docs/architecture.md, "The incident model": a Spot interruption pages only as a storm).
 */
function buildSpotStormAlert(incident: Incident, latest: Alert, policy: LoopPolicy, minutes: number): Alert {
  const severity = loopSeverity(incident);
  const where = `${owner(incident)} in ${incident.scope.cluster ?? '?'}`;
  return {
    ...latest,
    team: latest.team ?? incident.scope.team,
    kind: 'RESTART_LOOP',
    category: 'SPOT_INTERRUPTION',
    severity,
    actionable: true,
    title: toSubject(
      `${severity} SPOT_INTERRUPTION storm: ${where} - ${incident.stopCount} tasks reclaimed in ${minutes} min`,
    ),
    summary:
      `Spot capacity of ${where} is being reclaimed faster than usual: ${incident.stopCount} tasks interrupted in ${minutes} min. ` +
      'ECS replaces them, but while Spot capacity is scarce the service may run below its desired count.',
    culpritContainer: undefined,
    evidence: {
      facts: [
        { label: 'Interruptions in incident', value: String(incident.stopCount) },
        { label: 'First interruption', value: incident.openedAt },
        { label: 'Latest interruption', value: incident.lastSeenAt },
        {
          label: 'Storm rule',
          value: `${policy.threshold} interruptions within ${Math.round(policy.windowMs / 60_000)} min`,
        },
        ...latest.evidence.facts,
      ],
    },
    nextSteps: [
      'Add an on-demand base to the capacity provider strategy (e.g. FARGATE base 1-2 tasks, then FARGATE_SPOT weights), so the service keeps a floor.',
      'Spread the service over more Availability Zones (subnets), and for EC2 Spot over more instance types (capacity-optimized allocation).',
      'Check the service runs at its desired count: aws ecs describe-services --query "services[].[runningCount,desiredCount]".',
    ],
    dedupeKey: `${incident.id}/spot-storm`,
    incidentId: incident.id,
    occurredAt: incident.lastSeenAt,
  };
}

/** `api:42` → `api:41` (revisions are numbered in order; the one before is usually the last good one). */
function previousRevision(taskDefinition: string): string {
  const [family, revision] = taskDefinition.split(':');
  const number = Number(revision);
  return Number.isInteger(number) && number > 1 ? `${family}:${number - 1}` : `${family}:<previous revision>`;
}
