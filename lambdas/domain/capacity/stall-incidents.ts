/**
 * When a failure that sends no event pages, escalates and recovers (pure; time as an argument). The scan
 * runs every few minutes, so a condition is remembered from the first scan that saw it: it opens an
 * incident (one page) once it has held for its check's threshold, pages once more only if it gets worse
 * (a service below desired drops to zero, a waiting hook fails), and closes with one RECOVERED when a
 * scan no longer sees it. Kept in the capacity scan's state item (capacity-incidents.ts, docs/architecture.md
 * "The incident model").
 */
import { SEVERITIES, type Severity } from '../stops/taxonomy';
import { type StallCategory, type StallCheck, type StallObservation, stallSeverity } from './service-stalls';

export interface StallThresholds {
  /** A service below its desired count (or at zero) for this long pages. */
  belowDesiredMs: number;
  /** A deployment in progress (or a lifecycle hook waiting) for this long pages. */
  slowDeploymentMs: number;
}

/** What the state item keeps of one condition: pending (not paged yet) or open (paged). */
export interface StallRecord {
  key: string;
  check: StallCheck;
  category: StallCategory;
  /** The severity last paged (absent while pending). */
  pagedSeverity?: Severity;
  cluster: string;
  service: string;
  serviceArn: string;
  team?: string;
  /** ISO time the condition started: from the data when it says, else the first scan that saw it. */
  since: string;
  /** ISO time of the scan that paged; absent while pending. */
  openedAt?: string;
  incidentId?: string;
  deploymentId?: string;
  account?: string;
  region?: string;
}

export type StallRecords = Record<string, StallRecord>;

/**
 * Pending conditions remembered at most (about 300 bytes each), so the scan's one state item stays far
 * below DynamoDB's 400 KB whatever the account: the most severe, then the oldest, are kept; the others
 * are counted (`untracked`) and seen again at the next scan. Open incidents are always kept.
 */
export const MAX_PENDING_STALLS = 500;

export type StallRecoveryReason = 'CLEARED' | 'SERVICE_GONE';

export interface StallDecision {
  /** Conditions that have now held long enough: one page each. */
  opened: { observation: StallObservation; record: StallRecord }[];
  /** Open incidents that got worse: one more page each. */
  escalated: { observation: StallObservation; record: StallRecord; from: StallCategory }[];
  /** Open incidents still holding: nothing to page. */
  ongoing: { observation: StallObservation; record: StallRecord }[];
  /** Conditions seen, not yet long enough: remembered, nothing paged. */
  pending: { observation: StallObservation; record: StallRecord }[];
  /** Open incidents no longer seen: one RECOVERED each (pending ones are forgotten silently). */
  recovered: { record: StallRecord; reason: StallRecoveryReason }[];
  /** Keys of conditions seen but not remembered, beyond {@link MAX_PENDING_STALLS}. */
  untracked: string[];
  next: StallRecords;
}

export interface StallContext {
  /** ISO 8601 time of the scan. */
  now: string;
  thresholds: StallThresholds;
  /** ARNs of the services the scan found: an open incident of a service not among them closes as SERVICE_GONE. */
  serviceArns: ReadonlySet<string>;
  account?: string;
  region?: string;
  /** The `severityOverrides` setting: a category's severity decides what is paged and what is worse. */
  severityOverrides?: Readonly<Partial<Record<string, Severity>>>;
}

export function thresholdOf(check: StallCheck, thresholds: StallThresholds): number {
  return check === 'SHORTFALL' ? thresholds.belowDesiredMs : thresholds.slowDeploymentMs;
}

export function decideStallIncidents(
  previous: StallRecords,
  observations: readonly StallObservation[],
  context: StallContext,
): StallDecision {
  const decision: StallDecision = {
    opened: [],
    escalated: [],
    ongoing: [],
    pending: [],
    recovered: [],
    untracked: [],
    next: {},
  };
  const now = Date.parse(context.now);
  const seen = new Set<string>();
  for (const observation of observations) {
    seen.add(observation.key);
    const known = previous[observation.key];
    if (known?.openedAt) {
      const severity = stallSeverity(observation.category, context.severityOverrides);
      const worse = severityRank(severity) < severityRank(known.pagedSeverity ?? 'INFO');
      const record: StallRecord = worse ? { ...known, category: observation.category, pagedSeverity: severity } : known;
      decision.next[record.key] = record;
      if (worse) decision.escalated.push({ observation, record, from: known.category });
      else decision.ongoing.push({ observation, record });
      continue;
    }
    if (observation.deferred) continue;
    const since = known?.since ?? observation.startedAt ?? context.now;
    const held = now - Date.parse(since);
    const due = observation.immediate || held >= thresholdOf(observation.check, context.thresholds);
    const record: StallRecord = due ? opening(observation, since, context) : pendingRecord(observation, since);
    decision.next[record.key] = record;
    (due ? decision.opened : decision.pending).push({ observation, record });
  }
  limitPending(decision, context);
  for (const [key, record] of Object.entries(previous)) {
    if (seen.has(key) || !record.openedAt) continue;
    decision.recovered.push({
      record,
      reason: context.serviceArns.has(record.serviceArn) ? 'CLEARED' : 'SERVICE_GONE',
    });
  }
  return decision;
}

/** Keeps the {@link MAX_PENDING_STALLS} most severe (then oldest) pending conditions. */
function limitPending(decision: StallDecision, context: StallContext): void {
  if (decision.pending.length <= MAX_PENDING_STALLS) return;
  const rank = (category: StallCategory) => severityRank(stallSeverity(category, context.severityOverrides));
  const ranked = [...decision.pending].sort(
    (a, b) =>
      rank(a.record.category) - rank(b.record.category) ||
      a.record.since.localeCompare(b.record.since) ||
      a.record.key.localeCompare(b.record.key),
  );
  decision.pending = ranked.slice(0, MAX_PENDING_STALLS);
  for (const { record } of ranked.slice(MAX_PENDING_STALLS)) {
    delete decision.next[record.key];
    decision.untracked.push(record.key);
  }
}

function pendingRecord(observation: StallObservation, since: string): StallRecord {
  return {
    key: observation.key,
    check: observation.check,
    category: observation.category,
    cluster: observation.cluster,
    service: observation.service,
    serviceArn: observation.serviceArn,
    team: observation.team,
    since,
    deploymentId: observation.deployment?.id,
  };
}

function opening(observation: StallObservation, since: string, context: StallContext): StallRecord {
  return {
    ...pendingRecord(observation, since),
    pagedSeverity: stallSeverity(observation.category, context.severityOverrides),
    openedAt: context.now,
    incidentId: `${observation.key}/${context.now}`,
    account: context.account,
    region: context.region,
  };
}

function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Minutes between two ISO times, rounded down (for the alerts' "for N min"). */
export function minutesBetween(from: string, to: string): number {
  return Math.max(0, Math.floor((Date.parse(to) - Date.parse(from)) / 60_000));
}
