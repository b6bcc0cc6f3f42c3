import type { ElbReader } from '../adapters/elb-reader';
import type { SecurityGroupReader } from '../adapters/security-group-reader';
import type { ServiceHealthReader } from '../adapters/service-health-reader';
import type { Redactor } from '../domain/alerts/redact';
import type { TaskStateChange } from '../domain/events/task-event';
import { diagnoseContainerHealthCheck } from '../domain/health/container-health-diagnosis';
import { diagnoseElbHealthCheck, probedPort } from '../domain/health/elb-health-diagnosis';
import type { HealthCheckDiagnosis } from '../domain/health/health-check-diagnosis';
import type {
  LoadBalancerFacts,
  SecurityGroupFacts,
  ServiceHealthSettings,
  SubnetCidr,
  TargetGroupFacts,
  TargetHealthFacts,
} from '../domain/health/load-balancing';
import { dependsOnAddresses } from '../domain/health/security-group-reachability';
import { targetGroupOfStopReason } from '../domain/health/target-health';
import type { StopDiagnosis } from '../domain/stops/classify-stop';
import type { TaskDefinitionFacts } from '../domain/stops/task-definition';
import { errorMessage, type Lookup } from './shared/budget';

/** The readers a health-check alert uses; loaded on the first health-check alert (see the task-stopped entry). */
export interface HealthCheckReaders {
  services: Pick<ServiceHealthReader, 'settings'>;
  elb: Pick<ElbReader, 'targetGroup' | 'targetHealth' | 'loadBalancers'>;
  network: Pick<SecurityGroupReader, 'securityGroups' | 'subnetCidrs'>;
}

export type LoadHealthCheckReaders = () => Promise<HealthCheckReaders>;

export interface NetworkEvidence {
  loadBalancers: LoadBalancerFacts[];
  securityGroups: SecurityGroupFacts[];
  loadBalancerSubnets?: SubnetCidr[];
}

/** The health-check lookups' results, by the name `enrichmentErrors` reports when one fails. */
export type HealthCheckLookups = {
  'service health settings': ServiceHealthSettings;
  'target group': TargetGroupFacts | undefined;
  'target health': TargetHealthFacts[] | undefined;
  'security groups': NetworkEvidence | undefined;
};

/** A lookup run once however many others wait on it; their errors name it (`needs the target group: …`). */
function shared<T>(name: string, lookup: Lookup<T>): { own: Lookup<T>; needed: Lookup<T> } {
  let running: Promise<T> | undefined;
  const own: Lookup<T> = (signal) => {
    running ??= lookup(signal);
    return running;
  };
  const needed: Lookup<T> = (signal) =>
    own(signal).catch((error: unknown) => {
      throw new Error(`needs the ${name}: ${errorMessage(error)}`);
    });
  return { own, needed };
}

/**
 * The lookups that explain a failed health check, for the enrichment budget: the service's settings
 * and events for both kinds; for a load balancer check, the target group (named in the stopped reason,
 * else the service's), its targets' health, and the load balancers' and task's security groups. Empty
 * for other stops and for tasks without a service.
 */
export function healthCheckLookups(
  task: TaskStateChange,
  first: StopDiagnosis,
  load: LoadHealthCheckReaders | undefined,
): { [K in keyof HealthCheckLookups]?: Lookup<HealthCheckLookups[K]> } {
  const service = task.service;
  const isElb = first.category === 'HEALTH_CHECK_ELB';
  if (!load || !service || (!isElb && first.category !== 'HEALTH_CHECK_CONTAINER')) return {};
  const settings = shared('service', async (signal) =>
    (await load()).services.settings(task.clusterArn, service, signal),
  );
  if (!isElb) return { 'service health settings': settings.own };

  const namedInReason = targetGroupOfStopReason(task.stoppedReason);
  const targetGroupArn = async (signal: AbortSignal) =>
    namedInReason ?? (await settings.needed(signal)).loadBalancers.find((lb) => lb.targetGroupArn)?.targetGroupArn;
  const targetGroup = shared('target group', async (signal) => {
    const arn = await targetGroupArn(signal);
    return arn ? (await load()).elb.targetGroup(arn, signal) : undefined;
  });
  return {
    'service health settings': settings.own,
    'target group': targetGroup.own,
    'target health': async (signal) => {
      const arn = await targetGroupArn(signal);
      return arn ? (await load()).elb.targetHealth(arn, signal) : undefined;
    },
    'security groups': async (signal) => {
      const [tg, svc, readers] = await Promise.all([targetGroup.needed(signal), settings.needed(signal), load()]);
      if (tg?.targetType !== 'ip' || svc.securityGroups.length === 0) return undefined;
      const loadBalancers = await readers.elb.loadBalancers(tg.loadBalancerArns, signal);
      const balancerGroups = loadBalancers.flatMap((lb) => lb.securityGroups);
      const securityGroups = await readers.network.securityGroups([...svc.securityGroups, ...balancerGroups], signal);
      const taskGroups = securityGroups.filter((g) => svc.securityGroups.includes(g.groupId));
      const port = probedPort(tg, svc);
      // The load balancer's subnets matter only when a CIDR rule on the port could admit it.
      const loadBalancerSubnets =
        port !== undefined && dependsOnAddresses(taskGroups, 'ingress', port)
          ? await readers.network.subnetCidrs(
              loadBalancers.flatMap((lb) => lb.subnetIds),
              signal,
            )
          : undefined;
      return { loadBalancers, securityGroups, loadBalancerSubnets };
    },
  };
}

/** The verdict, facts and ordered steps of a health-check stop from what the lookups found. */
export function diagnoseHealthCheck(
  task: TaskStateChange,
  diagnosis: StopDiagnosis,
  results: Partial<HealthCheckLookups>,
  taskDefinition: TaskDefinitionFacts | undefined,
  redactor: Redactor,
): HealthCheckDiagnosis | undefined {
  const service = results['service health settings'];
  if (diagnosis.category === 'HEALTH_CHECK_ELB') {
    const network = results['security groups'];
    return diagnoseElbHealthCheck({
      task,
      taskDefinition,
      service,
      targetGroup: results['target group'],
      targets: results['target health'],
      loadBalancers: network?.loadBalancers,
      securityGroups: network?.securityGroups,
      loadBalancerSubnets: network?.loadBalancerSubnets,
    });
  }
  if (diagnosis.category === 'HEALTH_CHECK_CONTAINER') {
    return diagnoseContainerHealthCheck({
      task,
      containerName: diagnosis.culprit?.name,
      taskDefinition,
      gracePeriodSeconds: service ? (service.healthCheckGracePeriodSeconds ?? 0) : undefined,
      redact: redactor,
    });
  }
  return undefined;
}
