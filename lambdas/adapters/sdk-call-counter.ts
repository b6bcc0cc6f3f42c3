/**
 * Counts the requests an AWS SDK v3 client sends, by operation, with a middleware in the
 * `finalizeRequest` step after the retry middleware: every attempt that goes on the wire counts, so
 * throttled retries show up too. Used by the scan (logged per run) and by `bench/scan.ts`.
 */
export type CallCounts = Record<string, number>;

interface ClientWithMiddleware {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'finalizeRequest'; name: string; priority: 'low' },
    ): void;
  };
}

export function countCalls(client: unknown, counts: CallCounts): void {
  (client as ClientWithMiddleware).middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      counts[operation] = (counts[operation] ?? 0) + 1;
      return next(args);
    },
    { step: 'finalizeRequest', name: 'ecsWatchdogCallCounter', priority: 'low' },
  );
}

export function totalCalls(counts: CallCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}
