import { Duration, Token } from 'aws-cdk-lib';
import { SERVICE_ACTION_NAMES } from '../lambdas/domain/alerts/build-service-action-alert.js';
import { ROLLOUT_CATEGORIES } from '../lambdas/domain/rollouts/classify-rollout.js';
import {
  isSeverity,
  isStopCategory,
  SEVERITIES,
  type Severity,
  STOP_CATEGORIES,
  type StopCategory,
} from '../lambdas/domain/stops/taxonomy.js';

/**
 * Validation of the EcsWatchdog settings. Pure: no constructs, so it is unit-tested directly and the
 * construct fails `cdk synth` with a message naming the bad setting before it builds anything.
 */

const PREFIX = 'EcsWatchdog:';

/** The Lambda timeout every handler runs with; the enrichment budget must leave room inside it. */
export const FUNCTION_TIMEOUT = Duration.seconds(30);
export const MIN_ENRICHMENT_BUDGET = Duration.millis(100);
export const MAX_ENRICHMENT_BUDGET = Duration.seconds(20);
export const MAX_LOG_EXCERPT_LINES = 100;

export const DEFAULT_TEAM_TAG_KEY = 'team';
export const DEFAULT_ENRICHMENT_BUDGET = Duration.seconds(3);
export const DEFAULT_LOG_EXCERPT_LINES = 20;

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
}

/**
 * When stops of one service become a RESTART_LOOP incident, and when it closes (DESIGN §5). Each
 * duration is whole seconds.
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

export interface RestartLoopSettings {
  readonly threshold: number;
  readonly window: Duration;
  readonly groupWait: Duration;
  readonly quietPeriod: Duration;
}

export const DEFAULT_RESTART_LOOP: RestartLoopSettings = {
  threshold: 3,
  window: Duration.minutes(10),
  groupWait: Duration.seconds(60),
  quietPeriod: Duration.minutes(15),
};
export const MIN_LOOP_THRESHOLD = 2;
export const MAX_LOOP_THRESHOLD = 100;
/** SQS delays a message by at most 15 minutes: the group wait is one such delay. */
export const MAX_GROUP_WAIT = Duration.minutes(15);

/** A watched cluster: either its name (resolved to an ARN in the stack's account and region) or its full ARN. */
export type ClusterRef =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'arn'; readonly arn: string };

export interface WatchdogSettings {
  /** undefined = every cluster in the account and region. */
  readonly clusters: readonly ClusterRef[] | undefined;
  readonly alertEmail: string | undefined;
  readonly opsEmail: string | undefined;
  readonly teamTagKey: string;
  readonly enrichmentBudget: Duration;
  readonly logExcerptLines: number;
  readonly mutedCategories: readonly StopCategory[];
  readonly severityOverrides: Readonly<Partial<Record<string, Severity>>>;
  readonly redactPatterns: readonly string[];
  readonly restartLoop: RestartLoopSettings;
}

function fail(message: string): never {
  throw new Error(`${PREFIX} ${message}`);
}

const quote = (value: unknown): string => JSON.stringify(value);

// Deliberately simple: one @, no spaces, a dot in the domain. SNS does the real check by sending a confirmation.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// ECS: "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed."
const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const CLUSTER_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/([A-Za-z0-9_-]{1,255})$/;
// ECS tag keys: 1-128 characters; letters, numbers, spaces and + - = . _ : / @; the aws: prefix is reserved.
const TAG_KEY = /^[\p{L}\p{N}\s+\-=._:/@]{1,128}$/u;

export function validateAlertEmail(email: string | undefined, setting = 'alertEmail'): string | undefined {
  if (email === undefined || Token.isUnresolved(email)) return email;
  if (!EMAIL.test(email)) fail(`${setting} ${quote(email)} is not an e-mail address`);
  return email;
}

