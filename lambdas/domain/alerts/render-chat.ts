import type { Alert } from './alert';

/** The AWS chat-notification (Amazon Q Developer in chat applications) "custom notification" shape. */
export interface ChatNotification {
  version: '1.0';
  source: 'custom';
  id: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
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

const DESCRIPTION_MAX = 3500;

export function renderChat(alert: Alert): ChatNotification {
  const parts = [alert.summary];
  if (alert.verdict) parts.push(`*Likely cause:* ${alert.verdict}`);
  const culprit = alert.evidence.containers?.find((c) => c.culprit);
  if (culprit?.reason) parts.push(`*Reason:* \`${culprit.reason}\``);
  const facts = alert.evidence.facts.slice(0, 6).map((f) => `*${f.label}:* ${f.value}`);
  if (facts.length > 0) parts.push(facts.join('\n'));
  const excerpt = alert.evidence.logExcerpt;
  if (excerpt && excerpt.lines.length > 0)
    parts.push(`*Last log lines (${excerpt.container}):*\n\`\`\`\n${excerpt.lines.slice(-10).join('\n')}\n\`\`\``);
  if (alert.links.length > 0) parts.push(alert.links.map((l) => `<${l.url}|${l.label}>`).join(' | '));
  if (alert.enrichmentErrors.length > 0) {
    parts.push(`_Not looked up: ${alert.enrichmentErrors.map((e) => `${e.lookup} (${e.message})`).join('; ')}_`);
  }
  const description = parts.join('\n\n');

  return {
    version: '1.0',
    source: 'custom',
    id: alert.dedupeKey,
    content: {
      textType: 'client-markdown',
      title: `${SEVERITY_EMOJI[alert.severity] ?? ''} ${alert.title}`.trim(),
      description: description.length > DESCRIPTION_MAX ? `${description.slice(0, DESCRIPTION_MAX - 1)}…` : description,
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
