/**
 * What the watchdog reads about a service's load balancing to explain a failed health check: plain
 * data mapped from ECS DescribeServices, ELBv2 DescribeTargetGroups / DescribeTargetHealth /
 * DescribeLoadBalancers and EC2 DescribeSecurityGroups / DescribeSubnets by the adapters.
 */
import type { ServiceEventFact } from '../rollouts/classify-rollout';

/** One entry of a service's `loadBalancers`. */
export interface ServiceLoadBalancer {
  targetGroupArn?: string;
  /** Classic Load Balancer name (no target group). */
  loadBalancerName?: string;
  containerName?: string;
  containerPort?: number;
}

/** The service settings a health check depends on. */
export interface ServiceHealthSettings {
  serviceName: string;
  /** Absent: ECS uses 0. */
  healthCheckGracePeriodSeconds?: number;
  loadBalancers: ServiceLoadBalancer[];
  /** awsvpc security groups of the service's tasks (empty for bridge/host network mode). */
  securityGroups: string[];
  /** Newest first, as ECS returns them. */
  events: ServiceEventFact[];
}

export interface TargetGroupHealthCheck {
  enabled?: boolean;
  protocol?: string;
  /** `traffic-port` or a port number. */
  port?: string;
  path?: string;
  /** The success codes: `Matcher.HttpCode` (e.g. `200`, `200-299`, `200,302`) or `Matcher.GrpcCode`. */
  matcher?: string;
  intervalSeconds?: number;
  timeoutSeconds?: number;
  healthyThreshold?: number;
  unhealthyThreshold?: number;
}

export interface TargetGroupFacts {
  arn: string;
  name?: string;
  protocol?: string;
  port?: number;
  /** `ip` (awsvpc tasks), `instance` (bridge/host), `lambda`, `alb`. */
  targetType?: string;
  healthCheck: TargetGroupHealthCheck;
  loadBalancerArns: string[];
}

/** One target as DescribeTargetHealth reports it. */
export interface TargetHealthFacts {
  id: string;
  port?: number;
  /** `initial`, `healthy`, `unhealthy`, `unhealthy.draining`, `unused`, `draining`, `unavailable`. */
  state?: string;
  /** e.g. `Target.ResponseCodeMismatch`. */
  reason?: string;
  /** e.g. `Health checks failed with these codes: [404]`. */
  description?: string;
}

export interface LoadBalancerFacts {
  arn: string;
  name?: string;
  /** `application`, `network`, `gateway`. */
  type?: string;
  /** Empty for a Network Load Balancer created without security groups. */
  securityGroups: string[];
  subnetIds: string[];
}

/** One ingress or egress permission of a security group. */
export interface PermissionRule {
  /** `tcp`, `udp`, `icmp`, `-1` (all), or a protocol number (`6` is TCP). */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  groupIds: string[];
  /** IPv4 CIDR blocks. */
  cidrs: string[];
  prefixListIds: string[];
}

export interface SecurityGroupFacts {
  groupId: string;
  name?: string;
  ingress: PermissionRule[];
  egress: PermissionRule[];
}

export interface SubnetCidr {
  subnetId: string;
  cidr?: string;
}
