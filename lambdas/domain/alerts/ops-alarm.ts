/**
 * A watchdog alarm as the ops topic's subscribers get it from the relay (README "Watching the
 * watchdog"): CloudWatch's own alarm notifications carry no message attributes, so attribute filter
 * policies cannot select them; the relay republishes each state change with the attributes alerts carry.
 */
import { InvalidEventError } from '../events/invalid-event';
import { isObject } from '../events/read-fields';
import { toSubject } from './alert';
import { type SnsMessage, UNASSIGNED_TEAM, withoutEmpty } from './sns-message';

/** The `kind` attribute of a relayed alarm (alerts have TASK_STOPPED, ROLLOUT, ...). */
export const WATCHDOG_ALARM_KIND = 'WATCHDOG_ALARM';

export interface AlarmStateChange {
  alarmName: string;
  alarmArn: string;
  state: string;
  previousState?: string;
  reason: string;
  description?: string;
  /** ISO time of the state change. */
  at: string;
  account: string;
  region: string;
}

/** Reads an EventBridge "CloudWatch Alarm State Change" event; names the field that is missing. */
export function parseAlarmStateChange(raw: unknown): AlarmStateChange {
  if (!isObject(raw)) throw new InvalidEventError('event', 'expected an object');
  if (raw['detail-type'] !== 'CloudWatch Alarm State Change')
    throw new InvalidEventError(
      'event.detail-type',
      `expected "CloudWatch Alarm State Change", got ${JSON.stringify(raw['detail-type'])}`,
    );
  const detail = raw.detail;
  if (!isObject(detail)) throw new InvalidEventError('event.detail', 'expected an object');
  const state = isObject(detail.state) ? detail.state : {};
  const previous = isObject(detail.previousState) ? detail.previousState : {};
  const configuration = isObject(detail.configuration) ? detail.configuration : {};
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const alarmName = text(detail.alarmName);
  const value = text(state.value);
  if (!alarmName) throw new InvalidEventError('event.detail.alarmName', 'expected a non-empty string');
  if (!value) throw new InvalidEventError('event.detail.state.value', 'expected a non-empty string');
  const resources = Array.isArray(raw.resources) ? raw.resources : [];
  return {
    alarmName,
    alarmArn: text(resources[0]) ?? alarmName,
    state: value,
    previousState: text(previous.value),
    reason: text(state.reason) ?? '',
    description: text(configuration.description),
    at: text(state.timestamp) ?? text(raw.time) ?? '',
    account: text(raw.account) ?? '',
    region: text(raw.region) ?? '',
  };
}

/** The message: readable text, and the attributes an ops subscription filters on. */
export function alarmMessage(change: AlarmStateChange): SnsMessage {
  // An alarm pages HIGH; its return to OK is the all-clear of that page, with the same severity (docs/routing.md).
  const severity = change.state === 'ALARM' || change.previousState === 'ALARM' ? 'HIGH' : 'INFO';
  const subject = toSubject(`${change.state}: ${change.alarmName}`);
  const lines = [
    subject,
    '',
    `State: ${change.previousState ?? '?'} -> ${change.state} at ${change.at}`,
    `Reason: ${change.reason}`,
    ...(change.description ? ['', 'WHAT TO DO', change.description] : []),
    '',
    `Alarm: ${change.alarmArn}`,
    `Account / region: ${change.account} / ${change.region}`,
  ];
  return {
    subject,
    message: lines.join('\n'),
    attributes: withoutEmpty({
      kind: WATCHDOG_ALARM_KIND,
      severity,
      category: change.alarmName,
      cluster: undefined,
      service: undefined,
      team: UNASSIGNED_TEAM,
      account: change.account,
      region: change.region,
      actionable: String(change.state === 'ALARM'),
      // The state reads as `actionable` (ALARM) and `resolves` (OK after ALARM): an 11th attribute would be too many.
      resolves: String(change.state === 'OK' && change.previousState === 'ALARM'),
    }),
  };
}
