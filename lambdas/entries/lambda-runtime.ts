import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Counter, Log } from '../app/shared/telemetry';

/** Powertools logger and metrics, shared by every handler (one instance per function instance). */
export const logger = new Logger();
export const metrics = new Metrics();

export const log: Log = {
  info: (message, extra) => logger.info(message, extra ?? {}),
  warn: (message, extra) => logger.warn(message, extra ?? {}),
  error: (message, extra) => logger.error(message, extra ?? {}),
};
export const counter: Counter = {
  count: (metric, value = 1) => metrics.addMetric(metric, MetricUnit.Count, value),
  // One EMF object per call: its dimensions (plus the default `service`) apply to this value alone.
  countBy: (metric, dimensions, value = 1) => {
    const single = metrics.singleMetric();
    for (const [name, dimension] of Object.entries(dimensions)) single.addDimension(name, dimension);
    single.addMetric(metric, MetricUnit.Count, value);
  },
};
/** A value in seconds (e.g. the age of the oldest undelivered alert), for an alarm to watch. */
export const gauge = (metric: string, seconds: number) => metrics.addMetric(metric, MetricUnit.Seconds, seconds);

/** Wraps a processing function as a Lambda handler: structured logs with context, metrics flushed per invocation. */
export function lambdaHandler<E, R>(process: (event: E) => Promise<R>) {
  return middy(process).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}
