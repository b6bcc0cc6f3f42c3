import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import type { AttributeValue } from '../domain/alerts/sns-message';

/** Message attributes as SNS takes them: `String`, or `String.Array` for a list (docs/routing.md). */
export function toSnsAttributes(attributes: Record<string, AttributeValue>): Record<string, MessageAttributeValue> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      typeof value === 'string'
        ? { DataType: 'String', StringValue: value }
        : { DataType: 'String.Array', StringValue: JSON.stringify(value) },
    ]),
  );
}
