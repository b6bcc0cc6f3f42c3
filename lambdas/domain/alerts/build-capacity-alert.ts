import type { SubnetAssessment, SubnetServiceLoad } from '../capacity/capacity-assessment';
import type { OpenCapacityIncident, RecoveryReason } from '../capacity/capacity-incidents';
import { prefixFor, prefixLength, RECOMMENDED_ECS_PREFIX } from '../capacity/subnet-capacity';
import type { Severity } from '../stops/taxonomy';
import type { Alert, Fact } from './alert';
import { toSubject } from './alert';
import { serviceLinks, subnetLink } from './links';

export const CAPACITY_CATEGORIES = {
  surge: 'SUBNET_SURGE_EXHAUSTION',
  lowFree: 'SUBNET_LOW_FREE_ADDRESSES',
  recovered: 'SUBNET_CAPACITY_RESTORED',
} as const;

const MAX_SERVICES_LISTED = 15;

/** The CAPACITY alert for a subnet that crossed into trouble (one per incident). */
export function buildCapacityAlert(assessment: SubnetAssessment, incident: OpenCapacityIncident): Alert {
  const surge = assessment.findings.includes('SURGE_EXCEEDS_FREE_ADDRESSES');
  const atRisk = assessment.servicesAtRisk;
  const severity = capacitySeverity(assessment);
  const category = surge ? CAPACITY_CATEGORIES.surge : CAPACITY_CATEGORIES.lowFree;
  const where = `${assessment.subnetId} (${assessment.cidr}, ${assessment.availabilityZone})`;
  const who = atRisk.length === 0 ? 'its services' : names(atRisk);
  const short = surge
    ? `deployments need ${assessment.surgeDemand} addresses, ${assessment.freeAddresses} free`
    : `${assessment.freeAddresses} of ${assessment.usableAddresses} addresses free`;
  const summary = surge
    ? `Subnet ${where} has ${assessment.freeAddresses} free addresses, but if ${who} deployed now at maximumPercent ` +
      `they would need ${assessment.surgeDemand} more: ${-assessment.surgeHeadroom} tasks could not be placed. ` +
      'Each awsvpc task takes one address; a deployment runs old and new tasks side by side until it completes.'
    : `Subnet ${where} has only ${assessment.freeAddresses} of ${assessment.usableAddresses} usable addresses free ` +
      `(threshold ${assessment.freeIpThreshold}). New tasks of ${who} will fail to start once it runs out.`;
  return {
    kind: 'CAPACITY',
    category,
    severity,
    actionable: true,
    title: toSubject(`${severity} CAPACITY: subnet ${assessment.subnetId} - ${short}`),
    summary,
    account: incident.account ?? '',
    region: incident.region ?? '',
    ...capacityScope(assessment),
    evidence: { facts: subnetFacts(assessment) },
    nextSteps: capacityNextSteps(assessment),
    links: capacityLinks(assessment, incident.region ?? ''),
    dedupeKey: `capacity:${incident.incidentId}`,
    incidentId: incident.incidentId,
    occurredAt: incident.openedAt,
    enrichmentErrors: [],
  };
}

/** The notice that closes a capacity incident. */
export function buildCapacityRecoveredAlert(
  incident: OpenCapacityIncident,
  reason: RecoveryReason,
  now: string,
  assessment?: SubnetAssessment,
): Alert {
  const why =
    reason === 'NO_LONGER_USED'
      ? 'no awsvpc service uses it any more'
      : `it has ${assessment?.freeAddresses ?? '?'} free addresses and a surge headroom of ${assessment?.surgeHeadroom ?? '?'}`;
  const facts: Fact[] = [
    { label: 'Incident opened', value: incident.openedAt },
    { label: 'Last seen in trouble', value: incident.lastSeenAt },
    ...(assessment ? subnetFacts(assessment) : [{ label: 'CIDR', value: incident.cidr }]),
  ];
  return {
    kind: 'RECOVERED',
    category: CAPACITY_CATEGORIES.recovered,
    // The severity and team of the page it closes (docs/routing.md); an incident stored before they were recorded, INFO.
    severity: incident.paged?.severity ?? 'INFO',
    resolves: { severities: [incident.paged?.severity ?? 'INFO'] },
    cluster: incident.paged?.cluster,
    service: incident.paged?.service,
    team: incident.paged?.team,
    actionable: false,
    title: toSubject(`RECOVERED CAPACITY: subnet ${incident.subnetId} - ${why}`),
    summary: `Subnet ${incident.subnetId} (${incident.cidr}, ${incident.availabilityZone}) is healthy again: ${why}. No action is needed.`,
    account: incident.account ?? '',
    region: incident.region ?? '',
    evidence: { facts },
    nextSteps: [],
    links: incident.region ? [subnetLink(incident.region, incident.subnetId)] : [],
    dedupeKey: `capacity-recovered:${incident.incidentId}`,
    incidentId: incident.incidentId,
    occurredAt: now,
    enrichmentErrors: [],
  };
}

