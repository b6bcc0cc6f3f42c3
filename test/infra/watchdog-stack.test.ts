import { Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, describe, expect, it } from 'vitest';
import { WatchdogStack } from '../../infra/watchdog-stack.js';
import { testApp } from './helpers.js';

afterAll(() => CloudAssembly.cleanupTemporaryDirectories());

describe('WatchdogStack', () => {
  it('outputs what subscribers and `ecs-watchdog replay` need', () => {
    const stack = new WatchdogStack(testApp(), 'EcsWatchdog');
    const outputs = Template.fromStack(stack).findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual([
      'AlertTopicArn',
      'DeadLetterQueueUrl',
      'OpsTopicArn',
      'StateTableName',
      'TimerQueueUrl',
    ]);
  });
});