export function validateClusters(clusters: readonly string[] | undefined): ClusterRef[] | undefined {
  if (clusters === undefined) return undefined;
  if (!Array.isArray(clusters)) fail(`clusters must be a list of cluster names or ARNs, got ${quote(clusters)}`);
  if (clusters.length === 0)
    fail('clusters must not be empty: omit it to watch every cluster in the account and region');
  const seen = new Set<string>();
  const refs: ClusterRef[] = [];
  for (const cluster of clusters) {
    if (typeof cluster !== 'string') fail(`clusters: ${quote(cluster)} is not a cluster name or ARN`);
    if (seen.has(cluster)) continue;
    seen.add(cluster);
    // A token (e.g. `cluster.clusterName` from the same app) cannot be inspected at synth: treat it as a name.
    if (Token.isUnresolved(cluster) || CLUSTER_NAME.test(cluster)) {
      refs.push({ kind: 'name', name: cluster });
    } else if (CLUSTER_ARN.test(cluster)) {
      refs.push({ kind: 'arn', arn: cluster });
    } else {
      fail(
        `clusters: ${quote(cluster)} is neither a cluster name (1-255 letters, digits, _ or -) ` +
          'nor a cluster ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME)',
      );
    }
  }
  return refs;
}

export function validateTeamTagKey(key: string | undefined): string {
  if (key === undefined) return DEFAULT_TEAM_TAG_KEY;
  if (Token.isUnresolved(key)) return key;
  if (!TAG_KEY.test(key) || key.trim() !== key) {
    fail(`teamTagKey ${quote(key)} is not a valid ECS tag key (1-128 letters, digits, spaces and + - = . _ : / @)`);
  }
  if (key.toLowerCase().startsWith('aws:')) fail(`teamTagKey ${quote(key)} uses the reserved "aws:" prefix`);
  return key;
}

export function validateEnrichmentBudget(budget: Duration | undefined): Duration {
  if (budget === undefined) return DEFAULT_ENRICHMENT_BUDGET;
  if (budget.isUnresolved()) fail('enrichmentBudget must be a literal duration, not a token');
  const ms = budget.toMilliseconds();
  if (ms < MIN_ENRICHMENT_BUDGET.toMilliseconds() || ms > MAX_ENRICHMENT_BUDGET.toMilliseconds()) {
    fail(
      `enrichmentBudget must be from ${MIN_ENRICHMENT_BUDGET.toMilliseconds()} ms to ${MAX_ENRICHMENT_BUDGET.toSeconds()} s ` +
        `(the function times out after ${FUNCTION_TIMEOUT.toSeconds()} s), got ${ms} ms`,
    );
  }
  return budget;
}

export function validateLogExcerptLines(lines: number | undefined): number {
  if (lines === undefined) return DEFAULT_LOG_EXCERPT_LINES;
  if (typeof lines !== 'number' || !Number.isInteger(lines) || lines < 0 || lines > MAX_LOG_EXCERPT_LINES) {
    fail(`logExcerptLines must be an integer from 0 to ${MAX_LOG_EXCERPT_LINES}, got ${quote(lines)}`);
  }
  return lines;
}

const VALID_CATEGORIES = STOP_CATEGORIES.join(', ');
const VALID_SEVERITIES = SEVERITIES.join(', ');

const isCategory = (value: unknown): value is StopCategory => typeof value === 'string' && isStopCategory(value);
const isSeverityName = (value: unknown): value is Severity => typeof value === 'string' && isSeverity(value);

export function validateMutedCategories(categories: readonly string[] | undefined): StopCategory[] {
  if (categories === undefined) return [];
  if (!Array.isArray(categories)) fail(`mutedCategories must be a list of stop categories, got ${quote(categories)}`);
  const muted: StopCategory[] = [];
  for (const category of categories) {
    if (!isCategory(category)) {
      fail(`mutedCategories: ${quote(category)} is not a stop category (valid: ${VALID_CATEGORIES})`);
    }
    if (!muted.includes(category)) muted.push(category);
  }
  return muted;
}

/** Categories whose severity can be overridden: stop categories, rollout outcomes, service action events. */
const OVERRIDABLE = [...STOP_CATEGORIES, ...ROLLOUT_CATEGORIES, ...SERVICE_ACTION_NAMES];

