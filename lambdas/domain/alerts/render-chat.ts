import type { Alert } from './alert';
import { AS_IS, EscapedTwice, type Escaping, escapedJson, IN_JSON_STRING_TWICE, joinLazily } from './json-text';

/** The AWS chat-notification (Amazon Q Developer in chat applications) "custom notification" shape. */
export interface ChatNotification<Description = string> {
  version: '1.0';
  source: 'custom';
  id: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: Description;
    nextSteps: string[];
    keywords: string[];
  };
  metadata: {
    threadId: string;
    summary: string;
    eventType: string;
    relatedResources: string[];
    additionalContext: Record<string, string>;
  };
}

const SEVERITY_EMOJI: Record<string, string> = {
  CRITICAL: ':rotating_light:',
  HIGH: ':red_circle:',
  MEDIUM: ':large_orange_circle:',
  LOW: ':large_yellow_circle:',
  INFO: ':information_source:',
};

/** An all-clear carries the severity of the page it closes (for routing); it does not read as one. */
const RESOLVED_EMOJI = ':white_check_mark:';

const DESCRIPTION_MAX = 3500;

export function renderChat(alert: Alert): ChatNotification {
  return chatNotification(alert, description(alert, AS_IS));
}

/**
 * The chat notification's JSON as the SNS message carries it (escaped once more): the same text as
 * `JSON.stringify(JSON.stringify(renderChat(alert)))` without the outer quotes, written in one pass.
 * `escaping` escapes twice: {@link IN_JSON_STRING_TWICE}, or its unchecked form for an alert known clean.
 */
export function chatBody(alert: Alert, escaping: Escaping = IN_JSON_STRING_TWICE): string {
  return escapedJson(chatNotification(alert, new EscapedTwice(description(alert, escaping))), escaping.text);
}

function chatNotification<Description>(alert: Alert, description: Description): ChatNotification<Description> {
  return {
    version: '1.0',
    source: 'custom',
    id: alert.dedupeKey,
    content: {
      textType: 'client-markdown',
      title: `${alert.resolves ? RESOLVED_EMOJI : (SEVERITY_EMOJI[alert.severity] ?? '')} ${alert.title}`.trim(),
      description,
      nextSteps: alert.nextSteps.slice(0, 5),
      keywords: defined([alert.severity, alert.category, alert.cluster, alert.service, alert.team]),
    },
    metadata: {
      threadId: alert.incidentId,
      summary: alert.title,
      eventType: alert.kind,
      relatedResources: defined([alert.taskArn, alert.taskDefinition]),
      additionalContext: additionalContext(alert),
    },
  };
}

/** Paragraphs of markdown, cut at {@link DESCRIPTION_MAX} characters. */
function description(alert: Alert, escaping: Escaping): string {
  const lines = descriptionLines(alert, escaping.text);
  // Escaping only lengthens text: escaped within the limit, the text is.
  if (lengthOf(lines) <= DESCRIPTION_MAX) return joinLazily(lines, escaping.newline);
  const plain = escaping === AS_IS ? lines : descriptionLines(alert, AS_IS.text);
  const text = plain.join('\n');
  return escaping.anyText(text.length <= DESCRIPTION_MAX ? text : `${text.slice(0, DESCRIPTION_MAX - 1)}…`);
}

/** The length of the lines joined by line breaks. */
function lengthOf(lines: readonly string[]): number {
  let length = lines.length - 1;
  for (const line of lines) length += line.length;
  return length;
}

/** One line each, an empty line between paragraphs: what the alert says written with `t`, the markdown as it is. */
function descriptionLines(alert: Alert, t: (text: string) => string): string[] {
  const lines = [t(alert.summary)];
  if (alert.verdict) lines.push('', `*Likely cause:* ${t(alert.verdict)}`);
  const culprit = alert.evidence.containers?.find((c) => c.culprit);
  if (culprit?.reason) lines.push('', `*Reason:* \`${t(culprit.reason)}\``);
  const facts = alert.evidence.facts.slice(0, 6);
  if (facts.length > 0) lines.push('');
  for (const fact of facts) lines.push(`*${t(fact.label)}:* ${t(fact.value)}`);
  const excerpt = alert.evidence.logExcerpt;
  if (excerpt && excerpt.lines.length > 0) {
    lines.push('', `*Last log lines (${t(excerpt.container)}):*`, '```');
    for (const line of excerpt.lines.slice(-10)) lines.push(t(line));
    lines.push('```');
  }
  if (alert.links.length > 0) {
    let links = '';
    for (const l of alert.links) links += `${links.length > 0 ? ' | ' : ''}<${t(l.url)}|${t(l.label)}>`;
    lines.push('', links);
  }
  if (alert.enrichmentErrors.length > 0) {
    const missing = alert.enrichmentErrors.map((e) => `${t(e.lookup)} (${t(e.message)})`).join('; ');
    lines.push('', `_Not looked up: ${missing}_`);
  }
  return lines;
}

function defined(values: (string | undefined)[]): string[] {
  const result: string[] = [];
  for (const value of values) if (value !== undefined) result.push(value);
  return result;
}

function additionalContext(alert: Alert): Record<string, string> {
  const context: Record<string, string> = { account: alert.account, region: alert.region };
  if (alert.accountName !== undefined) context.accountName = alert.accountName;
  if (alert.cluster !== undefined) context.cluster = alert.cluster;
  if (alert.service !== undefined) context.service = alert.service;
  if (alert.culpritContainer !== undefined) context.culpritContainer = alert.culpritContainer;
  return context;
}
