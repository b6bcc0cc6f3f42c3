import { type Alert, alertIdOf } from './alert';
import { renderChat } from './render-chat';
import { renderEmail } from './render-email';

/** One SNS Publish request's content, free of SDK types. */
export interface SnsMessage {
  subject: string;
  /** `MessageStructure: 'json'`: one body per protocol. */
  message: string;
  attributes: Record<string, string>;
}

/** SNS's limit on a whole message, attributes included. */
export const SNS_MAX_BYTES = 256 * 1024;
const ATTRIBUTE_NAMES = [
  'severity',
  'category',
  'kind',
  'cluster',
  'service',
  'team',
  'actionable',
  'alertId',
  // Where it happened, for filter policies of a watchdog serving many accounts and regions. The account's
  // name is in the bodies only: SQS subscribers with raw delivery take at most 10 attributes.
  'account',
  'region',
] as const;
/** Services without the team tag still get a `team` attribute, so a platform team can subscribe to them. */
export const UNASSIGNED_TEAM = 'unassigned';

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

export function messageAttributes(alert: Alert): Record<string, string> {
  const values: Record<(typeof ATTRIBUTE_NAMES)[number], string | undefined> = {
    severity: alert.severity,
    category: alert.category,
    kind: alert.kind,
    cluster: alert.cluster,
    service: alert.service,
    team: alert.team ?? UNASSIGNED_TEAM,
    actionable: String(alert.actionable),
    alertId: alertIdOf(alert),
    account: alert.account,
    region: alert.region,
  };
  // SNS rejects empty attribute values.
  const attributes: Record<string, string> = {};
  for (const name of ATTRIBUTE_NAMES) {
    const value = values[name];
    if (value) attributes[name] = value;
  }
  return attributes;
}

/**
 * The same text as JSON.stringify of the object of bodies, built from bodies quoted once. The alert JSON is
 * written once, as `default`: SNS sends `default` to every protocol the message does not name (SQS, Lambda,
 * Firehose, email-json), so naming them would only repeat it.
 */
function composeBodies(alert: Alert): string {
  const json = JSON.stringify(JSON.stringify(alert));
  const chat = JSON.stringify(JSON.stringify(renderChat(alert)));
  const email = JSON.stringify(renderEmail(alert));
  return `{"default":${json},"email":${email},"https":${chat},"http":${chat}}`;
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

function attributesBytes(attributes: Record<string, string>): number {
  let bytes = 0;
  for (const name in attributes) bytes += byteLength(name) + byteLength(attributes[name] as string) + 'String'.length;
  return bytes;
}
