import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type CapacityState, type CapacityStateStore, EMPTY_CAPACITY_STATE } from '../domain/capacity-incidents';

/** Key of the one item holding the capacity scan's open incidents. */
export const CAPACITY_STATE_KEY = 'capacity-scan#open-incidents';
/** The item expires this long after the last scan saved it: a removed watchdog leaves nothing behind. */
export const CAPACITY_STATE_TTL_SECONDS = 14 * 24 * 3600;

export class ConcurrentScanError extends Error {
  override readonly name = 'ConcurrentScanError';
}

/**
 * The capacity scan's open incidents, as one DynamoDB item (`pk` = {@link CAPACITY_STATE_KEY}): one
 * GetItem and at most one PutItem per scan whatever the number of subnets. A version attribute makes
 * the write conditional, so two overlapping scans cannot both open the same incident (the loser
 * fails, and its retry sees the winner's state). Each open incident is ~400 bytes: the 400 KB item
 * limit allows ~1000 subnets in trouble at once. When the shared incident store lands, a second
 * implementation of {@link CapacityStateStore} replaces this one; the decision logic does not change.
 */
export class DynamoDbCapacityStateStore implements CapacityStateStore {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async load(): Promise<CapacityState> {
    const out = await this.dynamodb.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: CAPACITY_STATE_KEY } },
        ConsistentRead: true,
      }),
    );
    const item = out.Item;
    if (!item) return EMPTY_CAPACITY_STATE;
    return {
      version: Number(item.version?.N ?? '0'),
      incidents: JSON.parse(item.incidents?.S ?? '{}'),
    };
  }

  async save(state: CapacityState, previous: CapacityState): Promise<void> {
    try {
      await this.dynamodb.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: { S: CAPACITY_STATE_KEY },
            version: { N: String(previous.version + 1) },
            incidents: { S: JSON.stringify(state.incidents) },
            expiresAt: { N: String(Math.floor(this.now() / 1000) + CAPACITY_STATE_TTL_SECONDS) },
          },
          ConditionExpression: previous.version === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ExpressionAttributeValues:
            previous.version === 0 ? undefined : { ':expected': { N: String(previous.version) } },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConcurrentScanError('another capacity scan saved its state first; this scan will be retried');
      }
      throw error;
    }
  }
}
