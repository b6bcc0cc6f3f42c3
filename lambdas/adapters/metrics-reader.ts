import { type CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';

export interface MemoryScope {
  cluster: string;
  /** Service tasks are measured per service; standalone tasks per task definition family. */
  service?: string;
  family: string;
}

/**
 * Peak task memory from Container Insights (`ECS/ContainerInsights` `MemoryUtilized`, MiB): each
 * task reports a datapoint under the service and family dimensions, so `Maximum` is the peak of
 * the hungriest task.
 */
export class MetricsReader {
  constructor(
    private readonly cloudWatch: CloudWatchClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async peakMemoryMiB(scope: MemoryScope, windowMinutes: number, signal?: AbortSignal): Promise<number | undefined> {
    const end = this.now();
    const dimensions = [
      { Name: 'ClusterName', Value: scope.cluster },
      scope.service
        ? { Name: 'ServiceName', Value: scope.service }
        : { Name: 'TaskDefinitionFamily', Value: scope.family },
    ];
    const out = await this.cloudWatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(end.getTime() - windowMinutes * 60_000),
        EndTime: end,
        MetricDataQueries: [
          {
            Id: 'peak',
            MetricStat: {
              Metric: { Namespace: 'ECS/ContainerInsights', MetricName: 'MemoryUtilized', Dimensions: dimensions },
              Period: 60,
              Stat: 'Maximum',
            },
          },
        ],
      }),
      { abortSignal: signal },
    );
    const values = out.MetricDataResults?.[0]?.Values ?? [];
    return values.length > 0 ? Math.max(...values) : undefined;
  }
}
