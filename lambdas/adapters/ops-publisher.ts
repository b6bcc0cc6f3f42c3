import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { SnsMessage } from '../domain/alerts/sns-message';
import { toSnsAttributes } from './sns-attributes';

/** Publishes a plain-text message with string attributes (the relayed watchdog alarms). */
export class OpsPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish({ subject, message, attributes }: SnsMessage): Promise<string> {
    const out = await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: subject,
        Message: message,
        MessageAttributes: toSnsAttributes(attributes),
      }),
    );
    return out.MessageId ?? '';
  }
}
