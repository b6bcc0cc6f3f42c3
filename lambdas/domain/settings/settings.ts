/**
 * The settings contract: every setting of the watchdog once, with its construct prop, its CDK context
 * key, its environment variable, its default and its range. The construct validates with it at synth
 * (infra/config.ts, infra/context.ts) and writes each function's environment with it; the handlers
 * read their environment with it (lambdas/app/shared/config.ts, lambdas/app/capacity-scan-config.ts).
 * A test synthesizes the stack and reads every function's environment back through those readers.
 */
import { SERVICE_ACTION_NAMES } from '../alerts/build-service-action-alert';
import { STALL_CATEGORY_NAMES } from '../capacity/service-stalls';
import { AWS_RESERVED_ADDRESSES, MIN_SUBNET_PREFIX } from '../capacity/subnet-capacity';
import { ACCOUNT_ID, REGION } from '../events/ecs-event';
import { ROLLOUT_CATEGORIES } from '../rollouts/classify-rollout';
import { parseMaintenanceWindow } from '../silences/maintenance-window';
import {
  isSeverity,
  isStopCategory,
  SEVERITIES,
  type Severity,
  STOP_CATEGORIES,
  type StopCategory,
} from '../stops/taxonomy';
import {
  duration,
  fail,
  flag,
  integer,
  list,
  parseObject,
  type Setting,
  SettingError,
  type SettingValue,
  text,
} from './setting';

/** The timeout of the event handlers; the enrichment budget must leave time inside it to publish. */
export const FUNCTION_TIMEOUT_SECONDS = 30;
/** The timeout of the capacity scan: thousands of services under ECS throttling take more than 30 s. */
export const CAPACITY_SCAN_TIMEOUT_MINUTES = 5;

// Deliberately simple: one @, no spaces, a dot in the domain. SNS does the real check by sending a confirmation.
// Linear (test/security/regex-safety.test.ts): the domain is labels joined by single dots.
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
// ECS: "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed."
const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const CLUSTER_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]{1,255}$/;
// ECS tag keys: 1-128 characters; letters, numbers, spaces and + - = . _ : / @; the aws: prefix is reserved.
const TAG_KEY = /^[\p{L}\p{N}\s+\-=._:/@]{1,128}$/u;

/** What `cdk destroy` does with the state table and the KMS keys (docs/deploy.md, "Removal"). */
export const REMOVAL_POLICIES: readonly string[] = ['retain', 'destroy'];

/** A watched cluster: its name (resolved to an ARN in the stack's account and region) or its ARN. */
export type ClusterRef =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'arn'; readonly arn: string };

export function clusterRefOf(cluster: string): ClusterRef | undefined {
  if (CLUSTER_NAME.test(cluster)) return { kind: 'name', name: cluster };
  if (CLUSTER_ARN.test(cluster)) return { kind: 'arn', arn: cluster };
  return undefined;
}

/**
 * Categories whose severity can be overridden: stop categories, rollout outcomes, service action events,
 * failures that send no event.
 */
export const OVERRIDABLE_CATEGORIES: readonly string[] = [
  ...STOP_CATEGORIES,
  ...ROLLOUT_CATEGORIES,
  ...SERVICE_ACTION_NAMES,
  ...STALL_CATEGORY_NAMES,
];

export type SeverityOverrides = Readonly<Partial<Record<string, Severity>>>;

const severityOverrides: Setting<SeverityOverrides> = {
  kind: 'object',
  prop: 'severityOverrides',
  context: 'severityOverrides',
  env: 'SEVERITY_OVERRIDES',
  default: {},
  expected: 'an object mapping categories to severities',
  check(value, name) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(name, this.expected, value);
    const overrides: Partial<Record<string, Severity>> = {};
    for (const [category, severity] of Object.entries(value)) {
      if (!OVERRIDABLE_CATEGORIES.includes(category)) {
        throw new SettingError(
          `${name}: ${JSON.stringify(category)} is not a category (valid: ${OVERRIDABLE_CATEGORIES.join(', ')})`,
        );
      }
      if (typeof severity !== 'string' || !isSeverity(severity)) {
        throw new SettingError(
          `${name}: ${JSON.stringify(severity)} for ${category} is not a severity (valid: ${SEVERITIES.join(', ')})`,
        );
      }
      overrides[category] = severity;
    }
    return overrides;
  },
  fromContext: parseObject,
  toEnv: (value) => JSON.stringify(value),
  fromEnv: parseObject,
};