export function validateSeverityOverrides(
  overrides: Readonly<Record<string, string>> | undefined,
): Partial<Record<string, Severity>> {
  if (overrides === undefined) return {};
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    fail(`severityOverrides must be an object mapping categories to severities, got ${quote(overrides)}`);
  }
  const result: Partial<Record<string, Severity>> = {};
  for (const [category, severity] of Object.entries(overrides)) {
    if (!OVERRIDABLE.includes(category)) {
      fail(`severityOverrides: ${quote(category)} is not a category (valid: ${OVERRIDABLE.join(', ')})`);
    }
    if (!isSeverityName(severity)) {
      fail(`severityOverrides: ${quote(severity)} for ${category} is not a severity (valid: ${VALID_SEVERITIES})`);
    }
    result[category] = severity;
  }
  return result;
}

/** Extra redaction patterns must compile as JavaScript regular expressions (the handler applies them with flag g). */
export function validateRedactPatterns(patterns: readonly string[] | undefined): string[] {
  for (const source of patterns ?? []) {
    if (typeof source !== 'string' || source === '')
      fail(`redactPatterns: ${quote(source)} is not a regular expression`);
    try {
      new RegExp(source, 'g');
    } catch (error) {
      fail(`redactPatterns: ${quote(source)} is not a valid regular expression (${(error as Error).message})`);
    }
  }
  return [...(patterns ?? [])];
}

/** Validates every setting and fills in the defaults. Throws an Error naming the first bad setting. */
export function resolveSettings(input: WatchdogSettingsInput): WatchdogSettings {
  return {
    clusters: validateClusters(input.clusters),
    alertEmail: validateAlertEmail(input.alertEmail),
    opsEmail: validateAlertEmail(input.opsEmail, 'opsEmail'),
    teamTagKey: validateTeamTagKey(input.teamTagKey),
    enrichmentBudget: validateEnrichmentBudget(input.enrichmentBudget),
    logExcerptLines: validateLogExcerptLines(input.logExcerptLines),
    mutedCategories: validateMutedCategories(input.mutedCategories),
    severityOverrides: validateSeverityOverrides(input.severityOverrides),
    redactPatterns: validateRedactPatterns(input.redactPatterns),
    restartLoop: validateRestartLoop(input.restartLoop),
  };
}

const SECONDS_PER_MINUTE = 60;
const SECONDS_PER_HOUR = 3600;

/** "90 s", "10 min", "24 h": how a range bound reads in a message. */
function describeSeconds(seconds: number): string {
  if (seconds === 0) return '0 s';
  if (seconds % SECONDS_PER_HOUR === 0) return `${seconds / SECONDS_PER_HOUR} h`;
  if (seconds % SECONDS_PER_MINUTE === 0) return `${seconds / SECONDS_PER_MINUTE} min`;
  return `${seconds} s`;
}

/** A literal duration of whole seconds within [min, max]; the handlers read it as an integer number of seconds. */
function validateSeconds(name: string, value: Duration, min: Duration, max: Duration): Duration {
  if (!(value instanceof Duration)) fail(`${name} must be a Duration, got ${quote(value)}`);
  if (value.isUnresolved()) fail(`${name} must be a literal duration, not a token`);
  const seconds = value.toMilliseconds() / 1000;
  const low = min.toSeconds();
  const high = max.toSeconds();
  if (!Number.isInteger(seconds) || seconds < low || seconds > high) {
    fail(
      `${name} must be whole seconds from ${describeSeconds(low)} to ${describeSeconds(high)}, got ${value.toMilliseconds() / 1000} s`,
    );
  }
  return value;
}

