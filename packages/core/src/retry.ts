import { type BackoffPolicy, backoffDelayMs, MAX_BACKOFF_MS } from './backoff';
import { describeError, isPermanent, RetryableError } from './errors';

export type RetryDecision =
  | { retry: true; delayMs: number }
  | { retry: false; reason: 'permanent' | 'exhausted'; message: string };

export interface RetryInput {
  error: unknown;
  /** Attempts made, including the one that just failed. */
  attempt: number;
  maxAttempts: number;
  backoff: BackoffPolicy;
  random?: () => number;
}

/**
 * The one place that decides whether a failed attempt is tried again, and when.
 * Every transport maps this decision onto its own mechanism (SQS visibility,
 * BullMQ backoff), so retries behave the same everywhere.
 */
export function decideRetry({ error, attempt, maxAttempts, backoff, random }: RetryInput): RetryDecision {
  const message = describeError(error);
  if (isPermanent(error)) return { retry: false, reason: 'permanent', message };
  if (attempt >= maxAttempts) {
    return { retry: false, reason: 'exhausted', message: `${message} (after ${attempt} attempts)` };
  }
  const computed = backoffDelayMs(attempt, backoff, random);
  const asked = error instanceof RetryableError ? error.retryAfterMs : undefined;
  const delayMs = asked === undefined ? computed : Math.min(MAX_BACKOFF_MS, Math.max(asked, 0));
  return { retry: true, delayMs };
}
