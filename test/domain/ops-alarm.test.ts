import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { OpsPublisher } from '../../lambdas/adapters/ops-publisher';
import { processOpsAlarm } from '../../lambdas/app/process-ops-alarm';
import { MemoryCounter, silentLog } from '../../lambdas/app/shared/telemetry';
import { alarmMessage, parseAlarmStateChange } from '../../lambdas/domain/alerts/ops-alarm';

const snsMock = mockClient(SNSClient);

/** The shape of a "CloudWatch Alarm State Change" event (CloudWatch user guide, "Alarm events and EventBridge"). */
const EVENT = {
  version: '0',
  id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
  'detail-type': 'CloudWatch Alarm State Change',
  source: 'aws.cloudwatch',
  account: '123456789012',
  time: '2026-11-26T03:20:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:EcsWatchdog-UndeliveredAlertAlarm'],
  detail: {
    alarmName: 'EcsWatchdog-UndeliveredAlertAlarm',
    state: {
      value: 'ALARM',
      reason: 'Threshold Crossed: 1 datapoint [1860.0] was greater than or equal to the threshold (900.0).',
      timestamp: '2026-11-26T03:20:00.000+0000',
    },
    previousState: { value: 'OK', reason: 'Threshold Crossed', timestamp: '2026-11-26T02:00:00.000+0000' },
    configuration: { description: 'An alert has waited more than 15 minutes in the outbox.', metrics: [] },
  },
};

beforeEach(() => {
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('watchdog alarm relay', () => {
  it('republishes an alarm with the attributes ops subscriptions filter on', async () => {
    const counter = new MemoryCounter();
    const publisher = new OpsPublisher(
      new SNSClient({ region: 'us-east-1' }),
      'arn:aws:sns:us-east-1:123456789012:ops',
    );
    expect(await processOpsAlarm(EVENT, { publisher, log: silentLog, counter })).toBe('relayed');
    const input = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.TopicArn).toBe('arn:aws:sns:us-east-1:123456789012:ops');
    expect(input?.Subject).toBe('ALARM: EcsWatchdog-UndeliveredAlertAlarm');
    expect(input?.MessageAttributes).toEqual({
      kind: { DataType: 'String', StringValue: 'WATCHDOG_ALARM' },
      severity: { DataType: 'String', StringValue: 'HIGH' },
      category: { DataType: 'String', StringValue: 'EcsWatchdog-UndeliveredAlertAlarm' },
      cluster: { DataType: 'String', StringValue: '-' },
      service: { DataType: 'String', StringValue: '-' },
      team: { DataType: 'String', StringValue: 'unassigned' },
      account: { DataType: 'String', StringValue: '123456789012' },
      region: { DataType: 'String', StringValue: 'us-east-1' },
      actionable: { DataType: 'String', StringValue: 'true' },
      resolves: { DataType: 'String', StringValue: 'false' },
    });
    expect(input?.Message).toContain('An alert has waited more than 15 minutes in the outbox.');
    expect(counter.counts.AlarmsRelayed).toBe(1);
  });

  it('tells a return to OK as the all-clear of the alarm, with its severity, so the filters that paged get it', () => {
    const ok = {
      ...EVENT,
      detail: { ...EVENT.detail, state: { ...EVENT.detail.state, value: 'OK' }, previousState: { value: 'ALARM' } },
    };
    expect(alarmMessage(parseAlarmStateChange(ok)).attributes).toMatchObject({
      severity: 'HIGH',
      actionable: 'false',
      resolves: 'true',
    });
    const fromInsufficientData = { ...ok, detail: { ...ok.detail, previousState: { value: 'INSUFFICIENT_DATA' } } };
    expect(alarmMessage(parseAlarmStateChange(fromInsufficientData)).attributes).toMatchObject({
      severity: 'INFO',
      resolves: 'false',
    });
  });

  it('rejects what is not an alarm state change, naming the field, and publishes nothing', async () => {
    expect(() => parseAlarmStateChange({ ...EVENT, 'detail-type': 'ECS Task State Change' })).toThrow(
      'event.detail-type',
    );
    expect(() => parseAlarmStateChange({ ...EVENT, detail: { state: { value: 'ALARM' } } })).toThrow(
      'event.detail.alarmName',
    );
    const counter = new MemoryCounter();
    const publisher = new OpsPublisher(
      new SNSClient({ region: 'us-east-1' }),
      'arn:aws:sns:us-east-1:123456789012:ops',
    );
    expect(await processOpsAlarm({ nope: true }, { publisher, log: silentLog, counter })).toBe('invalid');
    expect(counter.counts.InvalidEvents).toBe(1);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });
});
