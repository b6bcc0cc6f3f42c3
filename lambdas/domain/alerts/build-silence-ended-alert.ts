import type { Incident } from '../incidents/incident';
import type { SilenceMark } from '../incidents/incident-store';
import { type Alert, toSubject } from './alert';

/**
 * A silence ended while the incident it held is still open (README "Silences and maintenance
 * windows"): one page says so, with what happened while it was silenced. `silenced` is the page the
 * silence held (its evidence and next steps are still the right ones).
 */
export function buildSilenceEndedAlert(incident: Incident, silenced: Alert, mark: SilenceMark, endedAt: string): Alert {
  const whileSilenced = Math.max(1, incident.stopCount - (mark.stopCount ?? 1) + 1);
  const owner = incident.scope.service ?? incident.taskDefinition.split(':')[0] ?? incident.taskDefinition;
  const doing = incident.kind === 'RESTART_LOOP' ? 'still looping' : 'still failing';
  const severity = incident.kind === 'RESTART_LOOP' ? 'CRITICAL' : silenced.severity;
  return {
    ...silenced,
    severity,
    actionable: true,
    title: toSubject(
      `${severity} ${doing.toUpperCase()}: ${owner} in ${incident.scope.cluster ?? '?'} - ${whileSilenced} stops while silenced`,
    ),
    summary:
      `The silence ${mark.silenceId} ended at ${endedAt} and ${owner} (${incident.taskDefinition}) is ${doing}: ` +
      `${whileSilenced} stops while silenced, ${incident.stopCount} since the incident opened at ${incident.openedAt} ` +
      `(latest ${incident.lastSeenAt}).`,
    evidence: {
      ...silenced.evidence,
      facts: [
        { label: 'Silence', value: `${mark.silenceId}, ended ${endedAt}` },
        { label: 'Stops while silenced', value: String(whileSilenced) },
        { label: 'Stops in incident', value: String(incident.stopCount) },
        { label: 'Latest stop', value: incident.lastSeenAt },
        ...silenced.evidence.facts.filter((f) => f.label !== 'Stops in incident' && f.label !== 'Latest stop'),
      ],
    },
    alertId: undefined,
    dedupeKey: `${incident.id}/silence-ended/${mark.silenceId}`,
    incidentId: incident.id,
    occurredAt: endedAt,
  };
}
