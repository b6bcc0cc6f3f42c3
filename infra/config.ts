import { Duration, type Stack, Token } from 'aws-cdk-lib';
import { type Setting, SettingError } from '../lambdas/domain/settings/setting.js';
import {
  CAPACITY_SCAN_TIMEOUT_MINUTES,
  type ClusterRef,
  clusterRefOf,
  FUNCTION_TIMEOUT_SECONDS,
  SETTING_NAMES,
  SETTINGS,
  type SettingName,
  type SettingValues,
} from '../lambdas/domain/settings/settings.js';
import type { Severity } from '../lambdas/domain/stops/taxonomy.js';

/**
 * Validation of the EcsWatchdog props against the settings contract (lambdas/domain/settings/settings.ts):
 * every default, range and message comes from there, so the construct refuses at synth exactly what a
 * handler would refuse at its cold start. Pure of constructs: unit-tested directly, and the construct
 * fails `cdk synth` with a message naming the setting (prop and `-c` key) before it builds anything.
 */

export type { ClusterRef };

/** The Lambda timeout every event handler runs with; the enrichment budget must leave room inside it. */
export const FUNCTION_TIMEOUT = Duration.seconds(FUNCTION_TIMEOUT_SECONDS);
/** Time one capacity scan may take: thousands of services under ECS throttling take more than 30 s. */
export const CAPACITY_SCAN_TIMEOUT = Duration.minutes(CAPACITY_SCAN_TIMEOUT_MINUTES);

export interface WatchdogSettingsInput {
  readonly clusters?: readonly string[];
  readonly alertEmail?: string;
  readonly opsEmail?: string;
  readonly teamTagKey?: string;
  readonly enrichmentBudget?: Duration;
  readonly logExcerptLines?: number;
  readonly mutedCategories?: readonly string[];
  readonly severityOverrides?: Readonly<Record<string, string>>;
  readonly redactPatterns?: readonly string[];
  readonly restartLoop?: RestartLoopSettingsInput;
  readonly capacityScan?: CapacityScanSettingsInput;
  readonly removalPolicy?: 'retain' | 'destroy';
  readonly historyRetentionDays?: number;
  readonly maintenanceWindows?: readonly string[];
  readonly memberAccounts?: readonly string[];
  readonly organizationId?: string;
  readonly memberRegions?: readonly string[];
  readonly externalId?: string;
  readonly accountNames?: Readonly<Record<string, string>>;
}

/**
 * When stops of one service become a RESTART_LOOP incident, and when it closes (docs/architecture.md,
 * "The incident model"). Each duration is whole seconds.
 */
export interface RestartLoopSettingsInput {
  /** Actionable stops of one service within {@link window} that open an incident: an integer from 2 to 100. @default 3 */
  readonly threshold?: number;
  /** The sliding window the stops are counted in: from 1 minute to 24 hours. @default Duration.minutes(10) */
  readonly window?: Duration;
  /**
   * How long a first actionable stop is held before its alert goes out, so that a loop starting right
   * behind it pages once (as the loop) instead of twice: from 0 (no wait) to 15 minutes (the longest
   * delay an SQS timer message can have). @default Duration.seconds(60)
   */
  readonly groupWait?: Duration;
  /** An open incident with no further stop for this long closes with a RECOVERED alert: from 1 minute to 24 hours. @default Duration.minutes(15) */
  readonly quietPeriod?: Duration;
}

/** The capacity scan's settings (`EcsWatchdogProps.capacityScan`). */
export interface CapacityScanSettingsInput {
  /** Turn the scheduled scan off. @default true */
  readonly enabled?: boolean;
  /** How often to scan: whole minutes, from 5 (the scan's timeout) to 1440. @default Duration.minutes(15) */
  readonly schedule?: Duration;
  /** Alert on a subnet with fewer free addresses than this, even when surges fit: from 0 to 65,531. @default 25 */
  readonly freeIpThreshold?: number;
  /**
   * A service whose running count stays below its desired count this long (with no deployment in progress;
   * at zero running, whatever is deploying) pages: whole minutes, from 1 to 10080 (7 days). The scan sees
   * it at its next run after that. @default Duration.minutes(15)
   */
  readonly belowDesiredFor?: Duration;
  /**
   * A deployment in progress this long, or a lifecycle hook waiting this long, pages: whole minutes, from 5
   * to 10080 (7 days). @default Duration.minutes(30)
   */
  readonly slowDeploymentAfter?: Duration;
  /** ECS and EC2 requests the scan has in flight at once: from 1 to 64. @default 8 */
  readonly concurrency?: number;
}

/**
 * The validated settings: the contract's values (durations in milliseconds), with the watched clusters
 * as references (a name is turned into an ARN in the stack's account and region by the construct).
 */
export type WatchdogSettings = Readonly<Omit<SettingValues, 'clusters'>> & {
  /** undefined = every cluster in the account and region. */
  readonly clusters: readonly ClusterRef[] | undefined;
  readonly severityOverrides: Readonly<Partial<Record<string, Severity>>>;
};

const PREFIX = 'EcsWatchdog:';

