import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../lambdas/domain/events/ecs-event';
import { parseTaskStateChange } from '../../lambdas/domain/events/task-event';
import { taskEvent } from '../support/events';

const parse = (raw: unknown) => parseTaskStateChange(parseEnvelope(raw));

describe('parseTaskStateChange', () => {
  it('flattens the fields the watchdog reasons about', () => {
    const task = parse(
      taskEvent({
        cpu: '256',
        memory: '512',
        attachments: [{ type: 'eni', details: [{ name: 'subnetId', value: 'subnet-1' }] }],
        containers: [{ name: 'api', exitCode: 1, memory: '512', memoryReservation: '256' }],
      }),
    );
    expect(task).toMatchObject({
      cluster: 'production',
      service: 'api-service',
      taskId: '0123456789abcdef0123456789abcdef',
      taskDefinition: 'api-service:42',
      subnetId: 'subnet-1',
      cpu: 256,
      memory: 512,
      containers: [{ name: 'api', exitCode: 1, memory: 512, memoryReservation: 256 }],
    });
  });

  it.each([
    ['not an object', 'hello', 'event: expected an object, got a string'],
    ['another source', { ...taskEvent(), source: 'aws.ec2' }, 'event.source: expected "aws.ecs", got "aws.ec2"'],
    ['no detail', { ...taskEvent(), detail: undefined }, 'event.detail: expected an object, got nothing'],
    ['containers not an array', taskEvent({ containers: {} }), 'detail.containers: expected an array, got an object'],
    [
      'a container without a name',
      taskEvent({ containers: [{ exitCode: 1 }] }),
      'detail.containers[0].name: expected a non-empty string, got nothing',
    ],
    [
      'a non-numeric exit code',
      taskEvent({ containers: [{ name: 'a', exitCode: 'x' }] }),
      'detail.containers[0].exitCode: expected a number, got a string',
    ],
    [
      'another detail-type',
      { ...taskEvent(), 'detail-type': 'EC2 Instance State-change Notification' },
      'event.detail-type: expected "ECS Task State Change"',
    ],
  ])('rejects %s with an error naming the field', (_name, raw, message) => {
    expect(() => parse(raw)).toThrow(message);
  });
});
