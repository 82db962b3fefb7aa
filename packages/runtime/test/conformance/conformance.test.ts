import { type JobRecord, MAX_MESSAGE_BYTES, silentLogger } from '@paperlane/core';
import { startDynalite, startFauxqs, startRedis } from '@paperlane/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sweepOnce } from '../../src/dispatcher/index';
import type { RuntimeName } from './consumer';
import { createHarness, type Harness, type Services } from './harness';

/**
 * One suite, three runtimes: BullMQ on a real redis-server, the local SQS poller on
 * the fauxqs emulator, and the Lambda SQS handler fed SQS events in Lambda's mode
 * (queue visibility, no heartbeat). Each case asserts the job record, the
 * dead-letter side and the number of times the job's effect happened.
 */
const RUNTIMES: RuntimeName[] = ['bullmq', 'sqs-poller', 'lambda'];

let services: Services;

beforeAll(async () => {
  const [redis, dynamo, faux] = await Promise.all([
    startRedis(),
    startDynalite(),
    startFauxqs({ spyBufferSize: 20_000 }),
  ]);
  services = { redis, dynamo, faux };
});

afterAll(async () => {
  await Promise.all([services?.redis.stop(), services?.dynamo.stop(), services?.faux.stop()]);
});

describe.each(RUNTIMES)('%s runtime', (runtime) => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness(services, runtime);
  });
  afterEach(async () => {
    await h.stopConsumer();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('runs a job to completion exactly once', async () => {
    await h.startConsumer();
    const { job, sent } = await h.enqueue('ok.1');
    expect(sent).toBe(true);
    const done = await h.waitFor(job, ['complete', 'failed']);
    expect(done).toMatchObject({
      status: 'complete',
      progress: 100,
      attempts: 1,
      result: { scenario: 'ok', attempt: 1 },
    });
    expect(done.finishedAt).toBeDefined();
    expect(h.effects(job)).toEqual({ attempts: 1, effects: 1 });
  });

  it('retries a failed attempt with backoff, then succeeds', async () => {
    await h.startConsumer();
    const { job } = await h.enqueue('flaky.1');
    const done = await h.waitFor(job, ['complete', 'failed']);
    expect(done).toMatchObject({ status: 'complete', attempts: 2 });
    expect(h.effects(job)).toEqual({ attempts: 2, effects: 1 });
    expect(await h.deadLetters()).not.toContainEqual(
      expect.objectContaining({ body: expect.stringContaining(job.jobId) }),
    );
  });

  it('fails a job whose attempts are exhausted and dead-letters its message', async () => {
    await h.startConsumer();
    const { job } = await h.enqueue('broken.1');
    const failed = await h.waitFor(job, ['failed', 'complete']);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3 });
    expect(failed.lastError).toContain('always fails');
    expect(failed.lastError).toContain('after 3 attempts');
    expect(h.effects(job)).toEqual({ attempts: 3, effects: 0 });
    await h.waitForDeadLetter(job.jobId);
    const dead = (await h.deadLetters()).filter((d) => d.body.includes(job.jobId));
    expect(dead).toHaveLength(1);
    expect(dead[0]?.reason).toContain('always fails');
  });

  it('fails a permanent error at once, without retrying', async () => {
    await h.startConsumer();
    const { job } = await h.enqueue('permanent.1');
    const failed = await h.waitFor(job, ['failed', 'complete']);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'bad_input' });
    expect(failed.lastError).toContain('unreadable input');
    expect(h.effects(job)).toEqual({ attempts: 1, effects: 0 });
    await h.waitForDeadLetter(job.jobId);
    const dead = (await h.deadLetters()).filter((d) => d.body.includes(job.jobId));
    expect(dead).toHaveLength(1);
    expect(dead[0]?.reason).toContain('unreadable input');
  });

  it('acknowledges a duplicate delivery of a finished job without running it again', async () => {
    await h.startConsumer();
    const { job } = await h.enqueue('ok.dup-after');
    const done = await h.waitFor(job, ['complete']);
    await h.sendDuplicate(done);
    await h.waitForAcks(job.jobId, 2);
    expect(h.effects(job)).toEqual({ attempts: 1, effects: 1 });
    expect(await h.store.get({ tenantId: h.tenantId, jobId: job.jobId })).toMatchObject({
      status: 'complete',
      attempts: 1,
    });
  });

  it('runs a job once when two copies of its message arrive together', async () => {
    const { job } = await h.enqueue('ok.dup-together');
    await h.sendDuplicate(job);
    await h.startConsumer({ concurrency: 2 });
    await h.waitFor(job, ['complete']);
    await h.waitForAcks(job.jobId, 2);
    expect(h.effects(job)).toEqual({ attempts: 1, effects: 1 });
  });

  it('does not start a delayed job before its time', async () => {
    await h.startConsumer();
    const { job } = await h.enqueue('ok.delayed', { delayMs: 1500 });
    expect(job.status).toBe('pending');
    const done = await h.waitFor(job, ['complete']);
    expect(new Date(done.startedAt!).getTime()).toBeGreaterThanOrEqual(new Date(job.availableAt).getTime());
    expect(new Date(job.availableAt).getTime() - new Date(job.createdAt).getTime()).toBe(1500);
    expect(h.effects(job)).toEqual({ attempts: 1, effects: 1 });
  });

  it('runs high-priority jobs before low-priority ones', async () => {
    const low: JobRecord[] = [];
    const high: JobRecord[] = [];
    for (let i = 0; i < 3; i++) low.push((await h.enqueue(`ok.low${i}`, { priority: 'low' })).job);
    for (let i = 0; i < 3; i++) high.push((await h.enqueue(`ok.high${i}`, { priority: 'high' })).job);
    await h.startConsumer({ concurrency: 1 });
    await Promise.all([...low, ...high].map((job) => h.waitFor(job, ['complete'])));
    const order = h.startOrder().filter((id) => [...low, ...high].some((j) => j.jobId === id));
    expect(order.slice(0, 3).sort()).toEqual(high.map((j) => j.jobId).sort());
    expect(order.slice(3).sort()).toEqual(low.map((j) => j.jobId).sort());
  });

  it('never runs a job cancelled before it started', async () => {
    const { job } = await h.enqueue('ok.cancelled', { delayMs: 1000 });
    const cancelled = await h.store.cancel({ tenantId: h.tenantId, jobId: job.jobId, now: new Date() });
    expect(cancelled?.status).toBe('cancelled');
    await h.startConsumer();
    await h.waitForAcks(job.jobId, 1);
    expect(h.effects(job)).toEqual({ attempts: 0, effects: 0 });
    expect(await h.store.get({ tenantId: h.tenantId, jobId: job.jobId })).toMatchObject({
      status: 'cancelled',
      attempts: 0,
    });
    expect((await h.deadLetters()).some((d) => d.body.includes(job.jobId))).toBe(false);
  });

  it('re-sends a job whose send failed: the outbox sweeper loses nothing', async () => {
    const broken = h.brokenDispatcher();
    const { job, sent } = await broken.enqueue('automation', {
      tenantId: h.tenantId,
      tenantUserId: 'ok.unsent',
    });
    await broken.close();
    expect(sent).toBe(false);
    expect(job.status).toBe('pending');
    await h.startConsumer();
    const later = { now: () => new Date(Date.now() + 61_000) };
    const report = await sweepOnce({
      store: h.store,
      dispatcher: h.dispatcher,
      events: h.events,
      clock: later,
      logger: silentLogger,
      sweepGraceMs: 60_000,
    });
    expect(report.resent).toBeGreaterThanOrEqual(1);
    expect(report.unsent).toBe(0);
    await h.waitFor(job, ['complete']);
    expect(h.effects(job)).toEqual({ attempts: 1, effects: 1 });
  });

  it('completes a job exactly once after its worker is SIGKILLed mid-job', async () => {
    const child = await h.spawnConsumer();
    const { job } = await h.enqueue('hang.1');
    await child.hung(job.jobId);
    expect((await h.store.get({ tenantId: h.tenantId, jobId: job.jobId }))?.status).toBe('processing');
    await child.kill();
    await h.startConsumer();
    const done = await h.waitFor(job, ['complete', 'failed']);
    expect(done).toMatchObject({ status: 'complete', attempts: 2, result: { attempt: 2 } });
    expect(h.effects(job)).toEqual({ attempts: 2, effects: 1 });
  });

  it('runs the settled hook once when the consumer dies after recording complete, before the hook', async () => {
    const child = await h.spawnConsumer({ killAt: 'after-complete' });
    const { job } = await h.enqueue('ok.dies-before-hook');
    expect(await child.exited).not.toBe(0);
    const done = await h.store.get({ tenantId: h.tenantId, jobId: job.jobId });
    expect(done).toMatchObject({ status: 'complete' });
    expect(done?.settleAt).toBeDefined(); // the outbox marker outlived the process
    expect(h.settledRuns(job)).toBe(0);
    const sweep = (offsetMs: number) =>
      sweepOnce({
        store: h.store,
        dispatcher: h.dispatcher,
        events: h.events,
        clock: { now: () => new Date(Date.now() + offsetMs) },
        logger: silentLogger,
        sweepGraceMs: 60_000,
        onSettled: h.onSettled,
      });
    await sweep(61_000);
    await sweep(3_600_000);
    expect(h.settledRuns(job)).toBe(1);
    expect((await h.store.get({ tenantId: h.tenantId, jobId: job.jobId }))?.settleAt).toBeUndefined();
    // A later copy of the message is acknowledged without running the job or its hook again.
    await h.startConsumer();
    await h.sendDuplicate(done as JobRecord);
    const { job: after } = await h.enqueue('ok.after-dies-before-hook');
    await h.waitFor(after, ['complete']);
    expect(h.effects(job)).toEqual({ attempts: 1, effects: 1 });
    expect(h.settledRuns(job)).toBe(1);
  });

  it('dead-letters hostile messages with a reason and keeps consuming', async () => {
    await h.startConsumer();
    const { job: victim } = await h.enqueue('ok.victim', { delayMs: 60_000 });
    await h.sendRaw('{"this is": not json');
    await h.sendRaw(JSON.stringify({ queue: 'no-such-queue', jobId: 'x' }));
    // SQS itself refuses bodies over 256 KiB; Redis would carry one, so BullMQ must refuse it.
    if (runtime === 'bullmq') await h.sendRaw(`"${'x'.repeat(MAX_MESSAGE_BYTES)}"`);
    await h.sendRaw(h.envelopeFor(victim, { payload: { tenantId: h.tenantId, tenantUserId: 42 } }));
    const failed = await h.waitFor(victim, ['failed']);
    expect(failed.errorCode).toBe('invalid_message');
    expect(failed.lastError).toContain('tenantUserId');

    const { job } = await h.enqueue('ok.after-hostile');
    await h.waitFor(job, ['complete']);
    const reasons = (await h.deadLetters()).map((d) => d.reason).join('\n');
    expect(reasons).toContain('not JSON');
    expect(reasons).toContain('unknown queue');
    expect(reasons).toContain('tenantUserId');
    if (runtime === 'bullmq') expect(reasons).toContain(`exceeds ${MAX_MESSAGE_BYTES} bytes`);
  });
});