function invalidRegExp(source: string): string | undefined {
  if (source === '') return 'is not a regular expression';
  try {
    new RegExp(source, 'g');
    return undefined;
  } catch (error) {
    return `is not a valid regular expression (${(error as Error).message})`;
  }
}

// AWS Organizations: "o-" followed by 10 to 32 lowercase letters or digits.
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
// STS AssumeRole ExternalId: 2 to 1,224 characters of [\w+=,.@:/-].
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

const notAccount = (account: string) => (ACCOUNT_ID.test(account) ? undefined : 'is not a 12-digit AWS account id');
const notRegion = (region: string) => (REGION.test(region) ? undefined : 'is not an AWS region such as eu-west-1');

/** `accountNames`: what alerts call each account, `{ "111111111111": "payments-prod" }`. */
const accountNames: Setting<Readonly<Record<string, string>>> = {
  kind: 'object',
  prop: 'accountNames',
  context: 'accountNames',
  env: 'ACCOUNT_NAMES',
  default: {},
  expected: 'an object mapping 12-digit account ids to names',
  check(value, name) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(name, this.expected, value);
    const names: Record<string, string> = {};
    for (const [account, label] of Object.entries(value)) {
      const why = notAccount(account);
      if (why) throw new SettingError(`${name}: ${JSON.stringify(account)} ${why}`);
      if (typeof label !== 'string' || !/^[\w .:/@+=-]{1,64}$/.test(label)) {
        throw new SettingError(
          `${name}: the name of ${account} must be 1 to 64 letters, digits, spaces or . : / @ + = - _, got ${JSON.stringify(label)}`,
        );
      }
      names[account] = label;
    }
    return names;
  },
  fromContext: parseObject,
  toEnv: (value) => JSON.stringify(value),
  fromEnv: parseObject,
};

