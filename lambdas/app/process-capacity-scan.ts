import type { AlertPublisher } from '../adapters/alert-publisher';
import type { CapacityDiscovery, DiscoveredCapacity } from '../adapters/capacity-discovery';
import type { CapacityMetricsPublisher } from '../adapters/capacity-metrics-publisher';
import type { Alert } from '../domain/alerts/alert';
import { buildCapacityAlert, buildCapacityRecoveredAlert } from '../domain/alerts/build-capacity-alert';
import { assessCapacity, type CapacityAssessment } from '../domain/capacity/capacity-assessment';
import {
  type CapacityDecision,
  type CapacityState,
  type CapacityStateStore,
  decideCapacityIncidents,
  stateChanged,
} from '../domain/capacity/capacity-incidents';
import { capacityMetricPoints } from '../domain/capacity/capacity-metrics';
import type { CapacityScanConfig } from './capacity-scan-config';
import { errorMessage } from './shared/budget';
import type { Counter, Log } from './shared/telemetry';

export interface CapacityScanDeps {
  config: Pick<CapacityScanConfig, 'freeIpThreshold' | 'teamTagKey'>;
  discovery: Pick<CapacityDiscovery, 'discover'>;
  metrics: Pick<CapacityMetricsPublisher, 'publish'>;
  state: CapacityStateStore;
  publisher: Pick<AlertPublisher, 'publish'>;
  log: Log;
  counter: Counter;
  now?: () => Date;
}

export interface CapacityScanOutcome {
  clusters: number;
  services: number;
  assessment: CapacityAssessment;
  metricRequests: number;
  /** Alerts published by this scan: CAPACITY openings and recovery notices. */
  published: Alert[];
  ongoing: string[];
}

/**
 * discover → assess → publish metrics → decide incidents against the stored state → publish one alert
 * per newly troubled subnet and one notice per recovered one → save the state.
 *
 * Failures: discovery errors propagate before anything is published (a partial view could close open
 * incidents). A metrics failure does not stop the alerts; a failed alert is left out of the saved state
 * (so the next scan, or Lambda's retry, publishes it again) while the ones that went out are recorded;
 * the scan then throws so the failure reaches the retry and dead-letter path.
 */
export async function processCapacityScan(deps: CapacityScanDeps): Promise<CapacityScanOutcome> {
  const { log, counter } = deps;
  const now = (deps.now ?? (() => new Date()))();
  const discovered = await deps.discovery.discover();
  const assessment = assessCapacity(discovered.services, discovered.subnets, discovered.instances, {
    freeIpThreshold: deps.config.freeIpThreshold,
    teamTagKey: deps.config.teamTagKey,
  });
  for (const unknown of assessment.unknownSubnets) {
    log.warn('Services name a subnet that DescribeSubnets did not return', unknown);
  }

  const failures: string[] = [];
  let metricRequests = 0;
  try {
    metricRequests = await deps.metrics.publish(capacityMetricPoints(assessment), now);
  } catch (error) {
    failures.push(`metrics: ${errorMessage(error)}`);
    log.error('Publishing the capacity metrics failed', { error: errorMessage(error) });
  }

  const previous = await deps.state.load();
  const decision = decideCapacityIncidents(previous, assessment.subnets, {
    now: now.toISOString(),
    ...where(discovered),
  });
  const { published, unpublished } = await publishDecision(decision, now.toISOString(), deps);
  const next = withoutUnpublished(decision, previous, unpublished);
  if (stateChanged(previous, next)) await deps.state.save(next, previous);

  counter.count('CapacitySubnetsScanned', assessment.subnets.length);
  counter.count('CapacityAlertsPublished', published.length);
  log.info('Capacity scan done', {
    clusters: discovered.clusters.length,
    services: discovered.services.length,
    subnets: assessment.subnets.length,
    instances: assessment.instances.length,
    opened: decision.opened.map((o) => o.assessment.subnetId),
    ongoing: decision.ongoing.map((o) => o.assessment.subnetId),
    recovered: decision.recovered.map((r) => r.incident.subnetId),
    lowestHeadroom: assessment.subnets[0]
      ? { subnetId: assessment.subnets[0].subnetId, surgeHeadroom: assessment.subnets[0].surgeHeadroom }
      : undefined,
  });
  for (const id of unpublished) failures.push(`alert for ${id}`);
  if (failures.length > 0) throw new Error(`capacity scan incomplete: ${failures.join('; ')}`);
  return {
    clusters: discovered.clusters.length,
    services: discovered.services.length,
    assessment,
    metricRequests,
    published,
    ongoing: decision.ongoing.map((o) => o.assessment.subnetId),
  };
}

/** Account and region of the scanned resources, from the first service ARN (arn:aws:ecs:REGION:ACCOUNT:...). */
function where(discovered: DiscoveredCapacity): { account?: string; region?: string } {
  const arn = discovered.services.find((s) => s.serviceArn.startsWith('arn:'))?.serviceArn;
  if (!arn) return {};
  const [, , , region, account] = arn.split(':');
  return { account, region };
}

async function publishDecision(decision: CapacityDecision, now: string, deps: CapacityScanDeps) {
  const outgoing: { subnetId: string; alert: Alert }[] = [
    ...decision.opened.map(({ assessment, incident }) => ({
      subnetId: assessment.subnetId,
      alert: buildCapacityAlert(assessment, incident),
    })),
    ...decision.recovered.map(({ incident, reason, assessment }) => ({
      subnetId: incident.subnetId,
      alert: buildCapacityRecoveredAlert(incident, reason, now, assessment),
    })),
  ];
  const results = await Promise.allSettled(outgoing.map((o) => deps.publisher.publish(o.alert)));
  const published: Alert[] = [];
  const unpublished = new Set<string>();
  results.forEach((result, i) => {
    const { subnetId, alert } = outgoing[i] as (typeof outgoing)[number];
    if (result.status === 'fulfilled') {
      published.push(alert);
      deps.log.info('Capacity alert published', {
        subnetId,
        kind: alert.kind,
        category: alert.category,
        severity: alert.severity,
        messageId: result.value,
      });
    } else {
      unpublished.add(subnetId);
      deps.log.error('Publishing a capacity alert failed', { subnetId, error: errorMessage(result.reason) });
    }
  });
  return { published, unpublished };
}

/** The state to save: an opening that was not published stays unopened, a recovery that was not published stays open. */
function withoutUnpublished(
  decision: CapacityDecision,
  previous: CapacityState,
  unpublished: Set<string>,
): CapacityState {
  if (unpublished.size === 0) return decision.next;
  const incidents = { ...decision.next.incidents };
  for (const { assessment } of decision.opened) {
    if (unpublished.has(assessment.subnetId)) delete incidents[assessment.subnetId];
  }
  for (const { incident } of decision.recovered) {
    if (unpublished.has(incident.subnetId))
      incidents[incident.subnetId] = previous.incidents[incident.subnetId] ?? incident;
  }
  return { version: decision.next.version, incidents };
}
