/** Where a service lives, read from its ARN. */
export interface ServiceRef {
  serviceArn: string;
  service: string;
  /** Known only for the long ARN format (`service/CLUSTER/NAME`). */
  cluster?: string;
  clusterArn?: string;
}

/**
 * `arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME` (long format) or `.../service/NAME` (short format,
 * which does not name the cluster). Returns undefined for anything that is not a service ARN.
 */
export function parseServiceArn(arn: string): ServiceRef | undefined {
  const match = /^(arn:[^:]+:ecs:[^:]*:[^:]*:)service\/(?:([^/]+)\/)?([^/]+)$/.exec(arn);
  if (!match) return undefined;
  const [, prefix, cluster, service] = match as unknown as [string, string, string | undefined, string];
  return cluster
    ? { serviceArn: arn, service, cluster, clusterArn: `${prefix}cluster/${cluster}` }
    : { serviceArn: arn, service };
}

/** The first service ARN among an event's `resources`. */
export function serviceOfResources(resources: string[]): ServiceRef | undefined {
  for (const resource of resources) {
    const ref = parseServiceArn(resource);
    if (ref) return ref;
  }
  return undefined;
}