/** Every setting. The key is the name the code uses; `prop`, `context` and `env` are the names users see. */
export const SETTINGS = {
  alertEmail: text({
    prop: 'alertEmail',
    context: 'alertEmail',
    default: undefined,
    expected: 'an e-mail address',
    invalid: (email) => (EMAIL.test(email) ? undefined : 'is not an e-mail address'),
  }),
  opsEmail: text({
    prop: 'opsEmail',
    context: 'opsEmail',
    default: undefined,
    expected: 'an e-mail address',
    invalid: (email) => (EMAIL.test(email) ? undefined : 'is not an e-mail address'),
  }),
  clusters: list<string>({
    prop: 'clusters',
    context: 'clusters',
    env: 'CLUSTER_ARNS',
    default: undefined,
    expected: 'a list of cluster names or ARNs',
    json: false,
    nonEmpty: 'omit it to watch every cluster in the account and region',
    invalid: (cluster) =>
      clusterRefOf(cluster)
        ? undefined
        : 'is neither a cluster name (1-255 letters, digits, _ or -) nor a cluster ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME)',
    // The construct resolves names to ARNs in the stack's account and region before writing the variable.
    invalidInEnv: (cluster) => (CLUSTER_ARN.test(cluster) ? undefined : 'is not an ECS cluster ARN'),
  }),
  teamTagKey: text({
    prop: 'teamTagKey',
    context: 'teamTagKey',
    env: 'TEAM_TAG_KEY',
    default: 'team',
    expected: 'an ECS tag key',
    invalid: (key) => {
      if (!TAG_KEY.test(key) || key.trim() !== key) {
        return 'is not a valid ECS tag key (1-128 letters, digits, spaces and + - = . _ : / @)';
      }
      return key.toLowerCase().startsWith('aws:') ? 'uses the reserved "aws:" prefix' : undefined;
    },
  }),
  enrichmentBudget: duration({
    prop: 'enrichmentBudget',
    context: 'enrichmentBudgetSeconds',
    env: 'ENRICHMENT_BUDGET_MS',
    defaultMs: 3000,
    minMs: 100,
    // Leaves a third of the function's time to classify, write the incident and publish.
    maxMs: 20_000,
    step: 'ms',
    contextUnit: 's',
    envUnit: 'ms',
    why: `the function times out after ${FUNCTION_TIMEOUT_SECONDS} s`,
  }),
  logExcerptLines: integer({
    prop: 'logExcerptLines',
    context: 'logExcerptLines',
    env: 'LOG_EXCERPT_LINES',
    default: 20,
    min: 0,
    max: 100,
  }),
  mutedCategories: list<StopCategory>({
    prop: 'mutedCategories',
    context: 'mutedCategories',
    env: 'MUTED_CATEGORIES',
    default: [],
    expected: 'a list of stop categories',
    json: false,
    invalid: (category) =>
      isStopCategory(category) ? undefined : `is not a stop category (valid: ${STOP_CATEGORIES.join(', ')})`,
  }),
  severityOverrides,
  redactPatterns: list<string>({
    prop: 'redactPatterns',
    context: 'redactPatterns',
    env: 'REDACT_PATTERNS',
    default: [],
    expected: 'a list of regular expressions',
    json: true,
    invalid: invalidRegExp,
  }),
  historyRetentionDays: integer({
    prop: 'historyRetentionDays',
    context: 'historyRetentionDays',
    env: 'HISTORY_RETENTION_DAYS',
    default: 30,
    // 0: no history, and routine stops are filtered by the rule again (README "History").
    min: 0,
    max: 365,
  }),
  maintenanceWindows: list<string>({
    prop: 'maintenanceWindows',
    context: 'maintenanceWindows',
    env: 'MAINTENANCE_WINDOWS',
    default: [],
    expected: 'a list of maintenance windows ("DAY HH:MM/DURATION cluster=NAME [service=NAME] [category=NAME]")',
    json: true,
    invalid: (spec) => {
      const window = parseMaintenanceWindow(spec);
      return typeof window === 'string' ? window : undefined;
    },
  }),
  loopThreshold: integer({
    prop: 'restartLoop.threshold',
    context: 'loopThreshold',
    env: 'LOOP_THRESHOLD',
    default: 3,
    min: 2,
    max: 100,
  }),
  loopWindow: duration({
    prop: 'restartLoop.window',
    context: 'loopWindowMinutes',
    env: 'LOOP_WINDOW_SECONDS',
    defaultMs: 10 * 60_000,
    minMs: 60_000,
    maxMs: 24 * 3_600_000,
    step: 's',
    contextUnit: 'min',
  }),
  groupWait: duration({
    prop: 'restartLoop.groupWait',
    context: 'groupWaitSeconds',
    env: 'GROUP_WAIT_SECONDS',
    defaultMs: 60_000,
    minMs: 0,
    // The group wait is one delayed SQS message, and SQS delays a message by at most 15 minutes.
    maxMs: 15 * 60_000,
    step: 's',
    contextUnit: 's',
  }),
  quietPeriod: duration({
    prop: 'restartLoop.quietPeriod',
    context: 'quietPeriodMinutes',
    env: 'QUIET_PERIOD_SECONDS',
    defaultMs: 15 * 60_000,
    minMs: 60_000,
    maxMs: 24 * 3_600_000,
    step: 's',
    contextUnit: 'min',
  }),
  capacityScanEnabled: flag({
    prop: 'capacityScan.enabled',
    context: 'capacityScanEnabled',
    default: true,
  }),
  capacityScanSchedule: duration({
    prop: 'capacityScan.schedule',
    context: 'capacityScanMinutes',
    defaultMs: 15 * 60_000,
    minMs: CAPACITY_SCAN_TIMEOUT_MINUTES * 60_000,
    maxMs: 24 * 3_600_000,
    step: 'min',
    contextUnit: 'min',
    why: `a scan may run ${CAPACITY_SCAN_TIMEOUT_MINUTES} min`,
  }),
  freeIpThreshold: integer({
    prop: 'capacityScan.freeIpThreshold',
    context: 'freeIpThreshold',
    env: 'FREE_IP_THRESHOLD',
    default: 25,
    min: 0,
    // The usable addresses of a /16, the largest subnet AWS allows.
    max: 2 ** (32 - MIN_SUBNET_PREFIX) - AWS_RESERVED_ADDRESSES,
  }),
  belowDesiredFor: duration({
    prop: 'capacityScan.belowDesiredFor',
    context: 'belowDesiredMinutes',
    env: 'BELOW_DESIRED_SECONDS',
    defaultMs: 15 * 60_000,
    minMs: 60_000,
    maxMs: 7 * 24 * 3_600_000,
    step: 'min',
    contextUnit: 'min',
  }),
  slowDeploymentAfter: duration({
    prop: 'capacityScan.slowDeploymentAfter',
    context: 'slowDeploymentMinutes',
    env: 'SLOW_DEPLOYMENT_SECONDS',
    defaultMs: 30 * 60_000,
    minMs: 5 * 60_000,
    maxMs: 7 * 24 * 3_600_000,
    step: 'min',
    contextUnit: 'min',
  }),
  scanConcurrency: integer({
    prop: 'capacityScan.concurrency',
    context: 'capacityScanConcurrency',
    env: 'SCAN_CONCURRENCY',
    default: 8,
    min: 1,
    max: 64,
  }),
  removalPolicy: text({
    prop: 'removalPolicy',
    context: 'removalPolicy',
    default: 'retain',
    expected: 'retain or destroy',
    invalid: (policy) => (REMOVAL_POLICIES.includes(policy) ? undefined : 'is neither retain nor destroy'),
  }),
  memberAccounts: list<string>({
    prop: 'memberAccounts',
    context: 'memberAccounts',
    env: 'MEMBER_ACCOUNTS',
    default: undefined,
    expected: 'a list of 12-digit AWS account ids',
    json: false,
    nonEmpty: 'omit it to watch only this account',
    invalid: notAccount,
  }),
  organizationId: text({
    prop: 'organizationId',
    context: 'organizationId',
    default: undefined,
    expected: 'an AWS Organizations id (o-…)',
    invalid: (id) =>
      ORGANIZATION_ID.test(id) ? undefined : 'is not an organization id (o- and 10 to 32 letters or digits)',
  }),
  memberRegions: list<string>({
    prop: 'memberRegions',
    context: 'memberRegions',
    env: 'MEMBER_REGIONS',
    default: undefined,
    expected: 'a list of AWS regions',
    json: false,
    nonEmpty: "omit it for this deployment's region only",
    invalid: notRegion,
  }),
  externalId: text({
    prop: 'externalId',
    context: 'externalId',
    env: 'MEMBER_EXTERNAL_ID',
    default: undefined,
    expected: 'an STS external id',
    invalid: (id) =>
      EXTERNAL_ID.test(id) ? undefined : 'is not an external id (2 to 1224 of letters, digits and +=,.@:/-_)',
  }),
  accountNames,
} as const;

