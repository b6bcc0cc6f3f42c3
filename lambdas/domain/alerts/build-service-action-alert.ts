import { missingFacts } from '../events/ecs-event';
import type { ServiceAction } from '../events/service-action-event';
import type { ServiceEventFact } from '../rollouts/classify-rollout';
import { placementCauseOf } from '../rollouts/placement-cause';
import type { PlacementDiagnosis } from '../rollouts/placement-diagnosis';
import type { StopSummary } from '../stops/stopped-task-summary';
import type { SeverityOverrides } from '../stops/taxonomy';
import type { Alert, EnrichmentError, Link } from './alert';
import { toSubject } from './alert';
import { FactList } from './fact-list';
import { serviceLinks, subnetLink } from './links';
import { nextStepsFor } from './next-steps';
import { SERVICE_ACTION_RULES, type ServiceActionRule, serviceActionRule } from './service-action-rules';

/** An alert that may carry the placement cause (also printed by `ecs-watchdog classify`). */
export type ServiceActionAlert = Alert & { placementCause?: string };

/** What the handler found about the service (best-effort). */
export interface ServiceActionFacts {
  team?: string;
  placement?: PlacementDiagnosis;
  /** SERVICE_TASK_START_IMPAIRED: why the service's recent tasks stopped. */
  stops?: StopSummary;
  serviceEvents: ServiceEventFact[];
  taskDefinition?: string;
  runningCount?: number;
  desiredCount?: number;
  errors: EnrichmentError[];
}

export const NO_SERVICE_ACTION_FACTS: ServiceActionFacts = { serviceEvents: [], errors: [] };

/** The service action events with their own severity (a severity override may name any of them). */
export const SERVICE_ACTION_NAMES = Object.keys(SERVICE_ACTION_RULES);

/** INFO service actions (steady state, desired count updates, ...) are not worth a message. */
export function isInformational(action: ServiceAction): boolean {
  return action.eventType === 'INFO';
}

export function buildServiceActionAlert(
  action: ServiceAction,
  facts: ServiceActionFacts = NO_SERVICE_ACTION_FACTS,
  severityOverrides: SeverityOverrides = {},
): ServiceActionAlert {
  const known = serviceActionRule(action.eventName);
  const severity =
    severityOverrides[action.eventName] ??
    known?.severity ??
    (action.eventType === 'INFO' ? 'INFO' : action.eventType === 'ERROR' ? 'HIGH' : 'MEDIUM');
  const service = action.service?.service;
  const subject = service ? `${service} in ${action.cluster}` : `cluster ${action.cluster}`;
  const placementCause =
    action.eventName === 'SERVICE_TASK_PLACEMENT_FAILURE'
      ? (facts.placement?.cause ?? placementCauseOf(action.reason, action.capacityProviderArns))
      : undefined;
  const detail = headline(action, facts, placementCause);
  const what =
    known?.what ?? `reported ${action.eventName} (${action.eventType}), an event the watchdog does not know yet`;

  return {
    kind: 'SERVICE_ACTION',
    category: action.eventName,
    severity,
    actionable: !isInformational(action),
    title: toSubject(`${severity} ${action.eventName}: ${subject}${detail ? ` - ${detail}` : ''}`),
    summary: [
      `${service ? `Service ${service}` : 'A service'} (${action.cluster}) ${what}.`,
      action.reason ? `ECS says: ${action.reason}.` : '',
      facts.placement?.failing
        ? `Failing check ${facts.placement.failing.check}: ${facts.placement.failing.detail}.`
        : '',
      facts.stops && facts.stops.total > 0 ? `Recent stops: ${facts.stops.text}.` : '',
    ]
      .filter(Boolean)
      .join(' '),
    account: action.account,
    region: action.region,
    cluster: action.cluster,
    service,
    team: facts.team,
    taskDefinition: facts.taskDefinition,
    culpritContainer: facts.stops?.dominant?.container,
    evidence: { facts: [...evidenceFacts(action, facts, placementCause), ...missingFacts(action)] },
    nextSteps: steps(action, facts, known),
    links: links(action, facts),
    dedupeKey: `service-action:${action.eventId}`,
    incidentId: `service-action/${action.cluster}/${service ?? '-'}/${action.eventName}`,
    occurredAt: action.createdAt ?? action.time,
    enrichmentErrors: facts.errors,
    ...(placementCause ? { placementCause } : {}),
  };
}

