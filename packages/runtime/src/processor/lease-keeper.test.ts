import { describe, expect, it } from 'vitest';
import { createLeaseKeeper, type HeldClaim } from './lease-keeper';

/** A claim that counts its renewals and lets a test wait for the next ones. */
function claim(jobId: string) {
  const lost: string[] = [];
  const held: HeldClaim & { renewals: number; lost: string[] } = {
    tenantId: 'tenant-a',
    jobId,
    attempt: 1,
    renewals: 0,
    lost,
    onLost: (reason) => lost.push(reason),
  };
  return held;
}

/** A keeper with a short lease whose renewals a test can steer (alive or not) and wait for. */
function keeper(alive: (jobId: string) => boolean) {
  const waiting: { jobId: string; count: number; resolve: () => void }[] = [];
  const leases = createLeaseKeeper({
    leaseMs: 150,
    renew: async (c) => {
      const counted = c as ReturnType<typeof claim>;
      counted.renewals++;
      for (const w of waiting.filter((x) => x.jobId === c.jobId && counted.renewals >= x.count)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
      return alive(c.jobId);
    },
    onError: () => {},
  });
  const renewed = (c: ReturnType<typeof claim>, times: number) =>
    new Promise<void>((resolve) => waiting.push({ jobId: c.jobId, count: c.renewals + times, resolve }));
  return { leases, renewed };
}

describe('lease keeper', () => {
  it('renews every held claim, stops at release, and keeps the others after a swap', async () => {
    const { leases, renewed } = keeper(() => true);
    const [a, b, c] = [claim('a'), claim('b'), claim('c')];
    const held = [a, b, c].map((x) => leases.hold(x));
    await Promise.all([renewed(a, 1), renewed(b, 1), renewed(c, 1)]);
    // Releasing the first moves the last into its place: both others must still be renewed.
    leases.release(held[0]!);
    const aAfter = a.renewals;
    await Promise.all([renewed(b, 2), renewed(c, 2)]);
    expect(a.renewals).toBe(aAfter);
    leases.release(held[2]!);
    leases.release(held[2]!); // twice is harmless
    const cAfter = c.renewals;
    await renewed(b, 2);
    expect(c.renewals).toBe(cAfter);
    leases.release(held[1]!);
    expect([a.lost, b.lost, c.lost]).toEqual([[], [], []]);
  });

  it('tells a claim it is lost once, stops renewing it, and keeps renewing the rest', async () => {
    const gone = new Set(['b']);
    const { leases, renewed } = keeper((jobId) => !gone.has(jobId));
    const [a, b, c] = [claim('a'), claim('b'), claim('c')];
    const held = [a, b, c].map((x) => leases.hold(x));
    await renewed(b, 1);
    const bAfter = b.renewals;
    await Promise.all([renewed(a, 2), renewed(c, 2)]);
    expect(b.lost).toEqual(['claim lost: the job was cancelled or taken over']);
    expect(b.renewals).toBe(bAfter);
    // Released after it was lost: nothing else moves.
    leases.release(held[1]!);
    await Promise.all([renewed(a, 1), renewed(c, 1)]);
    expect([a.lost, c.lost]).toEqual([[], []]);
    for (const entry of held) leases.release(entry);
  });
});
