import { type CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { inBatches } from '../domain/capacity/batches';
import { CAPACITY_METRICS_NAMESPACE, type MetricPoint } from '../domain/capacity/capacity-metrics';

export { CAPACITY_METRICS_NAMESPACE };

/**
 * PutMetricData takes up to 1000 metrics per request (and 1 MB; a capacity datum is ~150 bytes, so
 * 1000 of them are ~150 KB). API reference: "Each request is also limited to no more than 1000
 * different metrics."
 */
export const PUT_METRIC_DATA_MAX_METRICS = 1000;

/**
 * Publishes the capacity figures with PutMetricData, as few requests as the API allows.
 *
 * Why PutMetricData and not embedded metric format (EMF) log lines through Powertools Metrics: every
 * subnet and instance is its own dimension value, and one EMF object carries one set of dimension
 * values, so EMF would mean one log line per subnet (Powertools `singleMetric()`), metrics extracted
 * asynchronously from the log group (no confirmation, nothing to test against the local emulator),
 * and the figures tied to the function's log group and its retention. PutMetricData is one
 * synchronous request per 1000 figures (one per scan below ~500 subnets), fails loudly when it fails,
 * can be limited by IAM to one namespace (`cloudwatch:namespace`), and costs $0.01 per 1000 requests:
 * at 96 scans a day, cents a month. The custom metrics themselves cost the same either way.
 */
export class CapacityMetricsPublisher {
  constructor(
    private readonly cloudWatch: CloudWatchClient,
    private readonly namespace: string = CAPACITY_METRICS_NAMESPACE,
  ) {}

  /** Returns the number of requests made. */
  async publish(points: readonly MetricPoint[], timestamp: Date): Promise<number> {
    const batches = inBatches(points, PUT_METRIC_DATA_MAX_METRICS);
    await Promise.all(
      batches.map((batch) =>
        this.cloudWatch.send(
          new PutMetricDataCommand({
            Namespace: this.namespace,
            MetricData: batch.map((p) => ({
              MetricName: p.name,
              Dimensions: Object.entries(p.dimensions).map(([Name, Value]) => ({ Name, Value })),
              Value: p.value,
              Unit: p.unit,
              Timestamp: timestamp,
            })),
          }),
        ),
      ),
    );
    return batches.length;
  }
}
