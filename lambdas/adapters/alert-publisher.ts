import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { withAccountName } from '../domain/alerts/account-name';
import type { Alert } from '../domain/alerts/alert';
import { type Redactor, redact } from '../domain/alerts/redact';
import { redactAlert } from '../domain/alerts/redact-alert';
import { toSnsMessage } from '../domain/alerts/sns-message';

/**
 * Publishes a rendered alert, through the redaction gate. Errors propagate: the caller's retry and
 * dead-letter path owns them.
 */
export class AlertPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
    /** The built-in rules plus the `redactPatterns` setting. */
    private readonly redactor: Redactor = redact,
    /** The `accountNames` setting: alerts of a named account carry its name. */
    private readonly accountNames: Readonly<Record<string, string>> = {},
  ) {}

  async publish(alert: Alert): Promise<string> {
    const named = withAccountName(alert, this.accountNames);
    const { subject, message, attributes } = toSnsMessage(redactAlert(named, this.redactor));
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
