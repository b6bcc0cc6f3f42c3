import type { AccountRegion } from '../domain/accounts/member-accounts';
import { CAPACITY_METRICS_NAMESPACE } from '../domain/capacity/capacity-metrics';
import { SettingError } from '../domain/settings/setting';
import { RESOURCE_ENV, readSetting, SETTINGS } from '../domain/settings/settings';
import type { MaintenanceWindow } from '../domain/silences/maintenance-window';
import type { SeverityOverrides } from '../domain/stops/taxonomy';
import { type AccountsConfig, type Env, readAccounts, readMaintenanceWindows, readTopicArn } from './shared/config';

export interface CapacityScanConfig {
  alertTopicArn: string;
  teamTagKey: string;
  /** A subnet with fewer free addresses than this is alerted on even if surges fit. */
  freeIpThreshold: number;
  stateTableName: string;
  metricsNamespace: string;
  /** A service below its desired count this long pages (milliseconds). */
  belowDesiredMs: number;
  /** A deployment in progress, or a lifecycle hook waiting, this long pages (milliseconds). */
  slowDeploymentMs: number;
  /** Severities of the failures that send no event, where the `severityOverrides` setting changes them. */
  severityOverrides: SeverityOverrides;
  /** ECS/EC2 requests in flight at once. */
  concurrency: number;
  /** Clusters to scan (ARNs); undefined = every cluster in the account and region. */
  clusterArns?: string[];
  historyRetentionDays: number;
  maintenanceWindows: MaintenanceWindow[];
  accounts: AccountsConfig;
  /** The member accounts and regions scanned after the function's own (README "Many accounts and regions"). */
  members: AccountRegion[];
  /** The settings `members` comes from. */
  memberAccounts?: readonly string[];
  memberRegions?: readonly string[];
}

/**
 * Reads the capacity-scan function's environment (the settings contract, lambdas/domain/settings/settings.ts);
 * a bad value fails the cold start naming the variable.
 */
export function readCapacityScanConfig(env: Env = process.env): CapacityScanConfig {
  const stateTableName = env[RESOURCE_ENV.stateTableName];
  if (!stateTableName) {
    throw new SettingError(`${RESOURCE_ENV.stateTableName} must name the watchdog's DynamoDB state table`);
  }
  const clusters = readSetting(SETTINGS.clusters, env) ?? [];
  const accounts = readAccounts(env);
  const memberAccounts = readSetting(SETTINGS.memberAccounts, env);
  const memberRegions = readSetting(SETTINGS.memberRegions, env);
  return {
    alertTopicArn: readTopicArn(env),
    teamTagKey: readSetting(SETTINGS.teamTagKey, env),
    freeIpThreshold: readSetting(SETTINGS.freeIpThreshold, env),
    stateTableName,
    metricsNamespace: env[RESOURCE_ENV.capacityMetricsNamespace] || CAPACITY_METRICS_NAMESPACE,
    belowDesiredMs: readSetting(SETTINGS.belowDesiredFor, env),
    slowDeploymentMs: readSetting(SETTINGS.slowDeploymentAfter, env),
    severityOverrides: readSetting(SETTINGS.severityOverrides, env),
    concurrency: readSetting(SETTINGS.scanConcurrency, env),
    clusterArns: clusters.length > 0 ? [...clusters] : undefined,
    historyRetentionDays: readSetting(SETTINGS.historyRetentionDays, env),
    maintenanceWindows: readMaintenanceWindows(env),
    accounts,
    members: memberTargets(accounts, memberAccounts, memberRegions),
    memberAccounts,
    memberRegions,
  };
}

/** Every member account in every member region (the home region when none is listed), the function's own apart. */
function memberTargets(
  accounts: AccountsConfig,
  memberAccounts: readonly string[] | undefined,
  memberRegions: readonly string[] | undefined,
): AccountRegion[] {
  const { homeAccount, homeRegion } = accounts;
  const regions = memberRegions ?? (homeRegion ? [homeRegion] : []);
  const members = homeAccount ? [homeAccount, ...(memberAccounts ?? [])] : [];
  return [...new Set(members)].flatMap((account) =>
    regions.filter((region) => account !== homeAccount || region !== homeRegion).map((region) => ({ account, region })),
  );
}

/** The watched clusters of one account and region (all of its clusters when none is configured); [] when none of them is there. */
export function clustersIn(clusterArns: readonly string[] | undefined, where: AccountRegion): string[] | undefined {
  if (clusterArns === undefined) return undefined;
  return clusterArns.filter((arn) => {
    const [, , , region, account] = arn.split(':');
    return account === where.account && region === where.region;
  });
}