/** Props grouped in an object (`restartLoop`, `capacityScan`): their members, from the contract. */
const GROUPS = [
  ...new Set(
    SETTING_NAMES.map((name) => SETTINGS[name].prop)
      .filter((prop) => prop.includes('.'))
      .map((prop) => prop.split('.')[0] as string),
  ),
];

function membersOf(group: string): string[] {
  return SETTING_NAMES.map((name) => SETTINGS[name].prop)
    .filter((prop) => prop.startsWith(`${group}.`))
    .map((prop) => prop.slice(group.length + 1));
}

function propValue(input: object, path: string): unknown {
  let value: unknown = input;
  for (const key of path.split('.')) {
    if (value === undefined || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A prop as the contract holds it: a Duration becomes milliseconds, and must be a literal. */
function contractValue(setting: Setting<unknown>, value: unknown, label: string): unknown {
  if (setting.kind !== 'duration') return value;
  if (!(value instanceof Duration)) throw new SettingError(`${label} must be a Duration, got ${JSON.stringify(value)}`);
  if (value.isUnresolved()) throw new SettingError(`${label} must be a literal duration, not a token`);
  return value.toMilliseconds();
}

/**
 * One setting: its default when not given, else the given value checked by the contract. A message names
 * the prop first and ends with the context key that sets it: `… got 1 (-c loopThreshold)`.
 */
export function resolveSetting<N extends SettingName>(name: N, input: WatchdogSettingsInput): SettingValues[N] {
  return checkSetting(SETTINGS[name] as Setting<SettingValues[N]>, input, PREFIX);
}

/** A setting of any construct's props: its default when not given, else the value checked, the message naming the `-c` key. */
export function checkSetting<T>(setting: Setting<T>, input: object, prefix: string): T {
  const value = propValue(input, setting.prop);
  if (value === undefined) return setting.default;
  const label = `${prefix} ${setting.prop}`;
  try {
    // A token (e.g. `cluster.clusterName` of a cluster in the same app) cannot be inspected at synth.
    return setting.check(contractValue(setting, value, label), label, (text) => Token.isUnresolved(text));
  } catch (error) {
    if (!(error instanceof SettingError)) throw error;
    throw new SettingError(`${error.message} (-c ${setting.context})`);
  }
}

/** Validates every setting and fills in the defaults. Throws a SettingError naming the first bad setting. */
export function resolveSettings(input: WatchdogSettingsInput): WatchdogSettings {
  for (const group of GROUPS) {
    const value = (input as Record<string, unknown>)[group];
    if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new SettingError(
        `${PREFIX} ${group} must be an object ({ ${membersOf(group).join(', ')} }), got ${JSON.stringify(value)}`,
      );
    }
  }
  const values = Object.fromEntries(SETTING_NAMES.map((name) => [name, resolveSetting(name, input)])) as SettingValues;
  return { ...values, clusters: values.clusters?.map(clusterRef) };
}

function clusterRef(cluster: string): ClusterRef {
  if (Token.isUnresolved(cluster)) return { kind: 'name', name: cluster };
  return clusterRefOf(cluster) as ClusterRef;
}

/**
 * Every watched cluster ARN must be in an account and a region this watchdog receives events from
 * (README "Many accounts and regions"): this deployment's (when the stack has them), a member account
 * (`memberAccounts`, any account of `organizationId`), a member region (`memberRegions`). Otherwise its
 * events never arrive and the cluster would silently be watched by nothing. What an environment-agnostic
 * stack cannot know is not checked: an ARN's account with no member accounts given, its region with no
 * member regions given.
 */
export function checkClustersCovered(
  settings: Pick<WatchdogSettings, 'clusters' | 'memberAccounts' | 'organizationId' | 'memberRegions'>,
  stack: Pick<Stack, 'account' | 'region'>,
): void {
  const own = (value: string) => (Token.isUnresolved(value) ? [] : [value]);
  const accounts = settings.memberAccounts && [...own(stack.account), ...settings.memberAccounts];
  const regions = settings.memberRegions && [...own(stack.region), ...settings.memberRegions];
  const knownAccounts = accounts ?? (own(stack.account).length > 0 ? own(stack.account) : undefined);
  const knownRegions = regions ?? (own(stack.region).length > 0 ? own(stack.region) : undefined);
  for (const ref of settings.clusters ?? []) {
    if (ref.kind !== 'arn') continue;
    const [, , , region = '', account = ''] = ref.arn.split(':');
    if (!settings.organizationId && knownAccounts && !knownAccounts.includes(account)) {
      throw new SettingError(
        `${PREFIX} clusters: ${ref.arn} is in account ${account}, which no member entry covers ` +
          `(covered: ${knownAccounts.join(', ')}): add it to memberAccounts (-c memberAccounts), ` +
          'or give a cluster of this account by its name',
      );
    }
    if (knownRegions && !knownRegions.includes(region)) {
      throw new SettingError(
        `${PREFIX} clusters: ${ref.arn} is in region ${region}, which no member entry covers ` +
          `(covered: ${knownRegions.join(', ')}): add it to memberRegions (-c memberRegions)`,
      );
    }
  }
}