/**
 * Settings of a member account's stack (`EcsWatchdogForwarderProps`, infra/ecs-watchdog-forwarder.ts):
 * where the central watchdog is, and the trust its role needs. `organizationId`, `externalId` and
 * `memberRegions` are the central watchdog's own settings: both sides must agree on them.
 */
export const FORWARDER_SETTINGS = {
  centralAccount: text({
    prop: 'centralAccount',
    context: 'centralAccount',
    default: undefined,
    expected: 'a 12-digit AWS account id',
    invalid: notAccount,
  }),
  centralRegion: text({
    prop: 'centralRegion',
    context: 'centralRegion',
    default: undefined,
    expected: 'an AWS region',
    invalid: notRegion,
  }),
  organizationId: SETTINGS.organizationId,
  externalId: SETTINGS.externalId,
  memberRegions: SETTINGS.memberRegions,
} as const;

export type ForwarderSettingName = keyof typeof FORWARDER_SETTINGS;

export type SettingName = keyof typeof SETTINGS;
export type SettingValues = { [K in SettingName]: SettingValue<(typeof SETTINGS)[K]> };

export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/**
 * Environment variables that are not settings: where the deployment's own resources are. The construct
 * writes them from the resources it creates.
 */
export const RESOURCE_ENV = {
  alertTopicArn: 'ALERT_TOPIC_ARN',
  stateTableName: 'STATE_TABLE_NAME',
  timerQueueUrl: 'TIMER_QUEUE_URL',
  capacityMetricsNamespace: 'CAPACITY_METRICS_NAMESPACE',
  /** The ops topic the alarm relay republishes the watchdog's own alarms to. */
  opsTopicArn: 'OPS_TOPIC_ARN',
  /** The account the watchdog runs in: its events are looked up with the function's own role. */
  homeAccount: 'WATCHDOG_ACCOUNT',
} as const;

/** The environment variables of the named settings (those that have one), from their values. */
export function settingsEnvironment<N extends SettingName>(
  values: Pick<SettingValues, N>,
  names: readonly N[],
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const name of names) {
    const setting = SETTINGS[name] as Setting<unknown>;
    if (setting.env === undefined) throw new SettingError(`${setting.prop} has no environment variable`);
    environment[setting.env] = setting.toEnv(values[name]);
  }
  return environment;
}

/** A setting from the environment: its default when the variable is unset or empty; a bad value throws naming the variable. */
export function readSetting<T>(setting: Setting<T>, env: Readonly<Record<string, string | undefined>>): T {
  const name = setting.env;
  if (name === undefined) return setting.default;
  const raw = env[name];
  if (raw === undefined || raw === '') return setting.default;
  return setting.check(setting.fromEnv(raw, name), name);
}
