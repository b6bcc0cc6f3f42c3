import type { AlertKind, Severity } from '../stops/taxonomy';

export interface Fact {
  label: string;
  value: string;
}

export interface ContainerEvidence {
  name: string;
  essential?: boolean;
  image?: string;
  lastStatus?: string;
  exitCode?: number;
  exitMeaning: string;
  reason?: string;
  /** Hard (`memory`) and soft (`memoryReservation`) limits in MiB, from the event or the task definition. */
  memoryHardMiB?: number;
  memorySoftMiB?: number;
  culprit: boolean;
}

export interface LogExcerpt {
  container: string;
  logGroup: string;
  logStream: string;
  lines: string[];
}

export interface Evidence {
  /** Ordered label/value pairs: what the e-mail and chat renderings list. */
  facts: Fact[];
  containers?: ContainerEvidence[];
  logExcerpt?: LogExcerpt;
}

export interface Link {
  label: string;
  url: string;
}

export interface EnrichmentError {
  /** What could not be looked up (e.g. `task definition`, `tags`). */
  lookup: string;
  message: string;
}

/** The one alert shape every detector produces (docs/architecture.md, "The path of one event"). */
export interface Alert {
  kind: AlertKind;
  /** The diagnosis: a stop category, a rollout outcome, a service event name, or a capacity finding. */
  category: string;
  severity: Severity;
  actionable: boolean;
  /** One line, at most 99 printable ASCII characters: the SNS subject. */
  title: string;
  summary: string;
  /** The likely cause, in one line, when the evidence names one (e.g. why a health check failed). */
  verdict?: string;
  account: string;
  /** The account's name from the `accountNames` setting, when it names it (README "Many accounts and regions"). */
  accountName?: string;
  region: string;
  cluster?: string;
  service?: string;
  team?: string;
  taskArn?: string;
  taskDefinition?: string;
  culpritContainer?: string;
  evidence: Evidence;
  nextSteps: string[];
  links: Link[];
  dedupeKey: string;
  /**
   * The alert's stable id, derived from what caused it (its dedupe key): set when the alert is queued
   * for delivery, sent as the `alertId` message attribute too, so that a subscriber can drop a repeat.
   */
  alertId?: string;
  incidentId: string;
  occurredAt: string;
  enrichmentErrors: EnrichmentError[];
}

/** The stable id of an alert (README "Delivery"): the same cause, the same id, however often it is decided. */
export function alertIdOf(alert: Alert): string {
  return alert.alertId ?? alert.dedupeKey;
}

const SUBJECT_MAX = 99;

/** Printable ASCII with no leading, trailing or repeated spaces. */
const PLAIN_SUBJECT = /^(?:[\x21-\x7e]| (?! ))*$/;

/** SNS subjects: printable ASCII, no line breaks, under 100 characters. */
export function toSubject(text: string): string {
  // Most titles are already plain ASCII with single spaces: only the others pay for the normalisation.
  const ascii = PLAIN_SUBJECT.test(text)
    ? text.trim()
    : text
        .normalize('NFKD')
        .replace(/[\u2018\u2019]/g, "'")
        .replace(/[\u201c\u201d]/g, '"')
        .replace(/[\u2013\u2014]/g, '-')
        .replace(/[^\x20-\x7e]/g, '')
        .replace(/\s+/g, ' ')
        .trim();
  return ascii.length <= SUBJECT_MAX ? ascii : `${ascii.slice(0, SUBJECT_MAX - 3).trimEnd()}...`;
}
