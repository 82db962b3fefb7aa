import type { JobContext, JobRecord } from '@paperlane/core';
import {
  type DynaliteServer,
  type FauxqsServer,
  type RedisServer,
  startDynalite,
  startFauxqs,
  startRedis,
} from '@paperlane/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FairRuntime, type FairShareRig, startFairShareRig } from './support/fair-share-rig';

/**
 * Fair share on both runtimes (BullMQ on redis-server, the SQS poller on fauxqs), job
 * records in dynalite. Jobs labelled `block.*` wait until the test lets them go, so every
 * ordering below is decided by events, never by timing.
 */
const RUNTIMES: FairRuntime[] = ['bullmq', 'sqs'];

let redis: RedisServer;
let dynamo: DynaliteServer;
let faux: FauxqsServer;

beforeAll(async () => {
  [redis, dynamo, faux] = await Promise.all([startRedis(), startDynalite(), startFauxqs()]);
});

afterAll(async () => {
  await Promise.all([redis?.stop(), dynamo?.stop(), faux?.stop()]);
});

/** Job behaviour by label, the order jobs started in, and how many of each tenant ran at once. */
function jobControl() {
  const started: string[] = [];
  const releases = new Map<string, () => void>();
  const waiters = new Set<() => void>();
  const running = new Map<string, number>();
  const peak = new Map<string, number>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  return {
    started,
    peak,
    async run(ctx: JobContext<'automation'>) {
      const label = ctx.payload.tenantUserId;
      const tenant = ctx.job.tenantId;
      running.set(tenant, (running.get(tenant) ?? 0) + 1);
      peak.set(tenant, Math.max(peak.get(tenant) ?? 0, running.get(tenant) ?? 0));
      started.push(label);
      wake();
      try {
        if (label.startsWith('block.')) await new Promise<void>((resolve) => releases.set(label, resolve));
        if (label.startsWith('flaky.') && ctx.attempt < 2) throw new Error('transient failure');
      } finally {
        running.set(tenant, (running.get(tenant) ?? 1) - 1);
      }
    },
    /** Resolves once `count` jobs have started. */
    startedCount(count: number): Promise<void> {
      return new Promise((resolve) => {
        const check = () => {
          if (started.length >= count) {
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
        check();
      });
    },
    /** Lets a blocked job finish (waits for it to have started). */
    async release(label: string) {
      while (!releases.has(label))
        await new Promise<void>((resolve) =>
          waiters.add(function once() {
            waiters.delete(once);
            resolve();
          }),
        );
      releases.get(label)?.();
    },
    releaseAll() {
      for (const release of releases.values()) release();
    },
  };
}

describe.each(RUNTIMES)('fair share on %s', (runtime) => {
  let rig: FairShareRig | undefined;
  let control: ReturnType<typeof jobControl>;

  async function start(caps: number, concurrency: number, extra: { clock?: { now(): Date } } = {}) {
    control = jobControl();
    rig = await startFairShareRig({
      runtime,
      redis,
      dynamo,
      faux,
      caps: () => caps,
      concurrency,
      run: (ctx) => control.run(ctx),
      ...extra,
    });
    return rig;
  }

  afterEach(async () => {
    control?.releaseAll();
    await rig?.stop();
    rig = undefined;
  });

  const labels = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}.${i}`);
  const all = (r: FairShareRig, jobs: readonly { job: JobRecord }[]) =>
    Promise.all(jobs.map(({ job }) => r.waitFor(job, ['complete'])));

  it("runs another tenant's job at once while one tenant's flood waits in its own backlog", async () => {
    const r = await start(2, 3);
    const a = r.tenant('a');
    const flood = await r.enqueueMany(a, labels('block', 30));
    // Only the two admitted jobs went to the transport; the rest wait on the record side.
    expect(flood.filter((f) => f.sent)).toHaveLength(2);
    await control.startedCount(2);
    const b = await r.enqueue(r.tenant('b'), 'ok.b');
    // B completes while both of A's running jobs still block: it queued behind none of A's 28.
    const done = await r.waitFor(b.job, ['complete']);
    expect(done.attempts).toBe(1);
    expect(control.started.filter((l) => l.startsWith('block.'))).toHaveLength(2);
    expect(await r.store.fairShare.held({ tenantId: a, queue: 'automation', limit: 100 })).toHaveLength(28);

    control.releaseAll();
    const releaser = setInterval(() => control.releaseAll(), 5);
    try {
      const finished = await all(r, flood);
      // No held job spent an attempt waiting, and A never ran more than its cap at once.
      expect(finished.map((j) => j.attempts)).toEqual(finished.map(() => 1));
      expect(control.peak.get(a)).toBe(2);
      // Every slot came back (a slot is released just after its job's record is final).
      await r.stopConsumer();
      expect(await r.store.fairShare.slots({ tenantId: a, queue: 'automation' })).toEqual(new Map());
    } finally {
      clearInterval(releaser);
    }
  });

  it('with every worker taken by the flood, the other tenant waits for one job only', async () => {
    const r = await start(2, 2);
    const a = r.tenant('a');
    await r.enqueueMany(a, labels('block', 20));
    await control.startedCount(2);
    const b = await r.enqueue(r.tenant('b'), 'ok.b');
    const first = control.started[0] as string;
    await control.release(first);
    await r.waitFor(b.job, ['complete']);
    // B ran on the first freed worker, ahead of A's next job (sent to the queue after B).
    expect(control.started.slice(0, 3)).toEqual([first, expect.stringMatching(/^block\./), 'ok.b']);
  });

  it('a retry re-enters through admission without a storm: one extra attempt, the cap held', async () => {
    const r = await start(1, 2);
    const a = r.tenant('a');
    const jobs = await r.enqueueMany(a, ['flaky.0', 'ok.1', 'ok.2']);
    const finished = await all(r, jobs);
    expect(finished.map((j) => j.attempts)).toEqual([2, 1, 1]);
    expect(control.peak.get(a)).toBe(1);
  });

  it('a cancelled held job is skipped and frees nothing; the next one runs', async () => {
    const r = await start(1, 2);
    const a = r.tenant('a');
    const [first, second, third] = await r.enqueueMany(a, ['block.0', 'ok.1', 'ok.2']);
    await control.startedCount(1);
    await r.store.jobs.cancel({ tenantId: a, jobId: second!.job.jobId, now: new Date() });
    await control.release('block.0');
    await r.waitFor(third!.job, ['complete']);
    expect((await r.store.jobs.get(first!.job))?.status).toBe('complete');
    expect((await r.store.jobs.get(second!.job))?.status).toBe('cancelled');
    expect(control.started).toEqual(['block.0', 'ok.2']);
  });

  it('a slot leaked by a consumer that died is freed once its job is found finished', async () => {
    const r = await start(1, 2);
    const a = r.tenant('a');
    // A consumer died between recording its job's end and freeing the slot: the slot names a
    // job with no live record, and its re-check time has passed.
    const scope = { tenantId: a, queue: 'automation' as const };
    await r.store.fairShare.admit({ ...scope, jobId: 'job_gone', cap: 1, until: new Date(Date.now() - 1) });
    const job = await r.enqueue(a, 'ok.0');
    expect(job.sent).toBe(true);
    await r.waitFor(job.job, ['complete']);
  });

  it("a live job's slot is kept past its re-check time; the sweeper lets the backlog in once it ends", async () => {
    let offsetMs = 0;
    const clock = { now: () => new Date(Date.now() + offsetMs) };
    const r = await start(1, 2, { clock });
    const a = r.tenant('a');
    const scope = { tenantId: a, queue: 'automation' as const };
    const running = await r.enqueue(a, 'block.0');
    await control.startedCount(1);
    // Its slot is due for a re-check: the record says it is running, so it keeps the slot.
    const [[jobId, until]] = [...(await r.store.fairShare.slots(scope))] as [[string, Date]];
    await r.store.fairShare.extend({ ...scope, jobId, expect: until, until: new Date(Date.now() - 1) });
    const waiting = await r.enqueue(a, 'ok.1');
    expect(waiting.sent).toBe(false);
    expect(await r.admission.isHeld(waiting.job)).toBe(true);
    // Now the holder "dies" after finishing: the record is final, the slot stays, nobody pumps.
    await r.store.jobs.cancel({ tenantId: a, jobId: running.job.jobId, now: new Date() });
    await r.store.fairShare.extend({
      ...scope,
      jobId,
      expect: (await r.store.fairShare.slots(scope)).get(jobId) as Date,
      until: new Date(Date.now() + 3_600_000),
    });
    // A sweep after the grace period and the re-check time: the held job is not re-sent past
    // its backlog, but the backlog gets the slot the dead holder left.
    offsetMs = 2 * 3_600_000;
    const report = await r.sweep(clock);
    expect(report).toMatchObject({ held: 1, admitted: 1, resent: 0 });
    await r.waitFor(waiting.job, ['complete']);
  });
});
