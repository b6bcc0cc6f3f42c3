import { ConfigError, readInt } from './shared/config';

export interface CapacityScanConfig {
  alertTopicArn: string;
  teamTagKey: string;
  /** A subnet with fewer free addresses than this is alerted on even if surges fit. */
  freeIpThreshold: number;
  stateTableName: string;
  metricsNamespace: string;
  /** ECS/EC2 requests in flight at once. */
  concurrency: number;
  /** Clusters to scan (ARNs); undefined = every cluster in the account and region. */
  clusterArns?: string[];
}

export const DEFAULT_FREE_IP_THRESHOLD = 25;

/** Reads the capacity-scan function's environment; a bad value fails the cold start naming the variable. */
export function readCapacityScanConfig(env: NodeJS.ProcessEnv = process.env): CapacityScanConfig {
  const alertTopicArn = env.ALERT_TOPIC_ARN;
  if (!alertTopicArn?.startsWith('arn:'))
    throw new ConfigError(`ALERT_TOPIC_ARN must be an SNS topic ARN, got "${alertTopicArn ?? ''}"`);
  const stateTableName = env.STATE_TABLE_NAME;
  if (!stateTableName) throw new ConfigError("STATE_TABLE_NAME must name the watchdog's DynamoDB state table");
  const clusters = (env.CLUSTER_ARNS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const arn of clusters) {
    if (!/^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/.+$/.test(arn))
      throw new ConfigError(`CLUSTER_ARNS: "${arn}" is not an ECS cluster ARN`);
  }
  return {
    alertTopicArn,
    teamTagKey: env.TEAM_TAG_KEY || 'team',
    freeIpThreshold: readInt(env, 'FREE_IP_THRESHOLD', DEFAULT_FREE_IP_THRESHOLD, 0, 65_536),
    stateTableName,
    metricsNamespace: env.CAPACITY_METRICS_NAMESPACE || 'EcsWatchdog/Capacity',
    concurrency: readInt(env, 'SCAN_CONCURRENCY', 8, 1, 64),
    clusterArns: clusters.length > 0 ? clusters : undefined,
  };
}
