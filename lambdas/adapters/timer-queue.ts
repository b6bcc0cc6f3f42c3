import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** SQS can delay a message by at most 15 minutes; later timers are re-armed when they fire early. */
export const MAX_DELAY_SECONDS = 900;

export interface TimerMessage {
  type: 'release-held' | 'check-quiet';
  /** The state item the timer is about (a service scope). */
  scope: string;
  incidentId: string;
  /** ISO time the timer is due. */
  dueAt: string;
}

/** Timers as delayed SQS messages: no polling, and a failed timer run is retried and dead-lettered like any event. */
export class TimerQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly now: () => number = Date.now,
  ) {}

  async schedule(message: TimerMessage): Promise<void> {
    const delay = Math.ceil((Date.parse(message.dueAt) - this.now()) / 1000);
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, delay)),
      }),
    );
  }
}
