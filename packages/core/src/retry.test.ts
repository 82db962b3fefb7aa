import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError, ValidationError } from './errors';
import { decideRetry } from './retry';

const backoff = { baseMs: 1000, maxMs: 60_000 };
const fixed = () => 0.5;

describe('decideRetry', () => {
  it('retries a plain error with the computed backoff while attempts remain', () => {
    expect(
      decideRetry({ error: new Error('boom'), attempt: 2, maxAttempts: 3, backoff, random: fixed }),
    ).toEqual({
      retry: true,
      delayMs: 1500,
    });
  });

  it('stops when the last attempt failed, saying how many were made', () => {
    const decision = decideRetry({ error: new Error('boom'), attempt: 3, maxAttempts: 3, backoff });
    expect(decision).toEqual({
      retry: false,
      reason: 'exhausted',
      message: 'Error: boom (after 3 attempts)',
    });
  });

  it('never retries a permanent error, subclasses and duck-typed ones included', () => {
    for (const error of [
      new PermanentError('bad pdf'),
      new ValidationError('bad input'),
      Object.assign(new Error('from a worker thread'), { permanent: true }),
    ]) {
      const decision = decideRetry({ error, attempt: 1, maxAttempts: 5, backoff });
      expect(decision.retry).toBe(false);
      expect(decision).toMatchObject({ reason: 'permanent' });
    }
  });

  it('honours a retry-after hint, clamped to the SQS maximum', () => {
    expect(
      decideRetry({
        error: new RetryableError('429', { retryAfterMs: 7000 }),
        attempt: 1,
        maxAttempts: 5,
        backoff,
      }),
    ).toEqual({ retry: true, delayMs: 7000 });
    const huge = decideRetry({
      error: new RetryableError('429', { retryAfterMs: 10 ** 12 }),
      attempt: 1,
      maxAttempts: 5,
      backoff,
    });
    expect(huge).toEqual({ retry: true, delayMs: 12 * 60 * 60 * 1000 });
  });

  it('describes non-Error throwables', () => {
    const decision = decideRetry({ error: { weird: true }, attempt: 1, maxAttempts: 1, backoff });
    expect(decision).toMatchObject({ retry: false, message: '{"weird":true} (after 1 attempts)' });
  });
});
