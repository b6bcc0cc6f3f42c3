import { DEFAULT_LOOP_POLICY, type LoopPolicy } from '../../domain/incidents/incident';
import { isSeverity, isStopCategory, type SeverityOverrides, type StopCategory } from '../../domain/stops/taxonomy';

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
}

export interface IncidentConfig {
  tableName: string;
  timerQueueUrl: string;
  policy: LoopPolicy;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads the function's environment; a bad value fails the cold start with the variable's name. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): WatchdogConfig {
  const alertTopicArn = env.ALERT_TOPIC_ARN;
  if (!alertTopicArn?.startsWith('arn:'))
    throw new ConfigError(`ALERT_TOPIC_ARN must be an SNS topic ARN, got "${alertTopicArn ?? ''}"`);
  return {
    alertTopicArn,
    teamTagKey: env.TEAM_TAG_KEY || 'team',
    enrichmentBudgetMs: readInt(env, 'ENRICHMENT_BUDGET_MS', 3000, 100, 60_000),
    logExcerptLines: readInt(env, 'LOG_EXCERPT_LINES', 20, 0, 100),
    mutedCategories: readCategories(env.MUTED_CATEGORIES),
    severityOverrides: readOverrides(env.SEVERITY_OVERRIDES),
    redactPatterns: readPatterns(env.REDACT_PATTERNS),
    incidents: readIncidents(env),
  };
}

function readIncidents(env: NodeJS.ProcessEnv): IncidentConfig | undefined {
  const tableName = env.STATE_TABLE_NAME;
  if (!tableName) return undefined;
  const timerQueueUrl = env.TIMER_QUEUE_URL;
  if (!timerQueueUrl?.startsWith('https://') && !timerQueueUrl?.startsWith('http://')) {
    throw new ConfigError(
      `TIMER_QUEUE_URL must be an SQS queue URL when STATE_TABLE_NAME is set, got "${timerQueueUrl ?? ''}"`,
    );
  }
  const seconds = (name: string, fallbackMs: number, min: number, max: number) =>
    readInt(env, name, fallbackMs / 1000, min, max) * 1000;
  return {
    tableName,
    timerQueueUrl,
    policy: {
      threshold: readInt(env, 'LOOP_THRESHOLD', DEFAULT_LOOP_POLICY.threshold, 2, 100),
      windowMs: seconds('LOOP_WINDOW_SECONDS', DEFAULT_LOOP_POLICY.windowMs, 60, 86_400),
      groupWaitMs: seconds('GROUP_WAIT_SECONDS', DEFAULT_LOOP_POLICY.groupWaitMs, 0, 900),
      quietMs: seconds('QUIET_PERIOD_SECONDS', DEFAULT_LOOP_POLICY.quietMs, 60, 86_400),
    },
  };
}

export function readInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function readCategories(raw: string | undefined): ReadonlySet<StopCategory> {
  const names = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!isStopCategory(name)) throw new ConfigError(`MUTED_CATEGORIES: "${name}" is not a stop category`);
  }
  return new Set(names as StopCategory[]);
}

function readOverrides(raw: string | undefined): SeverityOverrides {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`SEVERITY_OVERRIDES must be a JSON object, got "${raw}"`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('SEVERITY_OVERRIDES must be a JSON object of category to severity');
  }
  const overrides: SeverityOverrides = {};
  for (const [category, severity] of Object.entries(parsed)) {
    if (typeof severity !== 'string' || !isSeverity(severity)) {
      throw new ConfigError(`SEVERITY_OVERRIDES.${category}: "${String(severity)}" is not a severity`);
    }
    overrides[category] = severity;
  }
  return overrides;
}

function readPatterns(raw: string | undefined): string[] {
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`REDACT_PATTERNS must be a JSON array of regular expressions, got "${raw}"`);
  }
  if (!Array.isArray(parsed) || parsed.some((p) => typeof p !== 'string')) {
    throw new ConfigError('REDACT_PATTERNS must be a JSON array of strings');
  }
  for (const source of parsed as string[]) {
    try {
      new RegExp(source);
    } catch (error) {
      throw new ConfigError(
        `REDACT_PATTERNS: "${source}" is not a valid regular expression (${(error as Error).message})`,
      );
    }
  }
  return parsed as string[];
}
