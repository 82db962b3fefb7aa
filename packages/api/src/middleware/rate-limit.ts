import type { RateLimitStore } from '@paperlane/store';
import { createMiddleware } from 'hono/factory';
import type { ApiEnv } from '../env';
import { HttpError } from '../errors';

export interface RateLimiter {
  /** Takes `cost` tokens for `key`; returns 0 if allowed, else the ms until enough tokens refill. */
  take(key: string, cost?: number): number | Promise<number>;
}

/**
 * A token bucket per key, in memory: `burst` tokens, refilled at `perMinute`.
 * Per process, so N API processes allow N× the rate; on AWS put API Gateway's
 * throttling in front for a global bound.
 */
export function createRateLimiter(options: {
  perMinute: number;
  burst?: number;
  now?: () => number;
}): RateLimiter {
  const capacity = options.burst ?? options.perMinute;
  const perMs = options.perMinute / 60_000;
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, cost = 1) {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: capacity, at: t };
      bucket.tokens = Math.min(capacity, bucket.tokens + (t - bucket.at) * perMs);
      bucket.at = t;
      buckets.set(key, bucket);
      if (buckets.size > 100_000) buckets.delete(buckets.keys().next().value as string);
      if (bucket.tokens >= cost) {
        bucket.tokens -= cost;
        return 0;
      }
      return Math.ceil((cost - bucket.tokens) / perMs);
    },
  };
}

/**
 * A budget every API process shares, counted in the store (`store.rateLimits`):
 * `perMinute` per key in one-minute windows, however many processes serve the API.
 */
export function createSharedRateLimiter(options: {
  store: Pick<RateLimitStore, 'take'>;
  perMinute: number;
  now?: () => Date;
  /** Told of every count the store could not make (the request was let through). */
  onError?: (error: unknown) => void;
}): RateLimiter {
  const now = options.now ?? (() => new Date());
  return {
    take: (key, cost = 1) =>
      options.store
        .take({ key: `enqueue:${key}`, limit: options.perMinute, cost, now: now() })
        // Fails open: a table that cannot count cannot take the request's own writes either,
        // and those answer with the outage's real status.
        .catch((error: unknown) => {
          options.onError?.(error);
          return 0;
        }),
  };
}

/** Limits enqueueing routes per tenant; 429 with Retry-After when exhausted. */
export function limitPerTenant(limiter: RateLimiter) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    const waitMs = await limiter.take(c.get('principal').tenantId);
    if (waitMs > 0) {
      const seconds = String(Math.max(1, Math.ceil(waitMs / 1000)));
      throw new HttpError(429, 'rate_limited', 'too many requests for this tenant; retry later', undefined, {
        'retry-after': seconds,
      });
    }
    await next();
  });
}
