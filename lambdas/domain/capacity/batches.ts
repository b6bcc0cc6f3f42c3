/** Splits `items` into consecutive batches of at most `size` (an API's per-request limit). */
export function inBatches<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`batch size must be a positive integer, got ${size}`);
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/** Requests needed for `count` items at `size` per request. */
export function batchCount(count: number, size: number): number {
  return Math.ceil(Math.max(0, count) / size);
}
