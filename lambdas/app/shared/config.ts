import type { LoopPolicy } from '../../domain/incidents/incident';
import { SettingError } from '../../domain/settings/setting';
import { RESOURCE_ENV, readSetting, SETTINGS, type SeverityOverrides } from '../../domain/settings/settings';
import { type MaintenanceWindow, parseMaintenanceWindow } from '../../domain/silences/maintenance-window';
import type { StopCategory } from '../../domain/stops/taxonomy';

export interface WatchdogConfig {
  alertTopicArn: string;
  teamTagKey: string;
  enrichmentBudgetMs: number;
  logExcerptLines: number;
  mutedCategories: ReadonlySet<StopCategory>;
  severityOverrides: SeverityOverrides;
  /** Extra regular expressions (sources) whose matches are redacted from log excerpts. */
  redactPatterns: string[];
  /** Incident tracking (duplicates, restart loops, recovery); absent when no state table is configured. */
  incidents?: IncidentConfig;
  accounts?: AccountsConfig;
}

/** Where the watchdog runs, and how it reaches member accounts (README "Many accounts and regions"). */
export interface AccountsConfig {
  /** The account and region of the function: lookups there use its own role. Unknown outside Lambda. */
  homeAccount?: string;
  homeRegion?: string;
  /** The external id the member roles require, when they require one. */
  externalId?: string;
  /** What alerts call each account. */
  names: Readonly<Record<string, string>>;
}

export interface IncidentConfig {
  tableName: string;
  timerQueueUrl: string;
  policy: LoopPolicy;
  /** Days history is kept; 0 or absent: none recorded. */
  historyRetentionDays?: number;
  maintenanceWindows?: MaintenanceWindow[];
}

/** The `maintenanceWindows` setting, read and parsed (each already checked by the contract). */
export function readMaintenanceWindows(env: Env): MaintenanceWindow[] {
  return (readSetting(SETTINGS.maintenanceWindows, env) ?? []).map(
    (spec) => parseMaintenanceWindow(spec) as MaintenanceWindow,
  );
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads an event handler's environment (written by the construct from the same settings contract,
 * lambdas/domain/settings/settings.ts); a bad value fails the cold start with the variable's name.
 */
export function readConfig(env: Env = process.env): WatchdogConfig {
  return {
    alertTopicArn: readTopicArn(env),
    teamTagKey: readSetting(SETTINGS.teamTagKey, env),
    enrichmentBudgetMs: readSetting(SETTINGS.enrichmentBudget, env),
    logExcerptLines: readSetting(SETTINGS.logExcerptLines, env),
    mutedCategories: new Set(readSetting(SETTINGS.mutedCategories, env)),
    severityOverrides: readSetting(SETTINGS.severityOverrides, env),
    redactPatterns: [...(readSetting(SETTINGS.redactPatterns, env) ?? [])],
    incidents: readIncidents(env),
    accounts: readAccounts(env),
  };
}

export function readAccounts(env: Env): AccountsConfig {
  const homeAccount = env[RESOURCE_ENV.homeAccount];
  if (homeAccount !== undefined && homeAccount !== '' && !/^\d{12}$/.test(homeAccount)) {
    throw new SettingError(`${RESOURCE_ENV.homeAccount} must be a 12-digit AWS account id, got "${homeAccount}"`);
  }
  return {
    homeAccount: homeAccount || undefined,
    homeRegion: env.AWS_REGION || undefined,
    externalId: readSetting(SETTINGS.externalId, env),
    names: readSetting(SETTINGS.accountNames, env),
  };
}

/** The alert topic every function publishes to. */
export function readTopicArn(env: Env): string {
  const name = RESOURCE_ENV.alertTopicArn;
  const arn = env[name];
  if (!arn?.startsWith('arn:')) throw new SettingError(`${name} must be an SNS topic ARN, got "${arn ?? ''}"`);
  return arn;
}

function readIncidents(env: Env): IncidentConfig | undefined {
  const tableName = env[RESOURCE_ENV.stateTableName];
  if (!tableName) return undefined;
  const queue = RESOURCE_ENV.timerQueueUrl;
  const timerQueueUrl = env[queue];
  if (!timerQueueUrl?.startsWith('https://') && !timerQueueUrl?.startsWith('http://')) {
    throw new SettingError(
      `${queue} must be an SQS queue URL when ${RESOURCE_ENV.stateTableName} is set, got "${timerQueueUrl ?? ''}"`,
    );
  }
  return {
    tableName,
    timerQueueUrl,
    policy: {
      threshold: readSetting(SETTINGS.loopThreshold, env),
      windowMs: readSetting(SETTINGS.loopWindow, env),
      groupWaitMs: readSetting(SETTINGS.groupWait, env),
      quietMs: readSetting(SETTINGS.quietPeriod, env),
    },
    historyRetentionDays: readSetting(SETTINGS.historyRetentionDays, env),
    maintenanceWindows: readMaintenanceWindows(env),
  };
}
