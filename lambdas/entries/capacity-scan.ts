import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { AlertPublisher } from '../adapters/alert-publisher';
import { CapacityDiscovery } from '../adapters/capacity-discovery';
import { CapacityMetricsPublisher } from '../adapters/capacity-metrics-publisher';
import { capacityStateKey, DynamoDbCapacityStateStore } from '../adapters/capacity-state-store';
import { MemberCredentials } from '../adapters/member-credentials';
import { StateStore } from '../adapters/state-store';
import { clustersIn, readCapacityScanConfig } from '../app/capacity-scan-config';
import { processCapacityScans } from '../app/process-capacity-scan';
import type { AccountRegion } from '../domain/accounts/member-accounts';
import { historyOf } from './history-adapter';
import { counter, lambdaHandler, log } from './lambda-runtime';

const config = readCapacityScanConfig();
const { homeAccount, homeRegion } = config.accounts;
// Adaptive retry: the SDK's client-side rate limiter slows the scan down when ECS or EC2 throttle,
// instead of failing it after the standard three attempts.
const discoveryClientConfig = { retryMode: 'adaptive', maxAttempts: 10 } as const;
const credentials = new MemberCredentials({
  home: { account: homeAccount, region: homeRegion },
  sts: new STSClient({}),
  externalId: config.accounts.externalId,
  sessionName: 'ecs-watchdog-capacity-scan',
});
const dynamodb = new DynamoDBClient({});
const store = new StateStore(dynamodb, config.stateTableName);
const shared = {
  config,
  metrics: new CapacityMetricsPublisher(new CloudWatchClient({}), config.metricsNamespace),
  outbox: store,
  history: historyOf(dynamodb, config.stateTableName, config.historyRetentionDays),
  maintenanceWindows: config.maintenanceWindows,
  publisher: new AlertPublisher(new SNSClient({}), config.alertTopicArn, undefined, config.accounts.names),
  log,
  counter,
};

/** The scan of the function's own account and region (undefined), or of a member's. */
function scanOf(where: AccountRegion | undefined) {
  const clientConfig = { ...discoveryClientConfig, ...credentials.clientConfig(where) };
  const home = homeAccount && homeRegion ? { account: homeAccount, region: homeRegion } : undefined;
  const at = where ?? home;
  return {
    ...shared,
    discovery: CapacityDiscovery.onClients(new ECSClient(clientConfig), new EC2Client(clientConfig), {
      concurrency: config.concurrency,
      clusterArns: at ? clustersIn(config.clusterArns, at) : config.clusterArns,
    }),
    state: new DynamoDbCapacityStateStore(store, capacityStateKey(where)),
  };
}
// Members whose accounts and regions hold none of the watched clusters are not scanned.
const targets: (AccountRegion | undefined)[] = [
  undefined,
  ...config.members.filter((where) => clustersIn(config.clusterArns, where)?.length !== 0),
];
const scans = new Map(targets.map((where) => [where, scanOf(where)]));

/** EventBridge schedule → one capacity scan of each account and region. */
export const handler = lambdaHandler(async (_event: unknown) => {
  const outcomes = await processCapacityScans(
    targets,
    (where) => scans.get(where) as ReturnType<typeof scanOf>,
    (where) => (where ? `${where.account}/${where.region}` : 'this account and region'),
  );
  return {
    scans: outcomes.length,
    subnets: outcomes.reduce((sum, o) => sum + o.assessment.subnets.length, 0),
    instances: outcomes.reduce((sum, o) => sum + o.assessment.instances.length, 0),
    published: outcomes.reduce((sum, o) => sum + o.published.length, 0),
  };
});
