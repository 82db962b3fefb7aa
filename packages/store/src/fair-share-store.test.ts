import { ValidationError } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './store';
import { startTestDynamo, type TestDynamo } from './test-store';

let dynamo: TestDynamo;
let t: { store: Store };

beforeAll(async () => {
  dynamo = await startTestDynamo();
  t = { store: await dynamo.freshStore() };
});

afterAll(async () => {
  await dynamo?.stop();
});

const scope = (tenantId: string) => ({ tenantId, queue: 'thumbnail' as const });
const later = () => new Date(Date.now() + 60_000);

describe('fair-share store', () => {
  it('admits up to the cap, idempotently per job, and frees slots once', async () => {
    const s = scope('fair-cap');
    const fair = t.store.fairShare;
    expect(await fair.admit({ ...s, jobId: 'j1', cap: 2, until: later() })).toBe(true);
    expect(await fair.admit({ ...s, jobId: 'j1', cap: 2, until: later() })).toBe(true);
    expect(await fair.admit({ ...s, jobId: 'j2', cap: 2, until: later() })).toBe(true);
    expect(await fair.admit({ ...s, jobId: 'j3', cap: 2, until: later() })).toBe(false);
    expect(await fair.release({ ...s, jobId: 'j1' })).toBe(true);
    expect(await fair.release({ ...s, jobId: 'j1' })).toBe(false);
    expect(await fair.admit({ ...s, jobId: 'j3', cap: 2, until: later() })).toBe(true);
    expect([...(await fair.slots(s)).keys()].sort()).toEqual(['j2', 'j3']);
    // Another tenant's slots are its own.
    expect(await fair.admit({ ...scope('fair-other'), jobId: 'j4', cap: 1, until: later() })).toBe(true);
  });

  it('drops or extends a slot only while its expiry reads what the re-check saw', async () => {
    const s = scope('fair-recheck');
    const fair = t.store.fairShare;
    const until = new Date(Date.now() - 1);
    await fair.admit({ ...s, jobId: 'j1', cap: 1, until });
    expect(await fair.drop({ ...s, jobId: 'j1', expect: new Date(until.getTime() + 5) })).toBe(false);
    expect(await fair.extend({ ...s, jobId: 'j1', expect: until, until: later() })).toBe(true);
    expect(await fair.drop({ ...s, jobId: 'j1', expect: until })).toBe(false);
    expect((await fair.slots(s)).size).toBe(1);
  });

  it('keeps the backlog oldest first and lets one taker have each entry', async () => {
    const s = scope('fair-backlog');
    const fair = t.store.fairShare;
    const second = { jobId: 'j2', heldSince: '2026-01-01T00:00:02.000Z' };
    const first = { jobId: 'j1', heldSince: '2026-01-01T00:00:01.000Z' };
    await fair.hold({ ...s, ...second });
    await fair.hold({ ...s, ...first });
    expect(await fair.held({ ...s, limit: 10 })).toEqual([first, second]);
    expect(await fair.isHeld({ ...s, ...first })).toBe(true);
    expect(await fair.unhold({ ...s, ...first })).toBe(true);
    expect(await fair.unhold({ ...s, ...first })).toBe(false);
    expect(await fair.isHeld({ ...s, ...first })).toBe(false);
  });

  it.each([
    ['a tenant id with the key separator', { tenantId: 'a#b', queue: 'thumbnail', jobId: 'j', cap: 1 }],
    ['an empty job id', { tenantId: 'a', queue: 'thumbnail', jobId: '', cap: 1 }],
    ['a queue that does not exist', { tenantId: 'a', queue: 'mine', jobId: 'j', cap: 1 }],
    ['a zero cap', { tenantId: 'a', queue: 'thumbnail', jobId: 'j', cap: 0 }],
    ['a huge cap', { tenantId: 'a', queue: 'thumbnail', jobId: 'j', cap: 1e9 }],
  ])('refuses %s before building a key', async (_, input) => {
    await expect(
      t.store.fairShare.admit({
        ...(input as unknown as Parameters<Store['fairShare']['admit']>[0]),
        until: later(),
      }),
    ).rejects.toThrow(ValidationError);
  });
});
