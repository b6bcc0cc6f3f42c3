import { accountLabel } from '../accounts/member-accounts';
import type { Alert } from './alert';
import { AS_IS, type Escaping, joinLines } from './json-text';

/**
 * Plain text for e-mail: the answer first, then the evidence, then what to do. Written as it is, or
 * escaped for a JSON string as the SNS message carries it.
 */
export function renderEmail(alert: Alert, escaping: Escaping = AS_IS): string {
  const lines: string[] = [alert.title, '', alert.summary, ''];
  if (alert.verdict) lines.push(`Likely cause: ${alert.verdict}`, '');
  const where: [string, string | undefined][] = [
    ['Severity', alert.severity],
    ['Category', alert.category],
    [
      'Account / region',
      `${accountLabel(alert.account, alert.accountName ? { [alert.account]: alert.accountName } : {})} / ${alert.region}`,
    ],
    ['Cluster', alert.cluster],
    ['Service', alert.service],
    ['Team', alert.team],
    ['Task definition', alert.taskDefinition],
    ['Culprit container', alert.culpritContainer],
    ['Task', alert.taskArn],
    ['Occurred at', alert.occurredAt],
  ];
  for (const [label, value] of where) if (value !== undefined) lines.push(`${label}: ${value}`);
  lines.push('');

  if (alert.nextSteps.length > 0) {
    lines.push('NEXT STEPS');
    lines.push(...alert.nextSteps.map((step, i) => `  ${i + 1}. ${step}`));
    lines.push('');
  }

  lines.push('EVIDENCE');
  for (const fact of alert.evidence.facts) lines.push(`  ${fact.label}: ${fact.value}`);
  for (const c of alert.evidence.containers ?? []) {
    const limits =
      c.memoryHardMiB !== undefined || c.memorySoftMiB !== undefined
        ? `, memory hard ${c.memoryHardMiB ?? '-'} MiB / soft ${c.memorySoftMiB ?? '-'} MiB`
        : '';
    const essential = c.essential === undefined ? '' : c.essential ? ', essential' : ', not essential';
    lines.push(
      `  Container ${c.name}${c.culprit ? ' (CULPRIT)' : ''}: exit ${c.exitCode ?? 'none'} - ${c.exitMeaning}${essential}${limits}`,
    );
    if (c.reason) lines.push(`    reason: ${c.reason}`);
  }
  const excerpt = alert.evidence.logExcerpt;
  if (excerpt) {
    lines.push(
      '',
      `LAST ${excerpt.lines.length} LOG LINES (${excerpt.container}, ${excerpt.logGroup} ${excerpt.logStream})`,
    );
    lines.push(...excerpt.lines.map((l) => `  ${l}`));
  }
  lines.push('');

  if (alert.links.length > 0) {
    lines.push('LINKS');
    lines.push(...alert.links.map((l) => `  ${l.label}: ${l.url}`), '');
  }
  if (alert.enrichmentErrors.length > 0) {
    lines.push('NOT LOOKED UP (the alert was sent without these)');
    lines.push(...alert.enrichmentErrors.map((e) => `  ${e.lookup}: ${e.message}`), '');
  }
  lines.push(`Incident ${alert.incidentId} - sent by ECS Watchdog`);
  return joinLines(lines, escaping);
}
