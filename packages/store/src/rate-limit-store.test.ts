import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimitStore } from './rate-limit-store';
import { createStore } from './store';
import { at, startTestDynamo, type TestDynamo } from './test-store';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});

describe('rate limit store', () => {
  it('allows `limit` per key and window across processes, then says when the window resets', async () => {
    const store = await dynamo.freshStore();
    // Two API processes: separate limiter instances over one table share the budget.
    const a = store.rateLimits;
    const b = createStore({ documentClient: dynamo.documentClient, tableName: store.tableName }).rateLimits;
    const take = (limits: typeof a, ms: number, key = 'enqueue:t1') =>
      limits.take({ key, limit: 3, now: at(ms) });
    expect([await take(a, 1_000), await take(b, 2_000), await take(a, 3_000)]).toEqual([0, 0, 0]);
    expect(await take(b, 20_000)).toBe(40_000);
    expect(await take(a, 59_999)).toBe(1);
    // Another tenant's budget is its own.
    expect(await take(b, 20_000, 'enqueue:t2')).toBe(0);
    // The next window starts afresh.
    expect(await take(a, 60_000)).toBe(0);
  });

  it('counts costs, refuses one larger than the whole budget, and never counts past the limit', async () => {
    const store = await dynamo.freshStore();
    const limits = store.rateLimits;
    expect(await limits.take({ key: 'k', limit: 5, cost: 4, now: at(0) })).toBe(0);
    expect(await limits.take({ key: 'k', limit: 5, cost: 2, now: at(10) })).toBe(59_990);
    expect(await limits.take({ key: 'k', limit: 5, cost: 1, now: at(20) })).toBe(0);
    expect(await limits.take({ key: 'k', limit: 5, cost: 1, now: at(30) })).toBe(59_970);
    expect(await limits.take({ key: 'other', limit: 5, cost: 6, now: at(30) })).toBe(59_970);
  });

  it('refuses hostile input before it reaches a key', async () => {
    const limits = createRateLimitStore((await dynamo.freshStore()).table);
    for (const input of [
      { key: '', limit: 1, now: at(0) },
      { key: 'x'.repeat(201), limit: 1, now: at(0) },
      { key: 'k', limit: 0, now: at(0) },
      { key: 'k', limit: 1.5, now: at(0) },
      { key: 'k', limit: 1, cost: -1, now: at(0) },
      { key: 'k', limit: 1, cost: Number.NaN, now: at(0) },
      { key: 'k', limit: 1, now: new Date('nope') },
    ]) {
      await expect(limits.take(input), JSON.stringify(input)).rejects.toMatchObject({ permanent: true });
    }
  });
});
