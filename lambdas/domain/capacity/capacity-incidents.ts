/**
 * One alert per subnet per incident (pure). The scan runs every few minutes; a subnet that stays short
 * of addresses must page once, and once more (a recovery notice) when it is healthy again. Whether a
 * subnet is already alerting is decided here from the previous state and the new assessment; where the
 * state lives is the {@link CapacityStateStore}'s business, so it can move to the shared incident
 * store (docs/architecture.md, "The incident model") without touching this logic.
 */
import type { SubnetAssessment, SubnetFinding } from './capacity-assessment';
import type { StallRecords } from './stall-incidents';

export interface OpenCapacityIncident {
  subnetId: string;
  incidentId: string;
  /** ISO 8601 time of the scan that opened it. */
  openedAt: string;
  /** ISO 8601 time of the last scan that still found the problem. */
  lastSeenAt: string;
  findings: SubnetFinding[];
  freeAddresses: number;
  surgeHeadroom: number;
  /** `cluster/service` names at risk when last seen. */
  servicesAtRisk: string[];
  cidr: string;
  availabilityZone: string;
  account?: string;
  region?: string;
}

export interface CapacityState {
  /** Optimistic-lock version: the store refuses a save based on an older version. */
  version: number;
  /** Open incidents by subnet id. */
  incidents: Record<string, OpenCapacityIncident>;
  /** Failures that send no event, pending or open, by key (stall-incidents.ts). */
  stalls: StallRecords;
}

export const EMPTY_CAPACITY_STATE: CapacityState = { version: 0, incidents: {}, stalls: {} };

/** Where the open capacity incidents are kept between scans. */
export interface CapacityStateStore {
  load(): Promise<CapacityState>;
  /** Saves `state` as version `previous.version + 1`; fails if someone else saved since `previous` was loaded. */
  save(state: CapacityState, previous: CapacityState): Promise<void>;
}

export type RecoveryReason = 'HEALTHY' | 'NO_LONGER_USED';

export interface CapacityDecision {
  /** Subnets that crossed into trouble in this scan: publish one CAPACITY alert each. */
  opened: { assessment: SubnetAssessment; incident: OpenCapacityIncident }[];
  /** Subnets still in trouble: their incident is already open, so nothing is published. */
  ongoing: { assessment: SubnetAssessment; incident: OpenCapacityIncident }[];
  /** Incidents closed by this scan: publish one recovery notice each. */
  recovered: { incident: OpenCapacityIncident; reason: RecoveryReason; assessment?: SubnetAssessment }[];
  next: CapacityState;
}

export interface IncidentContext {
  /** ISO 8601 time of the scan. */
  now: string;
  account?: string;
  region?: string;
}

export function isAlerting(assessment: SubnetAssessment): boolean {
  return assessment.findings.length > 0;
}

export function decideCapacityIncidents(
  previous: CapacityState,
  subnets: readonly SubnetAssessment[],
  context: IncidentContext,
): CapacityDecision {
  const decision: CapacityDecision = {
    opened: [],
    ongoing: [],
    recovered: [],
    next: { version: previous.version, incidents: {}, stalls: previous.stalls },
  };
  const seen = new Set<string>();
  for (const assessment of subnets) {
    seen.add(assessment.subnetId);
    const open = previous.incidents[assessment.subnetId];
    if (isAlerting(assessment)) {
      const incident = incidentFrom(assessment, context, open);
      decision.next.incidents[assessment.subnetId] = incident;
      (open ? decision.ongoing : decision.opened).push({ assessment, incident });
    } else if (open) {
      decision.recovered.push({ incident: open, reason: 'HEALTHY', assessment });
    }
  }
  for (const [subnetId, incident] of Object.entries(previous.incidents)) {
    if (!seen.has(subnetId)) decision.recovered.push({ incident, reason: 'NO_LONGER_USED' });
  }
  return decision;
}

/** True when the decision changes what is stored (anything opened or closed, or new figures). */
export function stateChanged(previous: CapacityState, next: CapacityState): boolean {
  return (
    JSON.stringify(previous.incidents) !== JSON.stringify(next.incidents) ||
    JSON.stringify(previous.stalls) !== JSON.stringify(next.stalls)
  );
}

function incidentFrom(
  assessment: SubnetAssessment,
  context: IncidentContext,
  open: OpenCapacityIncident | undefined,
): OpenCapacityIncident {
  return {
    subnetId: assessment.subnetId,
    incidentId: open?.incidentId ?? `capacity/${assessment.subnetId}/${context.now}`,
    openedAt: open?.openedAt ?? context.now,
    lastSeenAt: context.now,
    findings: assessment.findings,
    freeAddresses: assessment.freeAddresses,
    surgeHeadroom: assessment.surgeHeadroom,
    servicesAtRisk: assessment.servicesAtRisk.map((s) => `${s.cluster}/${s.service}`),
    cidr: assessment.cidr,
    availabilityZone: assessment.availabilityZone,
    account: context.account ?? open?.account,
    region: context.region ?? open?.region,
  };
}
