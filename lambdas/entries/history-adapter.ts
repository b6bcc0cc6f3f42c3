import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HistoryTable } from '../adapters/history-table';

/** The history on the state table (README "History"), unless its retention is 0. */
export function historyOf(dynamodb: DynamoDBClient, tableName: string, retentionDays: number) {
  return retentionDays > 0 ? new HistoryTable(dynamodb, tableName, retentionDays) : undefined;
}
