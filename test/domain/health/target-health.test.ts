import { describe, expect, it } from 'vitest';
import {
  parseUnhealthyTargetEvent,
  TARGET_HEALTH_REASONS,
  targetFailure,
  targetGroupOfStopReason,
} from '../../../lambdas/domain/health/target-health';

/**
 * Reason codes and descriptions as the Elastic Load Balancing API Reference documents them
 * (TargetHealth: Reason, Description) and as describe-target-health prints them in public examples
 * (AWS SDK code examples: "Target.ResponseCodeMismatch: Health checks failed with these codes: [503]").
 */
describe('targetFailure', () => {
  it.each([
    ['Target.ResponseCodeMismatch', 'Health checks failed with these codes: [404]', 'response-code', [404]],
    ['Target.ResponseCodeMismatch', 'Health checks failed with these codes: [500]', 'response-code', [500]],
    // Seen with the codes in a FailedHealthChecks description too (public troubleshooting notes).
    ['Target.FailedHealthChecks', 'Health checks failed with these codes: [403]', 'response-code', [403]],
    ['Target.ResponseCodeMismatch', 'Health checks failed with these codes: [301, 302]', 'response-code', [301, 302]],
    ['Target.Timeout', 'Request timed out', 'timeout', []],
    ['Target.FailedHealthChecks', 'Health checks failed', 'connection', []],
    ['Elb.InternalError', 'Health checks failed due to an internal error', 'internal', []],
  ])('%s "%s" is a %s failure', (reason, description, kind, codes) => {
    expect(targetFailure(reason, description)).toMatchObject({ kind, codes, reason, description });
  });

  it('reads the ECS service event reason text alone, which has no reason code', () => {
    expect(targetFailure(undefined, 'Health checks failed with these codes: [404]')).toMatchObject({
      kind: 'response-code',
      codes: [404],
    });
    expect(targetFailure(undefined, 'Request timed out').kind).toBe('timeout');
    expect(targetFailure(undefined, 'Health checks failed').kind).toBe('connection');
    expect(
      targetFailure(undefined, 'Target is in an Availability Zone that is not enabled for the load balancer').kind,
    ).toBe('zone-not-enabled');
    expect(targetFailure(undefined, 'something new').kind).toBe('unknown');
  });

  it('documents every reason code of the API reference', () => {
    expect(Object.keys(TARGET_HEALTH_REASONS).sort()).toEqual([
      'Elb.InitialHealthChecking',
      'Elb.InternalError',
      'Elb.RegistrationInProgress',
      'Target.DeregistrationInProgress',
      'Target.FailedHealthChecks',
      'Target.HealthCheckDisabled',
      'Target.InvalidState',
      'Target.IpUnusable',
      'Target.NotInUse',
      'Target.NotRegistered',
      'Target.ResponseCodeMismatch',
      'Target.Timeout',
    ]);
  });
});

describe('parseUnhealthyTargetEvent', () => {
  const TG =
    'arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/devel-Targe-1111111111111/1111111111111111';

  it('reads the awsvpc wording, naming the task', () => {
    expect(
      parseUnhealthyTargetEvent({
        createdAt: '2025-03-10T10:21:33.870Z',
        message: `(service catalog-api) (task 795dee6c0b2d4c8e9d3f5a7b1c2d3e4f) (port 8080) is unhealthy in (target-group ${TG}) due to (reason Health checks failed with these codes: [404]).`,
      }),
    ).toEqual({
      createdAt: '2025-03-10T10:21:33.870Z',
      taskId: '795dee6c0b2d4c8e9d3f5a7b1c2d3e4f',
      instanceId: undefined,
      port: 8080,
      targetGroupArn: TG,
      reasonText: 'Health checks failed with these codes: [404]',
    });
  });

  it('reads the bridge-mode wording, naming the instance and host port (public tooling quotes it)', () => {
    expect(
      parseUnhealthyTargetEvent({
        message: `(service XXX) (instance i-0abc1234def567890) (port 32875) is unhealthy in (target-group ${TG}) due to (reason Health checks failed with these codes: [400])`,
      }),
    ).toMatchObject({
      instanceId: 'i-0abc1234def567890',
      port: 32875,
      reasonText: 'Health checks failed with these codes: [400]',
    });
  });

  it('reads reasons without codes and ignores other service events', () => {
    expect(
      parseUnhealthyTargetEvent({
        message:
          '(service web) (instance i-1) (port 8080) is unhealthy in (target-group tg) due to (reason Health checks failed).',
      })?.reasonText,
    ).toBe('Health checks failed');
    expect(
      parseUnhealthyTargetEvent({
        message:
          '(service api) (task 66066f5cae104f0fae66c804d885fae7) (port 3000) is unhealthy in (target-group arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/opshub-develop-api/1) due to (reason Target is in an Availability Zone that is not enabled for the load balancer)',
      })?.reasonText,
    ).toBe('Target is in an Availability Zone that is not enabled for the load balancer');
    expect(parseUnhealthyTargetEvent({ message: '(service web) has reached a steady state.' })).toBeUndefined();
    expect(
      parseUnhealthyTargetEvent({ message: '(service web) has stopped 1 running tasks: (task a).' }),
    ).toBeUndefined();
  });
});

describe('targetGroupOfStopReason', () => {
  it('reads the target group from the stopped reason; the classic ELB wording names none', () => {
    expect(
      targetGroupOfStopReason(
        'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api-service-tg/6d0ecf831eec9f09)',
      ),
    ).toBe('arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api-service-tg/6d0ecf831eec9f09');
    expect(targetGroupOfStopReason('Task failed ELB health checks in (elb api-service-elb)')).toBeUndefined();
    expect(targetGroupOfStopReason(undefined)).toBeUndefined();
  });
});
