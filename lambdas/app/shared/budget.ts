import type { EnrichmentError } from '../../domain/alerts/alert';

export type Lookup<T> = (signal: AbortSignal) => Promise<T>;

/**
 * Runs best-effort lookups concurrently under one deadline. A lookup that fails or is still
 * running at the deadline is aborted and named in `errors`; the caller gets what finished.
 */
export async function withinBudget<T extends Record<string, unknown>>(
  lookups: { [K in keyof T]?: Lookup<T[K]> },
  budgetMs: number,
): Promise<{ results: Partial<T>; errors: EnrichmentError[] }> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), budgetMs);
  });
  const results: Partial<T> = {};
  const errors: EnrichmentError[] = [];
  try {
    await Promise.all(
      (Object.keys(lookups) as (keyof T & string)[]).map(async (name) => {
        const lookup = lookups[name];
        if (!lookup) return;
        const outcome = await Promise.race([
          // A lookup that throws before it returns its promise fails like one that rejects.
          Promise.resolve()
            .then(() => lookup(controller.signal))
            .then(
              (value) => ({ value }),
              (error: unknown) => ({ error }),
            ),
          deadline,
        ]);
        if (outcome === 'timeout') errors.push({ lookup: name, message: `timed out after ${budgetMs} ms` });
        else if ('error' in outcome) errors.push({ lookup: name, message: errorMessage(outcome.error) });
        else results[name] = outcome.value;
      }),
    );
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  // Lookups finish in any order; report them in the order they were asked for.
  const order = Object.keys(lookups);
  errors.sort((a, b) => order.indexOf(a.lookup) - order.indexOf(b.lookup));
  return { results, errors };
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error)
    return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}
