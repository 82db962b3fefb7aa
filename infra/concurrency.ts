/** Lambda's bounds for an SQS event source's maximum concurrency. */
export const ESM_MIN_CONCURRENCY = 2;
export const ESM_MAX_CONCURRENCY = 1000;

const clamp = (n: number) => Math.min(ESM_MAX_CONCURRENCY, Math.max(ESM_MIN_CONCURRENCY, Math.floor(n)));

/**
 * Maximum concurrency for a queue's two event sources. The high lane gets the
 * queue's concurrency; the low (batch) lane half of it, so batch work cannot crowd
 * out user-triggered work. Lambda's floor of 2 means a queue at 2 gets 2 on both.
 *
 * @example laneConcurrency(8) // { high: 8, low: 4 }
 */
export function laneConcurrency(concurrency: number): { high: number; low: number } {
  const high = clamp(concurrency);
  return { high, low: Math.min(high, clamp(high / 2)) };
}
