import type { Alert } from './alert';
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
const ATTRIBUTE_NAMES = ['severity', 'category', 'kind', 'cluster', 'service', 'team', 'actionable'] as const;
/** Services without the team tag still get a `team` attribute, so a platform team can subscribe to them. */
export const UNASSIGNED_TEAM = 'unassigned';

/**
 * Per-protocol bodies (README, "What an alert looks like"): readable text for e-mail, the full Alert JSON for SQS, Lambda
 * and `default`, the chat custom-notification JSON for HTTPS (chat) subscribers. When the whole
 * exceeds SNS's limit, log lines are dropped first, then the evidence is cut, never the alert.
 */
export function toSnsMessage(alert: Alert): SnsMessage {
  const attributes = messageAttributes(alert);
  for (const candidate of shrinkingVariants(alert)) {
    const message = composeBodies(candidate);
    if (byteLength(message) + attributesBytes(attributes) + 200 <= SNS_MAX_BYTES) {
      return { subject: alert.title, message, attributes };
    }
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
  };
  // SNS rejects empty attribute values.
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => !!e[1]));
}

function composeBodies(alert: Alert): string {
  const json = JSON.stringify(alert);
  return JSON.stringify({
    default: json,
    email: renderEmail(alert),
    'email-json': json,
    sqs: json,
    lambda: json,
    firehose: json,
    https: JSON.stringify(renderChat(alert)),
    http: JSON.stringify(renderChat(alert)),
  });
}

function* shrinkingVariants(alert: Alert): Generator<Alert> {
  yield alert;
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

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

function attributesBytes(attributes: Record<string, string>): number {
  return Object.entries(attributes).reduce((sum, [k, v]) => sum + byteLength(k) + byteLength(v) + 'String'.length, 0);
}
