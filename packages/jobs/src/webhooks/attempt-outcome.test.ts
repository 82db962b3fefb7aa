import { describe, expect, it } from 'vitest';
import { classifyAttempt, parseRetryAfter } from './attempt-outcome';
import { matchesEvent } from './event-match';

const now = new Date('2030-01-01T00:00:00Z');
const response = (statusCode: number, retryAfter?: string) =>
  ({
    kind: 'response',
    statusCode,
    bodyExcerpt: '',
    durationMs: 5,
    ...(retryAfter ? { retryAfter } : {}),
  }) as const;

describe('classifyAttempt', () => {
  it.each([
    [200, 'delivered'],
    [204, 'delivered'],
    [410, 'gone'],
    [301, 'retry'],
    [302, 'retry'],
    [400, 'retry'],
    [401, 'retry'],
    [404, 'retry'],
    [408, 'retry'],
    [500, 'retry'],
    [0, 'retry'],
  ])('HTTP %i → %s', (status, kind) => {
    expect(classifyAttempt(response(status), { now }).kind).toBe(kind);
  });

  it('honours Retry-After on 429 and 503 only', () => {
    expect(classifyAttempt(response(429, '120'), { now })).toMatchObject({
      kind: 'retry',
      retryAfterMs: 120_000,
    });
    expect(classifyAttempt(response(503, 'Tue, 01 Jan 2030 00:10:00 GMT'), { now })).toMatchObject({
      retryAfterMs: 600_000,
    });
    expect(classifyAttempt(response(500, '120'), { now })).not.toHaveProperty('retryAfterMs');
    expect(classifyAttempt(response(302), { now })).toMatchObject({
      reason: expect.stringContaining('redirect'),
    });
  });

  it('treats an SSRF refusal as final and network failures as retryable', () => {
    const failure = (code: 'unsafe_url' | 'timeout') =>
      ({ kind: 'failure', code, message: 'x', durationMs: 1 }) as const;
    expect(classifyAttempt(failure('unsafe_url'), { now }).kind).toBe('refused');
    expect(classifyAttempt(failure('timeout'), { now }).kind).toBe('retry');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, clamps, and ignores garbage', () => {
    expect(parseRetryAfter(undefined, now, 60_000)).toBeUndefined();
    expect(parseRetryAfter('5', now, 60_000)).toBe(5_000);
    expect(parseRetryAfter('0', now, 60_000)).toBe(1_000);
    expect(parseRetryAfter('999999', now, 60_000)).toBe(60_000);
    expect(parseRetryAfter('Mon, 31 Dec 2029 00:00:00 GMT', now, 60_000)).toBe(1_000);
    for (const junk of ['-5', '1e9', 'soon', '5 minutes', '2030-01-01', '', '12345678901']) {
      expect(parseRetryAfter(junk, now, 60_000)).toBeUndefined();
    }
  });
});

describe('matchesEvent', () => {
  it('matches exact names, families and everything', () => {
    expect(matchesEvent(['invoice.processed'], 'invoice.processed')).toBe(true);
    expect(matchesEvent(['invoice.processed'], 'invoice.failed')).toBe(false);
    expect(matchesEvent(['invoice.*'], 'invoice.failed')).toBe(true);
    expect(matchesEvent(['invoice.*'], 'invoices.failed')).toBe(false);
    expect(matchesEvent(['*'], 'entry.approved')).toBe(true);
    expect(matchesEvent([], 'entry.approved')).toBe(false);
  });
});
