import type { CapacityAssessment } from './capacity-assessment';

/**
 * The capacity figures as CloudWatch metrics (pure): per subnet `FreeIpAddresses` and
 * `SurgeHeadroom` (dimension `SubnetId`), per container instance `FreeNetworkInterfaces`
 * (dimensions `ClusterName`, `ContainerInstanceId`; only where the limit is known). Users graph
 * and alarm on these, e.g. SurgeHeadroom < 0 for 1 datapoint.
 */
/** The namespace of the capacity figures (the IAM policy allows PutMetricData to this one only). */
export const CAPACITY_METRICS_NAMESPACE = 'EcsWatchdog/Capacity';

export const CAPACITY_METRICS = {
  freeIps: 'FreeIpAddresses',
  surgeHeadroom: 'SurgeHeadroom',
  freeEnis: 'FreeNetworkInterfaces',
} as const;

export interface MetricPoint {
  name: string;
  dimensions: Record<string, string>;
  value: number;
  unit: 'Count';
}

export function capacityMetricPoints(assessment: CapacityAssessment): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const subnet of assessment.subnets) {
    const dimensions = { SubnetId: subnet.subnetId };
    points.push({ name: CAPACITY_METRICS.freeIps, dimensions, value: subnet.freeAddresses, unit: 'Count' });
    points.push({ name: CAPACITY_METRICS.surgeHeadroom, dimensions, value: subnet.surgeHeadroom, unit: 'Count' });
  }
  for (const instance of assessment.instances) {
    if (instance.freeNetworkInterfaces === undefined) continue;
    points.push({
      name: CAPACITY_METRICS.freeEnis,
      dimensions: { ClusterName: instance.cluster, ContainerInstanceId: instance.containerInstanceId },
      value: instance.freeNetworkInterfaces,
      unit: 'Count',
    });
  }
  return points;
}
