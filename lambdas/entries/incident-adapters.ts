import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { StateStore } from '../adapters/state-store';
import { TimerQueue } from '../adapters/timer-queue';
import type { IncidentConfig } from '../app/shared/config';

/** The incident store (DynamoDB behind the engine's port) and timer queue of a Lambda entry, on default SDK clients. */
export function incidentAdapters(config: IncidentConfig): { store: StateStore; timers: TimerQueue } {
  return {
    store: new StateStore(new DynamoDBClient({}), config.tableName),
    timers: new TimerQueue(new SQSClient({}), config.timerQueueUrl),
  };
}
