import { type Alert, alertIdOf } from './alert';
import { escapedObject, forCleanText, holdsNothingToEscape, IN_JSON_STRING, IN_JSON_STRING_TWICE } from './json-text';
import { chatBody } from './render-chat';
import { renderEmail } from './render-email';

/** A message attribute: a `String`, or a `String.Array` (a filter matches it when it matches one of its values). */
export type AttributeValue = string | readonly string[];

/** One SNS Publish request's content, free of SDK types. */
export interface SnsMessage {
  subject: string;
  /** `MessageStructure: 'json'`: one body per protocol. */
  message: string;
  attributes: Record<string, AttributeValue>;
}

/** SNS's limit on a whole message, attributes included. */
export const SNS_MAX_BYTES = 256 * 1024;
/**
 * The attributes every message carries (docs/routing.md), alarms of the watchdog included: a filter
 * on any of them never silently misses a message for want of the attribute. At most
 * {@link SQS_RAW_ATTRIBUTE_LIMIT}: SNS cannot deliver more to an SQS subscription with raw delivery. The
 * alert's ids (`alertId`, `incidentId`) and the account's name are in every body instead.
 */
export const ATTRIBUTE_NAMES = [
  'severity',
  'category',
  'kind',
  'cluster',
  'service',
  'team',
  'account',
  'region',
  'actionable',
  'resolves',
] as const;
/** SQS takes at most 10 message attributes. */
export const SQS_RAW_ATTRIBUTE_LIMIT = 10;
export type AttributeName = (typeof ATTRIBUTE_NAMES)[number];
/** Services without the team tag still get a `team` attribute, so a platform team can subscribe to them. */
export const UNASSIGNED_TEAM = 'unassigned';
/** The value of `cluster` or `service` when the message is about none (a subnet several services share, an alarm). */
export const NO_VALUE = '-';

/**
 * Per-protocol bodies (README, "What an alert looks like"): readable text for e-mail, the full Alert JSON for SQS, Lambda
 * and `default`, the chat custom-notification JSON for HTTPS (chat) subscribers. When the whole
 * exceeds SNS's limit, log lines are dropped first, then the evidence is cut, never the alert.
 */
export function toSnsMessage(alert: Alert): SnsMessage {
  const attributes = messageAttributes(alert);
  const budget = SNS_MAX_BYTES - attributesBytes(attributes) - 200;
  // The whole alert first, outside the generator: nearly every alert fits, and the generator made this a third slower.
  const whole = composeBodies(alert);
  if (fitsInBytes(whole, budget)) return { subject: alert.title, message: whole, attributes };
  for (const candidate of smallerVariants(alert)) {
    const message = composeBodies(candidate);
    if (fitsInBytes(message, budget)) return { subject: alert.title, message, attributes };
  }
  throw new Error(`alert ${alert.dedupeKey} does not fit in an SNS message even without evidence`);
}

export function messageAttributes(alert: Alert): Record<AttributeName, AttributeValue> {
  const severities = alert.resolves?.severities ?? [];
  return withoutEmpty({
    // An all-clear of an incident that paged at several severities lists them all.
    severity: severities.length > 1 ? severities : alert.severity,
    category: alert.category,
    kind: alert.kind,
    cluster: alert.cluster,
    // A standalone task has no service: its task definition family stands for it, as in the incident scope.
    service: alert.service ?? alert.taskDefinition?.split(':')[0],
    team: alert.team ?? UNASSIGNED_TEAM,
    account: alert.account,
    region: alert.region,
    actionable: String(alert.actionable),
    resolves: String(alert.resolves !== undefined),
  });
}

/** SNS rejects empty attribute values: what is unknown reads `-` ({@link NO_VALUE}), never goes missing. */
export function withoutEmpty(
  values: Record<AttributeName, AttributeValue | undefined>,
): Record<AttributeName, AttributeValue> {
  const attributes = {} as Record<AttributeName, AttributeValue>;
  for (const name of ATTRIBUTE_NAMES) {
    const value = values[name];
    attributes[name] = value === undefined || value === '' || value.length === 0 ? NO_VALUE : value;
  }
  return attributes;
}

