import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** A dead-letter queue as the watchdog keeps them: encrypted, TLS only, 14 days; `holds` says what lands in it. */
export function deadLetterQueue(scope: Construct, holds: string): sqs.Queue {
  const queue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  // cdk-nag asks every queue for a dead-letter queue of its own; this one is the last stop.
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is the dead-letter queue of ${holds}.`,
  });
  return queue;
}
