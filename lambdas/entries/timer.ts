import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { processTimer } from '../app/process-timer';
import { errorMessage } from '../app/shared/budget';
import { readConfig } from '../app/shared/config';
import { incidentEngineDeps } from './incident-adapters';
import { counter, lambdaHandler, log } from './lambda-runtime';

const deps = incidentEngineDeps(readConfig(), 'timer');

/** SQS (delayed timer messages) → release held alerts, close quiet incidents. A failed message is retried alone. */
export const handler = lambdaHandler(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      await processTimer(record.body, deps);
    } catch (error) {
      counter.count(error instanceof Error && error.name === 'InvalidEventError' ? 'InvalidEvents' : 'FailedTimers');
      log.error('Timer failed; SQS retries it, then dead-letters it', {
        messageId: record.messageId,
        reason: errorMessage(error),
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
});
