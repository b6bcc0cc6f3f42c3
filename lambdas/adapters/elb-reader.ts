import {
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  type LoadBalancer,
  type TargetGroup,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LoadBalancerFacts, TargetGroupFacts, TargetHealthFacts } from '../domain/health/load-balancing';
import { TtlCache } from './ttl-cache';

/** Target group and load balancer settings change rarely: kept a few minutes per function instance. */
export const LOAD_BALANCING_CACHE_MS = 2 * 60_000;

/**
 * Reads what explains a failed load balancer health check from ELBv2: target group settings and load
 * balancers (cached), and target health (always live).
 */
export class ElbReader {
  private readonly targetGroupCache: TtlCache<TargetGroupFacts>;
  private readonly loadBalancerCache: TtlCache<LoadBalancerFacts>;

  constructor(
    private readonly elb: ElasticLoadBalancingV2Client,
    now: () => number = Date.now,
  ) {
    this.targetGroupCache = new TtlCache(LOAD_BALANCING_CACHE_MS, now);
    this.loadBalancerCache = new TtlCache(LOAD_BALANCING_CACHE_MS, now);
  }

  targetGroup(arn: string, signal?: AbortSignal): Promise<TargetGroupFacts> {
    return this.targetGroupCache.get(arn, async () => {
      const out = await this.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }), {
        abortSignal: signal,
      });
      const found = out.TargetGroups?.[0];
      if (!found) throw new Error(`DescribeTargetGroups returned no target group for ${arn}`);
      return toTargetGroupFacts(found);
    });
  }

  async targetHealth(targetGroupArn: string, signal?: AbortSignal): Promise<TargetHealthFacts[]> {
    const out = await this.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }), {
      abortSignal: signal,
    });
    return (out.TargetHealthDescriptions ?? []).map(toTargetHealthFacts);
  }

  loadBalancers(arns: string[], signal?: AbortSignal): Promise<LoadBalancerFacts[]> {
    return Promise.all(
      arns.map((arn) =>
        this.loadBalancerCache.get(arn, async () => {
          const out = await this.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] }), {
            abortSignal: signal,
          });
          const found = out.LoadBalancers?.[0];
          if (!found) throw new Error(`DescribeLoadBalancers returned no load balancer for ${arn}`);
          return toLoadBalancerFacts(found);
        }),
      ),
    );
  }
}

export function toTargetGroupFacts(tg: TargetGroup): TargetGroupFacts {
  return {
    arn: tg.TargetGroupArn ?? '',
    name: tg.TargetGroupName,
    protocol: tg.Protocol,
    port: tg.Port,
    targetType: tg.TargetType,
    healthCheck: {
      enabled: tg.HealthCheckEnabled,
      protocol: tg.HealthCheckProtocol,
      port: tg.HealthCheckPort,
      path: tg.HealthCheckPath,
      matcher: tg.Matcher?.HttpCode ?? tg.Matcher?.GrpcCode,
      intervalSeconds: tg.HealthCheckIntervalSeconds,
      timeoutSeconds: tg.HealthCheckTimeoutSeconds,
      healthyThreshold: tg.HealthyThresholdCount,
      unhealthyThreshold: tg.UnhealthyThresholdCount,
    },
    loadBalancerArns: tg.LoadBalancerArns ?? [],
  };
}

function toTargetHealthFacts(d: TargetHealthDescription): TargetHealthFacts {
  return {
    id: d.Target?.Id ?? '',
    port: d.Target?.Port,
    state: d.TargetHealth?.State,
    reason: d.TargetHealth?.Reason,
    description: d.TargetHealth?.Description,
  };
}

function toLoadBalancerFacts(lb: LoadBalancer): LoadBalancerFacts {
  return {
    arn: lb.LoadBalancerArn ?? '',
    name: lb.LoadBalancerName,
    type: lb.Type,
    securityGroups: lb.SecurityGroups ?? [],
    subnetIds: (lb.AvailabilityZones ?? []).map((z) => z.SubnetId ?? '').filter(Boolean),
  };
}