function headline(action: ServiceAction, facts: ServiceActionFacts, cause?: string): string | undefined {
  if (facts.placement?.failing) return facts.placement.failing.detail.split(';')[0];
  if (cause) return cause;
  if (facts.stops?.dominant) return facts.stops.text;
  return action.reason;
}

function evidenceFacts(action: ServiceAction, facts: ServiceActionFacts, cause?: string) {
  const list = new FactList()
    .add('Event', `${action.eventName} (${action.eventType})`)
    .add('Reason', action.reason)
    .add('Placement cause', cause)
    .add('Capacity providers', action.capacityProviderArns.map((a) => a.slice(a.lastIndexOf('/') + 1)).join(', '))
    .add('Task definition', facts.taskDefinition)
    .add(
      'Tasks',
      facts.runningCount !== undefined
        ? `${facts.runningCount} running of ${facts.desiredCount ?? '?'} desired`
        : undefined,
    );
  for (const [key, value] of Object.entries(action.otherFields)) list.add(`detail.${key}`, value);
  for (const check of facts.placement?.checks ?? []) {
    if (check.status !== 'SKIPPED') list.add(`Check ${check.check}`, `${check.status}: ${check.detail}`);
  }
  if (facts.stops && facts.stops.total > 0) {
    list.add('Recent stops', facts.stops.text);
    for (const reason of facts.stops.lastReasons) list.add('Stop reason', reason);
  }
  for (const e of facts.serviceEvents.slice(0, 5)) list.add('Service event', `${e.createdAt ?? '?'} ${e.message}`);
  return list.facts;
}

function steps(action: ServiceAction, facts: ServiceActionFacts, known?: ServiceActionRule): string[] {
  const result: string[] = [];
  const failing = facts.placement?.failing;
  if (failing) result.push(...placementSteps(failing.check, failing.detail));
  else if (action.eventName === 'SERVICE_TASK_PLACEMENT_FAILURE') {
    result.push(
      'Check, in order: free IPs in the service subnets (awsvpc needs one per task), remaining CPU/memory/ENIs on the container instances, the Fargate CPU/memory pair, placement constraints, capacity provider capacity.',
    );
  }
  if (facts.stops?.dominant) result.push(...nextStepsFor(facts.stops.dominant.category, facts.stops.lastReasons[0]));
  result.push(...(known?.steps ?? []));
  if (!known)
    result.push(
      'Read the raw event facts below and the service events in the console; this event type is new to the watchdog.',
    );
  return result;
}

function placementSteps(check: string, detail: string): string[] {
  switch (check) {
    case 'SUBNET_FREE_IPS':
      return [
        `Free IP addresses in the subnet or add subnets to the service: ${detail}.`,
        'Delete unused ENIs (aws ec2 describe-network-interfaces --filters Name=status,Values=available) and plan /20 or larger subnets for ECS.',
      ];
    case 'FARGATE_TASK_SIZE':
      return [`Use a valid Fargate CPU/memory pair in the task definition: ${detail}.`];
    case 'CAPACITY_PROVIDER':
      return [
        'Fargate (Spot) capacity was not available: add FARGATE as a fallback in the capacity provider strategy, or spread the service over more Availability Zones.',
      ];
    case 'CONTAINER_INSTANCES':
      return ['Register container instances (check the Auto Scaling group and that the ECS agent is connected).'];
    case 'INSTANCE_ENIS':
      return [`Give tasks network interfaces: ${detail}.`];
    case 'INSTANCE_PORTS':
      return [`Free the host port: ${detail}.`];
    case 'PLACEMENT_CONSTRAINTS':
      return [`Relax the placement constraints or add matching instances: ${detail}.`];
    default:
      return [`Add capacity to the cluster (scale the Auto Scaling group or use a capacity provider): ${detail}.`];
  }
}

function links(action: ServiceAction, facts: ServiceActionFacts): Link[] {
  const result = action.service ? serviceLinks(action.region, action.cluster, action.service.service) : [];
  const subnetId = facts.placement?.failing?.subnetId;
  if (subnetId) result.push(subnetLink(action.region, subnetId));
  return result;
}
