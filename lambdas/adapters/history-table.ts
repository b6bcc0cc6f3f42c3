import { type AttributeValue, type DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { entryTime, type HistoryEntry, historyKeys, type KeyRange } from '../domain/history/history';
import type { HistoryLog } from '../domain/history/history-log';
import {
  HISTORY_ENTRY_ATTRIBUTE,
  HISTORY_INDEX,
  HISTORY_PARTITION_ATTRIBUTE,
  HISTORY_SORT_ATTRIBUTE,
} from '../domain/incidents/keys';

/**
 * History on the state table (README "History"): one PutItem per entry, read by Query on the `history`
 * index (key design: `lambdas/domain/incidents/keys.ts`); items expire `retentionDays` after their time.
 */
export class HistoryTable implements HistoryLog {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  async record(entries: HistoryEntry[]): Promise<void> {
    await Promise.all(
      entries.map((entry) =>
        this.dynamodb.send(
          new PutItemCommand({ TableName: this.tableName, Item: historyItem(entry, this.retentionDays) }),
        ),
      ),
    );
  }

  async read(range: KeyRange, limit: number): Promise<HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.dynamodb.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: HISTORY_INDEX,
          KeyConditionExpression: `#p = :p${range.from !== undefined ? ' AND #s BETWEEN :from AND :to' : ''}`,
          ExpressionAttributeNames: {
            '#p': HISTORY_PARTITION_ATTRIBUTE,
            ...(range.from !== undefined ? { '#s': HISTORY_SORT_ATTRIBUTE } : {}),
          },
          ExpressionAttributeValues: {
            ':p': { S: range.partition },
            ...(range.from !== undefined ? { ':from': { S: range.from }, ':to': { S: range.to ?? '\uffff' } } : {}),
          },
          Limit: limit - entries.length,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const text = item[HISTORY_ENTRY_ATTRIBUTE]?.S;
        if (text) entries.push(JSON.parse(text) as HistoryEntry);
      }
      start = out.LastEvaluatedKey;
    } while (start && entries.length < limit);
    return entries;
  }
}

/** The item of one entry: its key, its place in the index, the entry as JSON, its expiry. */
export function historyItem(entry: HistoryEntry, retentionDays: number): Record<string, AttributeValue> {
  const keys = historyKeys(entry);
  return {
    pk: { S: keys.pk },
    [HISTORY_PARTITION_ATTRIBUTE]: { S: keys.partition },
    [HISTORY_SORT_ATTRIBUTE]: { S: keys.sort },
    [HISTORY_ENTRY_ATTRIBUTE]: { S: JSON.stringify(entry) },
    expiresAt: { N: String(Math.floor(Date.parse(entryTime(entry)) / 1000) + retentionDays * 24 * 3600) },
  };
}
