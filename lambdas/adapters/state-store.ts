import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

/** A JSON value and the version it was read at (0: never written). */
export interface Versioned<T> {
  value: T;
  version: number;
}

export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
}

export type Claim = 'claimed' | 'duplicate';

/** Claims outlive the dead-letter queue's 14 days, so a redriven event is still recognised. */
const CLAIM_TTL_SECONDS = 15 * 24 * 3600;

/**
 * The watchdog's memory, one DynamoDB table keyed by `pk`: versioned JSON items (incidents), written
 * only if nobody wrote since they were read (optimistic locking), and one claim item per event id
 * (duplicates). Every item carries `expiresAt` for the table's TTL.
 */
export class StateStore {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async get<T>(key: string, fallback: T): Promise<Versioned<T>> {
    const out = await this.dynamodb.send(
      new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: key } }, ConsistentRead: true }),
    );
    const item = out.Item;
    if (!item?.state?.S) return { value: fallback, version: 0 };
    return { value: JSON.parse(item.state.S) as T, version: Number(item.version?.N ?? '0') };
  }

  /** Writes `value` if the item is still at `expectedVersion`; throws VersionConflictError otherwise. */
  async put<T>(key: string, value: T, expectedVersion: number, ttlSeconds: number): Promise<void> {
    try {
      await this.dynamodb.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: { S: key },
            version: { N: String(expectedVersion + 1) },
            state: { S: JSON.stringify(value) },
            expiresAt: { N: String(this.epochSeconds() + ttlSeconds) },
          },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ExpressionAttributeValues:
            expectedVersion === 0 ? undefined : { ':expected': { N: String(expectedVersion) } },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new VersionConflictError(`${key} changed since it was read`);
      throw error;
    }
  }

  /**
   * Claims an event id for processing. A second delivery of the same event finds the claim and is a
   * duplicate, unless the first attempt failed (it released its claim) or died mid-way (its lease ran out).
   */
  async claimEvent(eventId: string, leaseSeconds: number): Promise<Claim> {
    const now = this.epochSeconds();
    try {
      await this.dynamodb.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: { S: `event#${eventId}` },
            status: { S: 'IN_PROGRESS' },
            leaseUntil: { N: String(now + leaseSeconds) },
            expiresAt: { N: String(now + CLAIM_TTL_SECONDS) },
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :inProgress AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': { S: 'IN_PROGRESS' }, ':now': { N: String(now) } },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'duplicate';
      throw error;
    }
  }

  async completeEvent(eventId: string): Promise<void> {
    await this.dynamodb.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: `event#${eventId}` } },
        UpdateExpression: 'SET #status = :done REMOVE leaseUntil',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':done': { S: 'DONE' } },
      }),
    );
  }

  /** Gives a claim back after a failure, so that the retry is not taken for a duplicate. */
  async releaseEvent(eventId: string): Promise<void> {
    await this.dynamodb.send(
      new DeleteItemCommand({ TableName: this.tableName, Key: { pk: { S: `event#${eventId}` } } }),
    );
  }

  private epochSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
