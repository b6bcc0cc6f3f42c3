import { type Limiter, unbounded } from './concurrency';

/**
 * Every item of a paginated AWS list, page after page (each request through `limit`). Stops once `max`
 * items are in: a bound on what one lookup may read.
 */
export async function allPages<T>(
  fetch: (token: string | undefined) => Promise<{ items: T[]; next?: string }>,
  limit: Limiter = unbounded,
  max = Number.POSITIVE_INFINITY,
): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page = await limit(() => fetch(token));
    items.push(...page.items);
    token = page.next;
  } while (token && items.length < max);
  return items;
}
