import type { AlertPublisher } from '../adapters/alert-publisher';
import type { CapacityDiscovery, DiscoveredCapacity } from '../adapters/capacity-discovery';
import type { CapacityMetricsPublisher } from '../adapters/capacity-metrics-publisher';
import { concurrent, type DynamoDbCapacityStateStore } from '../adapters/capacity-state-store';
import type { Alert } from '../domain/alerts/alert';
import { buildCapacityAlert, buildCapacityRecoveredAlert } from '../domain/alerts/build-capacity-alert';
import { buildStallAlert, buildStallRecoveredAlert } from '../domain/alerts/build-stall-alert';
import { assessCapacity, type CapacityAssessment } from '../domain/capacity/capacity-assessment';
import { type CapacityDecision, decideCapacityIncidents, stateChanged } from '../domain/capacity/capacity-incidents';
import { capacityMetricPoints } from '../domain/capacity/capacity-metrics';
import type { ServiceFacts } from '../domain/capacity/facts';
import { observeStalls } from '../domain/capacity/service-stalls';
import { decideStallIncidents, type StallDecision } from '../domain/capacity/stall-incidents';
import type { HistoryLog } from '../domain/history/history-log';
import type { IncidentStore } from '../domain/incidents/incident-store';
import { SETTINGS } from '../domain/settings/settings';
import type { MaintenanceWindow } from '../domain/silences/maintenance-window';
import type { CapacityScanConfig } from './capacity-scan-config';
import { queueAndDeliver } from './incidents/engine';
import { throttled } from './incidents/retry';
import { errorMessage } from './shared/budget';
import type { Counter, Log } from './shared/telemetry';

export interface CapacityScanDeps {
  config: Pick<CapacityScanConfig, 'freeIpThreshold' | 'teamTagKey'> &
    Partial<Pick<CapacityScanConfig, 'belowDesiredMs' | 'slowDeploymentMs' | 'severityOverrides'>>;
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
  /** Alerts this scan queued and published (or left to the outbox sweep): openings, escalations and recovery notices. */
  published: Alert[];
  /** Subnets still in trouble. */
  ongoing: string[];
  /** Failures that send no event, by key: seen but not yet long enough, and open and still holding. */
  stalls: { pending: string[]; ongoing: string[] };
  /** Whether the scan saved its state item (something opened, closed, changed or started pending). */
  stateSaved: boolean;
  /** Service deployments whose lifecycle hooks were read (DescribeServiceDeployments). */
  serviceDeploymentsRead: number;
}

/**
 * discover → assess → publish metrics → decide incidents against the stored state (subnets, and the
 * failures that send no event: services below desired, slow deployments, lifecycle hooks) → save the
 * state and queue one alert per opened or worsened incident and one notice per recovered one, in one
 * commit → publish.
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
  const stalls = decideStallIncidents(
    previous.stalls,
    observeStalls(discovered.services, discovered.serviceDeployments ?? [], deps.config.teamTagKey),
    {
      now: now.toISOString(),
      thresholds: {
        belowDesiredMs: deps.config.belowDesiredMs ?? SETTINGS.belowDesiredFor.default,
        slowDeploymentMs: deps.config.slowDeploymentMs ?? SETTINGS.slowDeploymentAfter.default,
      },
      serviceArns: new Set(discovered.services.map((s) => s.serviceArn)),
      severityOverrides: deps.config.severityOverrides,
      ...where(discovered),
    },
  );
  const next = { ...decision.next, stalls: stalls.next };
  const stallAlerts = stallOutgoing(stalls, discovered.services, now.toISOString());
  const published = [...outgoing(decision, now.toISOString()), ...stallAlerts];
  const writes = stateChanged(previous, next) ? [deps.state.write(next, previous)] : [];
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
  counter.count('CapacityAlertsPublished', published.length - stallAlerts.length);
  counter.count('ServiceHealthAlertsPublished', stallAlerts.length);
  // Gauges for the dashboard (infra/dashboard.ts): the incidents the scan holds open after this run.
  counter.count('OpenCapacityIncidents', Object.keys(next.incidents).length);
  counter.count('OpenServiceHealthIncidents', Object.values(next.stalls).filter((r) => r.openedAt).length);
  if (stalls.untracked.length > 0) {
    counter.count('ServiceHealthConditionsUntracked', stalls.untracked.length);
    log.warn('More services are short of tasks or deploying than the scan remembers; the rest wait for the next scan', {
      untracked: stalls.untracked.length,
      first: stalls.untracked.slice(0, 10),
    });
  }
  log.info('Capacity scan done', {
    clusters: discovered.clusters.length,
    services: discovered.services.length,
    subnets: assessment.subnets.length,
    instances: assessment.instances.length,
    opened: decision.opened.map((o) => o.assessment.subnetId),
    ongoing: decision.ongoing.map((o) => o.assessment.subnetId),
    recovered: decision.recovered.map((r) => r.incident.subnetId),
    stalls: {
      opened: stalls.opened.map((o) => o.record.key),
      escalated: stalls.escalated.map((o) => o.record.key),
      pending: stalls.pending.map((o) => o.record.key),
      recovered: stalls.recovered.map((r) => r.record.key),
    },
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
    stalls: { pending: stalls.pending.map((p) => p.record.key), ongoing: stalls.ongoing.map((o) => o.record.key) },
    stateSaved: writes.length > 0,
    serviceDeploymentsRead: discovered.serviceDeployments?.length ?? 0,
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

/**
 * One scan per account and region (the function's own, then each member's; README "Many accounts and
 * regions"), each with its own discovery and state item: a failed one does not stop the others, and the
 * run fails once all ran, naming each that failed (for the retry and dead-letter path).
 */
export async function processCapacityScans<T>(
  targets: readonly T[],
  depsFor: (target: T) => CapacityScanDeps,
  nameOf: (target: T) => string,
): Promise<CapacityScanOutcome[]> {
  const outcomes: CapacityScanOutcome[] = [];
  const failures: string[] = [];
  for (const target of targets) {
    const deps = depsFor(target);
    try {
      outcomes.push(await processCapacityScan(deps));
    } catch (error) {
      failures.push(`${nameOf(target)}: ${errorMessage(error)}`);
      deps.log.error('Capacity scan of an account and region failed', {
        target: nameOf(target),
        error: errorMessage(error),
      });
    }
  }
  if (failures.length > 0) throw new Error(`capacity scan failed in ${failures.join('; ')}`);
  return outcomes;
}

/** The alerts of the failures that send no event: openings, escalations, recovery notices (with the service's figures now). */
function stallOutgoing(decision: StallDecision, services: readonly ServiceFacts[], now: string): Alert[] {
  const byArn = new Map(services.map((s) => [s.serviceArn, s]));
  return [
    ...decision.opened.map(({ observation, record }) => buildStallAlert(observation, record, now)),
    ...decision.escalated.map(({ observation, record, from }) => buildStallAlert(observation, record, now, from)),
    ...decision.recovered.map(({ record, reason }) => {
      const service = byArn.get(record.serviceArn);
      const deployment = service?.deployments.find((d) => d.id === record.deploymentId);
      return buildStallRecoveredAlert(
        record,
        reason,
        now,
        service && {
          desiredCount: service.desiredCount,
          runningCount: service.runningCount,
          rolloutState: deployment?.rolloutState,
        },
      );
    }),
  ];
}