/** The service a subnet's alert is about, when only one is at risk (its team's filter gets it). */
export function capacityScope(assessment: SubnetAssessment): Pick<Alert, 'cluster' | 'service' | 'team'> {
  const only = assessment.servicesAtRisk.length === 1 ? assessment.servicesAtRisk[0] : undefined;
  return { cluster: only?.cluster, service: only?.service, team: only?.team };
}

export function capacitySeverity(assessment: SubnetAssessment): Severity {
  if (assessment.freeAddresses === 0) return 'CRITICAL';
  if (assessment.findings.includes('SURGE_EXCEEDS_FREE_ADDRESSES')) return 'HIGH';
  return 'MEDIUM';
}

export function capacityNextSteps(assessment: SubnetAssessment): string[] {
  const prefix = prefixLength(assessment.cidr);
  const needed = assessment.usedAddresses + assessment.surgeDemand + assessment.freeIpThreshold;
  const target = Math.min(prefixFor(needed), RECOMMENDED_ECS_PREFIX);
  const steps = [
    `Give the services larger subnets: this one is a /${prefix} (${assessment.usableAddresses} usable addresses); ` +
      `use a /${target} or bigger for ECS (a /20 has 4091). Add the new subnets to each service's ` +
      'awsvpcConfiguration and remove the small one.',
    'Or add more subnets (one per Availability Zone at least) to the services listed, so their tasks and deployments spread over more addresses.',
  ];
  if (assessment.findings.includes('SURGE_EXCEEDS_FREE_ADDRESSES')) {
    steps.push(
      'Until then, deploy the services one at a time, or lower maximumPercent (e.g. to 150) so a deployment starts fewer extra tasks.',
    );
  }
  steps.push(
    'Look for leftover network interfaces in the subnet (status "available") that hold addresses, and delete them.',
  );
  return steps;
}

function subnetFacts(a: SubnetAssessment): Fact[] {
  const facts: Fact[] = [
    { label: 'Subnet', value: a.name ? `${a.subnetId} (${a.name})` : a.subnetId },
    { label: 'CIDR', value: `${a.cidr}: ${a.usableAddresses} usable addresses (AWS reserves 5)` },
    { label: 'Availability Zone', value: a.availabilityZone },
    { label: 'Free addresses', value: String(a.freeAddresses) },
    { label: 'Addresses in use', value: String(a.usedAddresses) },
    { label: 'Tasks here (estimated)', value: String(a.estimatedTasks) },
    { label: 'Surge demand', value: `${a.surgeDemand} addresses if every service here deployed at once` },
    { label: 'Surge headroom', value: String(a.surgeHeadroom) },
    { label: 'Free address threshold', value: String(a.freeIpThreshold) },
  ];
  if (a.vpcId) facts.splice(3, 0, { label: 'VPC', value: a.vpcId });
  const listed = a.services.slice(0, MAX_SERVICES_LISTED);
  for (const s of listed) {
    const risk = a.servicesAtRisk.includes(s) ? ' [at risk]' : '';
    facts.push({
      label: `Service ${s.cluster}/${s.service}${risk}`,
      value:
        `desired ${s.desiredCount}, maximumPercent ${s.maximumPercent}, ~${s.estimatedTasks} tasks here, ` +
        `surge +${s.surgeAddresses} addresses here (${Math.round(s.share * 100)}% of its tasks)`,
    });
  }
  if (a.services.length > listed.length) {
    facts.push({ label: 'More services', value: `${a.services.length - listed.length} not listed` });
  }
  return facts;
}

function capacityLinks(a: SubnetAssessment, region: string) {
  if (!region) return [];
  const links = [subnetLink(region, a.subnetId)];
  for (const s of a.servicesAtRisk.slice(0, 5)) links.push(...serviceLinks(region, s.cluster, s.service));
  return links;
}

function names(services: SubnetServiceLoad[]): string {
  const shown = services.slice(0, 5).map((s) => `${s.service} (${s.cluster})`);
  const more = services.length > shown.length ? ` and ${services.length - shown.length} more` : '';
  return shown.join(', ') + more;
}
