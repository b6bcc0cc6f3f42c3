import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AlertPublisher } from '../adapters/alert-publisher';
import { StateStore } from '../adapters/state-store';
import { TimerQueue } from '../adapters/timer-queue';
import type { IncidentAdapters, IncidentDeps } from '../app/incidents/engine';
import type { IncidentConfig, WatchdogConfig } from '../app/shared/config';
import { makeRedactor } from '../domain/alerts/redact';
import { historyOf } from './history-adapter';
import { counter, log } from './lambda-runtime';

/** The incident store (DynamoDB behind the engine's port) and timer queue of a Lambda entry, on default SDK clients. */
export function incidentAdapters(config: IncidentConfig): IncidentAdapters {
  const dynamodb = new DynamoDBClient({});
  return {
    store: new StateStore(dynamodb, config.tableName),
    timers: new TimerQueue(new SQSClient({}), config.timerQueueUrl),
    history: historyOf(dynamodb, config.tableName, config.historyRetentionDays ?? 0),
    maintenanceWindows: config.maintenanceWindows,
  };
}

/** Everything the incident engine needs, for the entries that run nothing else (timer, sweep). */
export function incidentEngineDeps(config: WatchdogConfig, entry: string): IncidentDeps {
  const incidents = config.incidents;
  if (!incidents) throw new Error(`the ${entry} handler needs STATE_TABLE_NAME and TIMER_QUEUE_URL`);
  return {
    ...incidentAdapters(incidents),
    publisher: new AlertPublisher(
      new SNSClient({}),
      config.alertTopicArn,
      makeRedactor(config.redactPatterns),
      config.accounts?.names,
    ),
    policy: incidents.policy,
    log,
    counter,
  };
}
