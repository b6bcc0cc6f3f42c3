import type { AlertPublisher } from '../adapters/alert-publisher';
import type { CapacityDiscovery, DiscoveredCapacity } from '../adapters/capacity-discovery';
import type { CapacityMetricsPublisher } from '../adapters/capacity-metrics-publisher';
import { concurrent, type DynamoDbCapacityStateStore } from '../adapters/capacity-state-store';
import type { Alert } from '../domain/alerts/alert';
import { buildCapacityAlert, buildCapacityRecoveredAlert } from '../domain/alerts/build-capacity-alert';
import { assessCapacity, type CapacityAssessment } from '../domain/capacity/capacity-assessment';
import { type CapacityDecision, decideCapacityIncidents, stateChanged } from '../domain/capacity/capacity-incidents';
import { capacityMetricPoints } from '../domain/capacity/capacity-metrics';
import type { HistoryLog } from '../domain/history/history-log';
import type { IncidentStore } from '../domain/incidents/incident-store';
import type { MaintenanceWindow } from '../domain/silences/maintenance-window';
import type { CapacityScanConfig } from './capacity-scan-config';
import { queueAndDeliver } from './incidents/engine';
import { throttled } from './incidents/retry';
import { errorMessage } from './shared/budget';
import type { Counter, Log } from './shared/telemetry';

export interface CapacityScanDeps {
  config: Pick<CapacityScanConfig, 'freeIpThreshold' | 'teamTagKey'>;
  discovery: Pick<CapacityDiscovery, 'discover'>;
  metrics: Pick<CapacityMetricsPublisher, 'publish'>;
  state: Pick<DynamoDbCapacityStateStore, 'load' | 'write'>;
  /** The incident store whose outbox the alerts go through, in the commit that saves the state. */
  outbox: IncidentStore;
  /** Where its pages are recorded, and the windows that silence them (the silence gate, README "Silences and maintenance windows"). */
  history?: HistoryLog;
  maintenanceWindows?: readonly MaintenanceWindow[];
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
  /** Alerts this scan queued and published (or left to the outbox sweep): CAPACITY openings and recovery notices. */
  published: Alert[];
  ongoing: string[];
}

/**
 * discover → assess → publish metrics → decide incidents against the stored state → save the state and
 * queue one alert per newly troubled subnet and one notice per recovered one, in one commit → publish.
 *
 * Failures: discovery errors propagate before anything is published (a partial view could close open
 * incidents). A metrics failure does not stop the alerts (the scan then throws, for the retry and
 * dead-letter path). An alert SNS refuses stays in the outbox and the sweep sends it (README "Delivery").
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

  const previous = await throttled('capacity state', () => deps.state.load(), {});
  const decision = decideCapacityIncidents(previous, assessment.subnets, {
    now: now.toISOString(),
    ...where(discovered),
  });
  const published = outgoing(decision, now.toISOString());
  const writes = stateChanged(previous, decision.next) ? [deps.state.write(decision.next, previous)] : [];
  if (writes.length > 0 || published.length > 0) {
    const outbox = {
      store: deps.outbox,
      publisher: deps.publisher,
      log,
      counter,
      now: () => now.getTime(),
      history: deps.history,
      maintenanceWindows: deps.maintenanceWindows,
    };
    await queueAndDeliver(published, outbox, { writes }).catch((error) => {
      throw concurrent(error);
    });
  }

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

/** The alerts a decision sends: one per newly troubled subnet, one recovery notice per recovered one. */
function outgoing(decision: CapacityDecision, now: string): Alert[] {
  return [
    ...decision.opened.map(({ assessment, incident }) => buildCapacityAlert(assessment, incident)),
    ...decision.recovered.map(({ incident, reason, assessment }) =>
      buildCapacityRecoveredAlert(incident, reason, now, assessment),
    ),
  ];
}
