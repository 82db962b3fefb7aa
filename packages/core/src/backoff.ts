/** SQS caps a message's visibility timeout at 12 hours, so no retry delay may exceed it. */
export const MAX_BACKOFF_MS = 12 * 60 * 60 * 1000;

export interface BackoffPolicy {
  /** Delay before the second attempt; each further attempt doubles it. */
  baseMs: number;
  /** Upper bound on any single delay; never above {@link MAX_BACKOFF_MS}. */
  maxMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the exponential delay is fixed, the
 * other half random. Delays still grow with every attempt (unlike full jitter,
 * which can retry at once), while retries from one outage spread out.
 *
 * @param failedAttempts attempts made so far (1 after the first failure)
 * @param random injectable for tests; returns [0, 1)
 * @example backoffDelayMs(3, { baseMs: 1000, maxMs: 60_000 }) // between 2000 and 4000
 */
export function backoffDelayMs(
  failedAttempts: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const cap = Math.min(policy.maxMs, MAX_BACKOFF_MS);
  const exponent = Math.max(0, Math.min(failedAttempts - 1, 40));
  const ceiling = Math.min(cap, policy.baseMs * 2 ** exponent);
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}