export function validateRestartLoop(input: RestartLoopSettingsInput | undefined): RestartLoopSettings {
  if (input === undefined) return DEFAULT_RESTART_LOOP;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    fail(`restartLoop must be an object ({ threshold, window, groupWait, quietPeriod }), got ${quote(input)}`);
  }
  const threshold = input.threshold ?? DEFAULT_RESTART_LOOP.threshold;
  if (
    typeof threshold !== 'number' ||
    !Number.isInteger(threshold) ||
    threshold < MIN_LOOP_THRESHOLD ||
    threshold > MAX_LOOP_THRESHOLD
  ) {
    fail(
      `restartLoop.threshold must be an integer from ${MIN_LOOP_THRESHOLD} to ${MAX_LOOP_THRESHOLD}, got ${quote(threshold)}`,
    );
  }
  return {
    threshold,
    window: validateSeconds(
      'restartLoop.window',
      input.window ?? DEFAULT_RESTART_LOOP.window,
      Duration.minutes(1),
      Duration.hours(24),
    ),
    groupWait: validateSeconds(
      'restartLoop.groupWait',
      input.groupWait ?? DEFAULT_RESTART_LOOP.groupWait,
      Duration.seconds(0),
      MAX_GROUP_WAIT,
    ),
    quietPeriod: validateSeconds(
      'restartLoop.quietPeriod',
      input.quietPeriod ?? DEFAULT_RESTART_LOOP.quietPeriod,
      Duration.minutes(1),
      Duration.hours(24),
    ),
  };
}

/** The capacity scan's settings (`EcsWatchdogProps.capacityScan`), validated apart from the event handlers' ones. */
export interface CapacityScanSettingsInput {
  /** Turn the scheduled scan off. @default true */
  readonly enabled?: boolean;
  /** How often to scan: whole minutes, from 5 (the scan's timeout) to 1440. @default Duration.minutes(15) */
  readonly schedule?: Duration;
  /** Alert on a subnet with fewer free addresses than this, even when surges fit. @default 25 */
  readonly freeIpThreshold?: number;
}

export interface CapacityScanSettings {
  readonly enabled: boolean;
  readonly schedule: Duration;
  readonly freeIpThreshold: number;
}

export const DEFAULT_CAPACITY_SCAN_SCHEDULE = Duration.minutes(15);
export const MIN_CAPACITY_SCAN_SCHEDULE = Duration.minutes(5);
export const MAX_CAPACITY_SCAN_SCHEDULE = Duration.days(1);
export const DEFAULT_FREE_IP_THRESHOLD = 25;
/** The usable addresses of a /16, the largest subnet AWS allows. */
export const MAX_FREE_IP_THRESHOLD = 65_531;

export function resolveCapacityScanSettings(input: CapacityScanSettingsInput | undefined): CapacityScanSettings {
  if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    fail(`capacityScan must be an object ({ enabled, schedule, freeIpThreshold }), got ${quote(input)}`);
  }
  const enabled = input?.enabled ?? true;
  if (typeof enabled !== 'boolean') fail(`capacityScan.enabled must be true or false, got ${quote(enabled)}`);
  const schedule = input?.schedule ?? DEFAULT_CAPACITY_SCAN_SCHEDULE;
  if (schedule.isUnresolved()) fail('capacityScan.schedule must be a literal duration, not a token');
  const minutes = schedule.toSeconds() / 60;
  if (
    !Number.isInteger(minutes) ||
    minutes < MIN_CAPACITY_SCAN_SCHEDULE.toMinutes() ||
    minutes > MAX_CAPACITY_SCAN_SCHEDULE.toMinutes()
  ) {
    fail(
      `capacityScan.schedule must be whole minutes from ${MIN_CAPACITY_SCAN_SCHEDULE.toMinutes()} ` +
        `(a scan may run that long) to ${MAX_CAPACITY_SCAN_SCHEDULE.toMinutes()}, got ${schedule.toSeconds()} s`,
    );
  }
  const threshold = input?.freeIpThreshold ?? DEFAULT_FREE_IP_THRESHOLD;
  if (
    typeof threshold !== 'number' ||
    !Number.isInteger(threshold) ||
    threshold < 0 ||
    threshold > MAX_FREE_IP_THRESHOLD
  ) {
    fail(`capacityScan.freeIpThreshold must be an integer from 0 to ${MAX_FREE_IP_THRESHOLD}, got ${quote(threshold)}`);
  }
  return { enabled, schedule, freeIpThreshold: threshold };
}
