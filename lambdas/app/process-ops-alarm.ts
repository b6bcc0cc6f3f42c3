import type { OpsPublisher } from '../adapters/ops-publisher';
import { alarmMessage, parseAlarmStateChange } from '../domain/alerts/ops-alarm';
import { rejectInvalid } from './shared/invalid-input';
import type { Counter, Log } from './shared/telemetry';

export interface OpsAlarmDeps {
  publisher: Pick<OpsPublisher, 'publish'>;
  log: Log;
  counter: Counter;
}

/**
 * A watchdog alarm changed state: republish it to the ops topic with message attributes. A failed
 * publish fails the invocation (Lambda retries it); the alarm's own SNS action has already reached
 * the topic's unfiltered subscribers, so this relay is never the only path.
 */
export async function processOpsAlarm(raw: unknown, deps: OpsAlarmDeps): Promise<'relayed' | 'invalid'> {
  let change: ReturnType<typeof parseAlarmStateChange>;
  try {
    change = parseAlarmStateChange(raw);
  } catch (error) {
    rejectInvalid(error, raw, deps.log, deps.counter);
    return 'invalid';
  }
  const messageId = await deps.publisher.publish(alarmMessage(change));
  deps.counter.count('AlarmsRelayed');
  deps.log.info('Alarm relayed with attributes', { alarmName: change.alarmName, state: change.state, messageId });
  return 'relayed';
}