const CLEAN_IN_JSON_STRING = forCleanText(IN_JSON_STRING);
const CLEAN_IN_JSON_STRING_TWICE = forCleanText(IN_JSON_STRING_TWICE);

/**
 * The same text as JSON.stringify of the object of bodies, each body written escaped in one pass
 * (docs/architecture.md, "Rendering in one pass"). The alert JSON is written once, as `default`: SNS sends
 * `default` to every protocol the message does not name (SQS, Lambda, Firehose, email-json, plain HTTP),
 * so naming them would only repeat it. The chat notification goes to HTTPS, where chat services listen.
 */
function composeBodies(alert: Alert): string {
  // Every body carries the stable id a subscriber drops a repeat by (README "Delivery"), queued or not.
  const more = alert.alertId !== undefined ? undefined : { alertId: alertIdOf(alert) };
  // Most alerts say nothing JSON escapes: checked once here, their text is then written unchecked in all three bodies.
  const clean = holdsNothingToEscape(alert) && holdsNothingToEscape(more);
  const once = clean ? CLEAN_IN_JSON_STRING : IN_JSON_STRING;
  const twice = clean ? CLEAN_IN_JSON_STRING_TWICE : IN_JSON_STRING_TWICE;
  const json = escapedObject(alert, more, twice.text);
  return `{"default":"${json}","email":"${renderEmail(alert, once)}","https":"${chatBody(alert, twice)}"}`;
}

/** The alert as it is, then smaller and smaller versions of it: what a size limit keeps of an alert. */
export function* shrinkingVariants(alert: Alert): Generator<Alert> {
  yield alert;
  yield* smallerVariants(alert);
}

function* smallerVariants(alert: Alert): Generator<Alert> {
  const { logExcerpt, ...rest } = alert.evidence;
  if (logExcerpt) {
    const note = { lookup: 'log excerpt', message: 'dropped: the alert exceeded the SNS size limit' };
    yield { ...alert, evidence: rest, enrichmentErrors: [...alert.enrichmentErrors, note] };
  }
  // Then ever shorter texts: every field that carries event or lookup text is cut, down to a floor
  // that always fits (ids and names are bounded when the event is read).
  for (const max of [500, 120]) {
    yield {
      ...alert,
      summary: cut(alert.summary, max * 8),
      evidence: {
        facts: alert.evidence.facts
          .slice(0, max / 4)
          .map((f) => ({ label: cut(f.label, 100), value: cut(f.value, max) })),
      },
      nextSteps: alert.nextSteps.slice(0, 10).map((step) => cut(step, max)),
      links: alert.links.slice(0, 10),
      enrichmentErrors: [
        ...alert.enrichmentErrors
          .slice(0, 10)
          .map((e) => ({ lookup: cut(e.lookup, 100), message: cut(e.message, max) })),
        { lookup: 'evidence', message: 'truncated: the alert exceeded the SNS size limit' },
      ],
    };
  }
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** UTF-8 takes at most 3 bytes per UTF-16 unit: only a message near the limit is measured exactly. */
function fitsInBytes(text: string, budget: number): boolean {
  return text.length * 3 <= budget || byteLength(text) <= budget;
}

const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/** UTF-8 length without encoding: 1 byte below U+0080, 2 below U+0800, 4 for a surrogate pair, else 3. */
export function byteLength(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}

function attributesBytes(attributes: Record<string, AttributeValue>): number {
  let bytes = 0;
  for (const name in attributes) {
    const value = attributes[name] as AttributeValue;
    bytes +=
      byteLength(name) + byteLength(typeof value === 'string' ? value : JSON.stringify(value)) + 'String.Array'.length;
  }
  return bytes;
}
