/**
 * Recurring maintenance windows (the `maintenanceWindows` setting): a weekly or daily window, in UTC,
 * with a duration and a scope, during which matching alerts are silenced like under a silence.
 * Written `DAY HH:MM/DURATION key=value…`, e.g. `SUN 02:00/2h cluster=prod service=api`, where DAY is
 * MON…SUN or `daily`, DURATION as for silences (`90m`, `2h`, `1d`), and the keys `cluster` (required; `*`
 * for every cluster), `service` and `category`.
 */
import { parseDuration, type Silence, type SilenceScope } from './silence';

export interface MaintenanceWindow extends SilenceScope {
  /** The text it was given as: its name in silenced alerts and logs. */
  spec: string;
  /** 0 = Sunday … 6 = Saturday; undefined: every day. */
  weekday?: number;
  /** Minutes after midnight UTC. */
  startMinute: number;
  durationMs: number;
}

const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const DAY_MS = 24 * 3600_000;

/** The window a spec describes, or why it is not one (a message for the setting's error). */
export function parseMaintenanceWindow(spec: string): MaintenanceWindow | string {
  const head = spec.trim().match(/^(\S+)\s+(\d{2}):(\d{2})\/(\S+)((?:\s+\S+)*)$/);
  if (!head) return 'is not "DAY HH:MM/DURATION cluster=NAME [service=NAME] [category=NAME]"';
  const [, day = '', hh = '', mm = '', length = '', rest = ''] = head;
  const weekday = day.toLowerCase() === 'daily' ? undefined : DAYS.indexOf(day.toUpperCase());
  if (weekday === -1) return `names the day "${day}" (MON…SUN, or daily)`;
  if (Number(hh) > 23 || Number(mm) > 59) return `starts at "${hh}:${mm}", not a time of day (UTC)`;
  const durationMs = parseDuration(length);
  if (!durationMs) return `lasts "${length}", not a duration (e.g. 90m, 2h)`;
  if (durationMs > (weekday === undefined ? DAY_MS : 7 * DAY_MS)) return 'lasts longer than the period it repeats in';
  const fields: Record<string, string> = {};
  for (const pair of rest.trim().split(/\s+/).filter(Boolean)) {
    const [key = '', value = ''] = pair.split('=');
    if (!['cluster', 'service', 'category'].includes(key) || !value)
      return `has "${pair}" (cluster=, service=, category=)`;
    fields[key] = value;
  }
  if (!fields.cluster) return 'has no cluster= (a cluster name, or * for every cluster)';
  return {
    spec: spec.trim(),
    weekday,
    startMinute: Number(hh) * 60 + Number(mm),
    durationMs,
    cluster: fields.cluster,
    ...(fields.service ? { service: fields.service } : {}),
    ...(fields.category ? { category: fields.category } : {}),
  };
}

/** The occurrence of the window that covers `now`, as a silence (its id names the occurrence). */
export function activeOccurrence(window: MaintenanceWindow, now: string): Silence | undefined {
  const at = Date.parse(now);
  const day = Math.floor(at / DAY_MS) * DAY_MS;
  // The latest start at or before now: today's, or up to a period back.
  for (let back = 0; back <= 7; back++) {
    const dayStart = day - back * DAY_MS;
    if (window.weekday !== undefined && new Date(dayStart).getUTCDay() !== window.weekday) continue;
    const start = dayStart + window.startMinute * 60_000;
    if (start > at) continue;
    if (at >= start + window.durationMs) return undefined;
    const startsAt = new Date(start).toISOString();
    return {
      id: `maintenance ${startsAt.slice(0, 16)} ${window.spec}`,
      cluster: window.cluster,
      service: window.service,
      category: window.category,
      startsAt,
      endsAt: new Date(start + window.durationMs).toISOString(),
      reason: `maintenance window ${window.spec}`,
      createdBy: 'maintenanceWindows setting',
      createdAt: startsAt,
    };
  }
  return undefined;
}
