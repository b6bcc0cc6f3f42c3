import { namedAccount } from '../accounts/member-accounts';
import type { Alert } from './alert';
import { AS_IS, type Escaping, joinLazily } from './json-text';

/**
 * Plain text for e-mail: the answer first, then the evidence, then what to do. Written as it is, or
 * escaped for a JSON string as the SNS message carries it: what the alert says is escaped as it is
 * written, the renderer's own words need none.
 */
export function renderEmail(alert: Alert, escaping: Escaping = AS_IS): string {
  const t = escaping.text;
  const lines: string[] = [t(alert.title), '', t(alert.summary), ''];
  if (alert.verdict) lines.push(`Likely cause: ${t(alert.verdict)}`, '');
  const fields: [label: string, value: string | undefined][] = [
    ['Severity', alert.severity],
    ['Category', alert.category],
    ['Account / region', `${namedAccount(alert.account, alert.accountName)} / ${alert.region}`],
    ['Cluster', alert.cluster],
    ['Service', alert.service],
    ['Team', alert.team],
    ['Task definition', alert.taskDefinition],
    ['Culprit container', alert.culpritContainer],
    ['Task', alert.taskArn],
    ['Occurred at', alert.occurredAt],
  ];
  for (const field of fields) if (field[1] !== undefined) lines.push(`${field[0]}: ${t(field[1])}`);
  lines.push('');

  if (alert.nextSteps.length > 0) {
    lines.push('NEXT STEPS');
    alert.nextSteps.forEach((step, i) => {
      lines.push(`  ${i + 1}. ${t(step)}`);
    });
    lines.push('');
  }

  lines.push('EVIDENCE');
  for (const fact of alert.evidence.facts) lines.push(`  ${t(fact.label)}: ${t(fact.value)}`);
  for (const c of alert.evidence.containers ?? []) {
    const limits =
      c.memoryHardMiB !== undefined || c.memorySoftMiB !== undefined
        ? `, memory hard ${c.memoryHardMiB ?? '-'} MiB / soft ${c.memorySoftMiB ?? '-'} MiB`
        : '';
    const essential = c.essential === undefined ? '' : c.essential ? ', essential' : ', not essential';
    const exit = `exit ${c.exitCode ?? 'none'} - ${t(c.exitMeaning)}`;
    lines.push(`  Container ${t(c.name)}${c.culprit ? ' (CULPRIT)' : ''}: ${exit}${essential}${limits}`);
    if (c.reason) lines.push(`    reason: ${t(c.reason)}`);
  }
  const excerpt = alert.evidence.logExcerpt;
  if (excerpt) {
    const stream = `${t(excerpt.container)}, ${t(excerpt.logGroup)} ${t(excerpt.logStream)}`;
    lines.push('', `LAST ${excerpt.lines.length} LOG LINES (${stream})`);
    for (const line of excerpt.lines) lines.push(`  ${t(line)}`);
  }
  lines.push('');

  if (alert.links.length > 0) {
    lines.push('LINKS');
    for (const link of alert.links) lines.push(`  ${t(link.label)}: ${t(link.url)}`);
    lines.push('');
  }
  if (alert.enrichmentErrors.length > 0) {
    lines.push('NOT LOOKED UP (the alert was sent without these)');
    for (const e of alert.enrichmentErrors) lines.push(`  ${t(e.lookup)}: ${t(e.message)}`);
    lines.push('');
  }
  lines.push(`Incident ${t(alert.incidentId)} - sent by ECS Watchdog`);
  return joinLazily(lines, escaping.newline);
}
