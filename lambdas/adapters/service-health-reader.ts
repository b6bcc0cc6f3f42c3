import { DescribeServicesCommand, type ECSClient, type Service } from '@aws-sdk/client-ecs';
import type { ServiceHealthSettings } from '../domain/health/load-balancing';
import { iso } from './task-state';

/**
 * Reads a service's health-check settings, load balancers, security groups and recent events. Not
 * cached: the event that names the failed task was written seconds before the stop.
 */
export class ServiceHealthReader {
  constructor(private readonly ecs: ECSClient) {}

  async settings(clusterArn: string, service: string, signal?: AbortSignal): Promise<ServiceHealthSettings> {
    const out = await this.ecs.send(new DescribeServicesCommand({ cluster: clusterArn, services: [service] }), {
      abortSignal: signal,
    });
    const found = out.services?.[0];
    if (!found) {
      throw new Error(`DescribeServices: ${service}: ${out.failures?.[0]?.reason ?? 'not found'}`);
    }
    return toServiceHealthSettings(found);
  }
}

export function toServiceHealthSettings(s: Service): ServiceHealthSettings {
  return {
    serviceName: s.serviceName ?? '',
    healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
    loadBalancers: (s.loadBalancers ?? []).map((lb) => ({
      targetGroupArn: lb.targetGroupArn,
      loadBalancerName: lb.loadBalancerName,
      containerName: lb.containerName,
      containerPort: lb.containerPort,
    })),
    securityGroups: s.networkConfiguration?.awsvpcConfiguration?.securityGroups ?? [],
    events: (s.events ?? []).map((e) => ({ createdAt: iso(e.createdAt), message: e.message ?? '' })),
  };
}
