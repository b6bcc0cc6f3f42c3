/**
 * The incident store's resources in the local emulator, shaped as the construct creates them:
 * a DynamoDB table keyed by `pk` with TTL on `expiresAt`, the sparse `due` index the sweep
 * reads and the `history` index the CLI's history queries read, and the SQS queue that carries timers.
 */
import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DUE_AT_ATTRIBUTE,
  DUE_ATTRIBUTE,
  DUE_INDEX,
  HISTORY_ENTRY_ATTRIBUTE,
  HISTORY_INDEX,
  HISTORY_PARTITION_ATTRIBUTE,
  HISTORY_SORT_ATTRIBUTE,
} from '../lambdas/domain/incidents/keys';
import type { LocalAwsClientConfig } from './emulator';

export interface StateResources {
  tableName: string;
  timerQueueUrl: string;
}

export async function createStateResources(
  clientConfig: LocalAwsClientConfig,
  names: { table?: string; timerQueue?: string } = {},
): Promise<StateResources> {
  const tableName = names.table ?? 'ecs-watchdog-state';
  const dynamodb = new DynamoDBClient(clientConfig);
  const sqs = new SQSClient(clientConfig);
  try {
    try {
      await dynamodb.send(
        new CreateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: DUE_ATTRIBUTE, AttributeType: 'S' },
            { AttributeName: DUE_AT_ATTRIBUTE, AttributeType: 'S' },
            { AttributeName: HISTORY_PARTITION_ATTRIBUTE, AttributeType: 'S' },
            { AttributeName: HISTORY_SORT_ATTRIBUTE, AttributeType: 'S' },
          ],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          GlobalSecondaryIndexes: [
            {
              IndexName: DUE_INDEX,
              KeySchema: [
                { AttributeName: DUE_ATTRIBUTE, KeyType: 'HASH' },
                { AttributeName: DUE_AT_ATTRIBUTE, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'KEYS_ONLY' },
            },
            {
              IndexName: HISTORY_INDEX,
              KeySchema: [
                { AttributeName: HISTORY_PARTITION_ATTRIBUTE, KeyType: 'HASH' },
                { AttributeName: HISTORY_SORT_ATTRIBUTE, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [HISTORY_ENTRY_ATTRIBUTE] },
            },
          ],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      await dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: names.timerQueue ?? 'ecs-watchdog-timers' }));
    return { tableName, timerQueueUrl: queue.QueueUrl as string };
  } finally {
    dynamodb.destroy();
    sqs.destroy();
  }
}
