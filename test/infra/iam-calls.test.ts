import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, describe, expect, it } from 'vitest';
import type { WatchdogFunction } from '../../infra/watchdog-function.js';
import { sdkCalls } from '../support/sdk-calls';
import { actionsOf, defined, type Json, logicalIdOf, roleStatements, synthWatchdog } from './helpers.js';

afterAll(() => CloudAssembly.cleanupTemporaryDirectories());

/**
 * Least privilege, checked against the code: every action granted to a function's role is one its
 * bundle sends (the `*Command` classes it builds, test/support/sdk-calls.ts), or one the Lambda
 * platform performs with that role, on that one resource. Nothing granted goes unused, nothing sent
 * goes ungranted.
 */
describe('granted actions against the calls the code makes', () => {
  const { template, watchdog } = synthWatchdog();
  const arnOf = (construct: Parameters<typeof logicalIdOf>[0]) =>
    JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(construct), 'Arn'] });
  const deadLetterQueue = arnOf(watchdog.deadLetterQueue);
  const topicKey = arnOf(defined(watchdog.alertTopicKey));

  /** What the platform does with a function's role, each on its one resource. */
  function platform(fn: WatchdogFunction, extra: [string, string][] = []): [string, string][] {
    return [
      // The runtime writes the function's own logs.
      ['logs:CreateLogStream', arnOf(fn.logGroup)],
      ['logs:PutLogEvents', arnOf(fn.logGroup)],
      // SNS encrypts the published message with the topic's customer managed key, as the publisher.
      ['kms:Decrypt', topicKey],
      ['kms:GenerateDataKey*', topicKey],
      ...extra,
    ];
  }
  const onFailure: [string, string][] = [['sqs:SendMessage', deadLetterQueue]];
  const timerQueue = arnOf(watchdog.incidents.timerQueue);

  const functions: [string, WatchdogFunction, [string, string][]][] = [
    ['task-stopped', watchdog.taskStopped, platform(watchdog.taskStopped, onFailure)],
    ['rollout', watchdog.rolloutWatch.handler, platform(watchdog.rolloutWatch.handler, onFailure)],
    [
      'timer',
      watchdog.incidents.timer,
      // The SQS event source mapping polls the timer queue with the function's role.
      platform(watchdog.incidents.timer, [
        ['sqs:ReceiveMessage', timerQueue],
        ['sqs:DeleteMessage', timerQueue],
        ['sqs:GetQueueAttributes', timerQueue],
      ]),
    ],
    // Scheduled every minute without retries (the next run is the retry): no dead-letter queue.
    ['sweep', watchdog.incidents.sweep, platform(watchdog.incidents.sweep, [])],
    [
      'capacity-scan',
      defined(watchdog.capacityScan).handler,
      platform(defined(watchdog.capacityScan).handler, onFailure),
    ],
  ];

  it.each(functions)(
    '%s: every granted action is called by its code or used by the platform',
    (entry, fn, platformUse) => {
      const calls = sdkCalls(entry);
      const granted = roleStatements(template, fn.role).flatMap((s: Json) =>
        actionsOf(s).flatMap((action) =>
          [s.Resource].flat().map((resource: Json) => [action, JSON.stringify(resource)]),
        ),
      ) as [string, string][];
      const unused = granted.filter(
        ([action, resource]) => !calls.has(action) && !platformUse.some(([a, r]) => a === action && r === resource),
      );
      expect(unused).toEqual([]);
      const grantedActions = new Set(granted.map(([action]) => action));
      expect([...calls.keys()].filter((action) => !grantedActions.has(action))).toEqual([]);
    },
  );

  it("reads the calls from each entry's own code, not from a list", () => {
    const timer = [...sdkCalls('timer').keys()];
    const taskStopped = [...sdkCalls('task-stopped').keys()];
    expect(taskStopped).toEqual(
      expect.arrayContaining(['logs:GetLogEvents', 'ecs:DescribeTaskDefinition', 'sns:Publish']),
    );
    // The timer bundles the alert publisher and the incident store, not the enrichment readers.
    expect(timer).toContain('sns:Publish');
    expect(timer.filter((action) => action.startsWith('ecs:') || action.startsWith('logs:'))).toEqual([]);
  });
});
