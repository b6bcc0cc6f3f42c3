import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ElbReader } from '../adapters/elb-reader';
import type { LookupClientConfig } from '../adapters/member-credentials';
import { SecurityGroupReader } from '../adapters/security-group-reader';
import type { HealthCheckReaders } from '../app/health-check-evidence';

/**
 * The ELBv2 and EC2 readers of health-check alerts, in the event's account and region. Bundled into a
 * file of its own and imported by the task-stopped entry on its first health-check alert (see
 * lazy-modules.ts): the EC2 client alone is about 0.8 MB of bundle and 70 ms of import time.
 */
export function loadBalancingReaders(
  clientConfig: LookupClientConfig = {},
): Pick<HealthCheckReaders, 'elb' | 'network'> {
  return {
    elb: new ElbReader(new ElasticLoadBalancingV2Client(clientConfig)),
    network: new SecurityGroupReader(new EC2Client(clientConfig)),
  };
}
