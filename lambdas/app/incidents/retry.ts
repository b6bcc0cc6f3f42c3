import { VersionConflictError } from '../../domain/incidents/incident-store';
import { MAX_WRITE_ATTEMPTS } from '../../domain/incidents/keys';

/** The clock and randomness retries wait by; the fault suite passes a simulated clock. */
export interface Pacing {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** One store call, retried while it is throttled (a conflict there is the caller's to handle). */
export function throttled<T>(what: string, call: () => Promise<T>, pacing: Pacing): Promise<T> {
  return withRetries(what, call, { ...pacing, conflicts: false });
}

/** Too many invocations wrote the same item at once (a burst of stops of one service). */
export class ContentionError extends Error {
  override readonly name = 'ContentionError';
}

/** DynamoDB's (and the SDK's) names for "slow down": retried here after the SDK's own retries gave up. */
const THROTTLING = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'TransactionInProgressException',
]);

export function isThrottling(error: unknown): boolean {
  return error instanceof Error && THROTTLING.has(error.name);
}

/**
 * The one optimistic-retry loop of the incident engine: runs `attempt` again after a write conflict
 * (someone wrote since we read: read again, decide again) or throttling, waiting a full-jitter
 * exponential backoff (up to 1 s) between tries. Gives up after {@link MAX_WRITE_ATTEMPTS}: the
 * invocation fails and Lambda's (or SQS's) retry takes over.
 */
export async function withRetries<T>(
  what: string,
  attempt: (n: number) => Promise<T>,
  pacing: Pacing & { onConflict?: () => void; conflicts?: boolean } = {},
): Promise<T> {
  const sleep = pacing.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = pacing.random ?? Math.random;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const conflict = error instanceof VersionConflictError && pacing.conflicts !== false;
      if (!conflict && !isThrottling(error)) throw error;
      if (conflict) pacing.onConflict?.();
      if (n >= MAX_WRITE_ATTEMPTS) {
        if (conflict) throw new ContentionError(`${what}: gave up after ${n} conflicting writes`);
        throw error;
      }
      await sleep(random() * Math.min(1000, 20 * 2 ** n));
    }
  }
}
