import type { WebhookSendResult } from './ports';

/** What one attempt means for the delivery and the subscription. */
export type AttemptOutcome =
  | { kind: 'delivered' }
  /** 410 Gone: the receiver asks us to stop; the subscription is disabled. */
  | { kind: 'gone' }
  /** The SSRF guard refused the target: retrying cannot help. */
  | { kind: 'refused'; reason: string }
  /** Anything else: tried again, after `retryAfterMs` when the receiver said so. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number };

/** Longest wait a `Retry-After` may ask for (longer asks are cut to this). */
export const DEFAULT_MAX_RETRY_AFTER_MS = 6 * 60 * 60_000;
/** Shortest: a `Retry-After: 0` does not make us hammer the receiver. */
const MIN_RETRY_AFTER_MS = 1_000;

/**
 * `Retry-After` as delta-seconds or an HTTP date, in ms from `now`, clamped to
 * [1 s, `capMs`]; `undefined` when absent or unreadable.
 *
 * @example parseRetryAfter('120', new Date(), 3_600_000) // 120000
 */
export function parseRetryAfter(value: string | undefined, now: Date, capMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d{1,10}$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    // An HTTP date names its day of the week; a bare number or garbage is not one.
    if (!/^[A-Za-z]{3}, /.test(trimmed)) return undefined;
    const when = Date.parse(trimmed);
    if (Number.isNaN(when)) return undefined;
    ms = when - now.getTime();
  }
  return Math.min(capMs, Math.max(MIN_RETRY_AFTER_MS, ms));
}

/**
 * The retry policy, in one place:
 *
 * - 2xx delivered. 410 Gone disables the subscription.
 * - 3xx is a failure (redirects are not followed: a redirect could lead anywhere).
 * - 429 and 503 wait for `Retry-After` when it is given (capped).
 * - Every other status, 4xx included, is retried on the queue's backoff. Receivers
 *   answer 401/403/404 while they deploy or rotate secrets, and Stripe and Svix retry
 *   them too; an endpoint that keeps refusing is disabled by the failure-span rule.
 * - Timeouts, connection and DNS failures are retried; an SSRF refusal is final.
 */
export function classifyAttempt(
  result: WebhookSendResult,
  options: { now: Date; maxRetryAfterMs?: number },
): AttemptOutcome {
  if (result.kind === 'failure') {
    if (result.code === 'unsafe_url') return { kind: 'refused', reason: result.message };
    return { kind: 'retry', reason: `${result.code}: ${result.message}` };
  }
  const status = result.statusCode;
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 410) return { kind: 'gone' };
  const reason =
    status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
  if (status === 429 || status === 503) {
    const retryAfterMs = parseRetryAfter(
      result.retryAfter,
      options.now,
      options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
    );
    return retryAfterMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, retryAfterMs };
  }
  return { kind: 'retry', reason };
}
