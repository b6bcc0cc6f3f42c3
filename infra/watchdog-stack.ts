import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { EcsWatchdog, type EcsWatchdogProps } from './ecs-watchdog.js';

export interface WatchdogStackProps extends StackProps {
  /** Settings of the watchdog; see {@link EcsWatchdogProps}. */
  readonly watchdog?: EcsWatchdogProps;
}

/** A stack holding one EcsWatchdog: what `cdk deploy` deploys from this repository. */
export class WatchdogStack extends Stack {
  readonly watchdog: EcsWatchdog;

  constructor(scope: Construct, id: string, props: WatchdogStackProps = {}) {
    super(scope, id, {
      description: 'ECS Watchdog: classifies why ECS tasks stop and pages with the answer',
      ...props,
    });
    this.watchdog = new EcsWatchdog(this, 'Watchdog', props.watchdog);
    // What subscribers and `ecs-watchdog replay` need to know about this deployment.
    new CfnOutput(this, 'AlertTopicArn', { value: this.watchdog.alertTopic.topicArn });
    new CfnOutput(this, 'StateTableName', { value: this.watchdog.incidents.table.tableName });
    new CfnOutput(this, 'TimerQueueUrl', { value: this.watchdog.incidents.timerQueue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.watchdog.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'OpsTopicArn', { value: this.watchdog.opsTopic.topicArn });
  }
}
