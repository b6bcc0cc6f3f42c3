import type { Alert } from '../domain/alerts/alert';
import { renderEmail } from '../domain/alerts/render-email';
import type { ReplayedFile } from './replay';

/** An alert as a subscriber received it: the SNS subject, attributes and the `sqs` body (the Alert JSON). */
export interface ReceivedAlert {
  subject?: string;
  message: string;
  attributes: Record<string, string>;
}

const WIDTH = 100;
const rule = (char: string): string => char.repeat(WIDTH);

/**
 * What on-call reads: one block per alert (subject, filter attributes, the e-mail body rendered from
 * the Alert JSON that arrived), grouped by service, services in name order, alerts in time order.
 */
export function renderOnCallView(received: ReceivedAlert[]): string {
  const groups = new Map<string, Array<{ delivery: ReceivedAlert; alert: Alert }>>();
  for (const delivery of received) {
    const alert = JSON.parse(delivery.message) as Alert;
    const key = groupLabel(alert, delivery.attributes.team);
    groups.set(key, [...(groups.get(key) ?? []), { delivery, alert }]);
  }
  const lines: string[] = [];
  for (const [label, items] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(rule('='), ` ${label}: ${plural(items.length, 'alert')}`, rule('='), '');
    items.sort((a, b) => a.alert.occurredAt.localeCompare(b.alert.occurredAt));
    for (const { delivery, alert } of items) {
      lines.push(rule('-'));
      lines.push(`Subject:    ${delivery.subject ?? '(none)'}`);
      lines.push(
        `Attributes: ${Object.entries(delivery.attributes)
          .map(([name, value]) => `${name}=${value}`)
          .join(' ')}`,
      );
      lines.push('', renderEmail(alert), '');
    }
  }
  return lines.join('\n');
}

function groupLabel(alert: Alert, team: string | undefined): string {
  const where = alert.cluster ? `cluster ${alert.cluster}, ` : '';
  if (alert.service) return `service ${alert.service} (${where}team ${team ?? alert.team ?? 'unassigned'})`;
  const family = alert.taskDefinition?.split(':')[0] ?? 'unknown';
  return `standalone tasks ${family} (${where}team ${team ?? alert.team ?? 'unassigned'})`;
}

export interface DemoSummary {
  replayed: ReplayedFile[];
  malformed: ReplayedFile[];
  allAlerts: ReceivedAlert[];
  /** Deliveries to the queue subscribed with the filter policy, and that policy for the caption. */
  filtered: { queue: string; policy: string; count: number };
}

/** The closing table: events in, alerts out by category, routine stops dropped, malformed input rejected. */
export function renderSummary({ replayed, malformed, allAlerts, filtered }: DemoSummary): string {
  const all = [...replayed, ...malformed];
  const withStatus = (status: string) => all.filter((r) => r.outcome.status === status);
  const published = withStatus('published').length;
  const routine = withStatus('routine');
  const alertsByCategory = countBy(allAlerts.map((a) => a.attributes.category ?? '?'));
  const routineByCategory = countBy(
    routine.map((r) => ('alert' in r.outcome ? (r.outcome.alert?.category ?? '?') : '?')),
  );
  const unrouted = countBy(
    withStatus('no-handler').map((r) => ('detailType' in r.outcome ? r.outcome.detailType : '?')),
  );

  const row = (label: string, value: number | string, note = ''): string =>
    `  ${label.padEnd(44)}${String(value).padStart(5)}${note ? `   ${note}` : ''}`;
  const lines = [
    rule('='),
    ' SUMMARY',
    rule('='),
    row('Events in', all.length),
    row('  replayed from events/', replayed.length),
    row('  malformed samples from events/invalid/', malformed.length),
    row(
      'Alerts out (all-alerts queue)',
      allAlerts.length,
      published === allAlerts.length ? '' : `(handlers published ${published})`,
    ),
    ...Object.entries(alertsByCategory).map(([category, n]) => row(`  ${category}`, n)),
    row(`Alerts to ${filtered.queue}`, filtered.count, `(filter policy ${filtered.policy})`),
    row('Routine events dropped (nothing published)', routine.length),
    ...Object.entries(routineByCategory).map(([category, n]) => row(`  ${category}`, n)),
  ];
  const muted = withStatus('muted').length;
  if (muted > 0) lines.push(row('Muted by configuration', muted));
  lines.push(row('Invalid rejected (logged and counted)', withStatus('invalid').length));
  lines.push(row('No handler yet', withStatus('no-handler').length));
  lines.push(...Object.entries(unrouted).map(([detailType, n]) => row(`  ${detailType}`, n)));
  const failed = withStatus('failed').length;
  if (failed > 0) lines.push(row('FAILED (would be retried, then dead-lettered)', failed));
  lines.push(rule('='));
  return lines.join('\n');
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of [...values].sort()) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
