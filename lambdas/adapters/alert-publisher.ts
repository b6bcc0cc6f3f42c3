import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert } from '../domain/alerts/alert';
import { toSnsMessage } from '../domain/alerts/sns-message';

/** Publishes a rendered alert. Errors propagate: the caller's retry and dead-letter path owns them. */
export class AlertPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(alert: Alert): Promise<string> {
    const { subject, message, attributes } = toSnsMessage(alert);
    const out = await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: subject,
        Message: message,
        MessageStructure: 'json',
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
        ),
      }),
    );
    return out.MessageId ?? '';
  }
}
