import {
  type JobRecord,
  noMetrics,
  PermanentError,
  type RealtimeEvent,
  silentLogger,
  systemClock,
} from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SqsEnvironment, startSqsEnvironment } from '../../test/support/sqs-environment';
import { createDispatcher } from './dispatcher';
import { sweepOnce } from './sweeper';
import type { Transport } from './transport';

let env: SqsEnvironment;
beforeAll(async () => {
  env = await startSqsEnvironment();
});
afterAll(async () => {
  await env?.stop();
});

const at = (offsetMs: number) => ({ now: () => new Date(Date.now() + offsetMs) });
const refusing: Transport = { name: 'refusing', send: async () => [], close: async () => {} };
const dispatcherOver = (transport: Transport) =>
  createDispatcher({
    store: env.store,
    transport,
    topology: env.topology,
    clock: systemClock,
    logger: silentLogger,
    sweepGraceMs: 60_000,
  });

describe('outbox sweeper', () => {
  it('leaves a job alone until its grace period has passed, then re-sends it once', async () => {
    const seen: string[] = [];
    const sendOnly: Transport = {
      name: 'recording',
      send: async (messages) => {
        seen.push(...messages.map((m) => m.envelope.jobId));
        return [];
      },
      close: async () => {},
    };
    const dispatcher = dispatcherOver(sendOnly);
    const { job } = await dispatcher.enqueue('automation', { tenantId: 'tenant-s', tenantUserId: 'u-1' });
    seen.length = 0;
    const deps = {
      store: env.store,
      dispatcher,
      events: env.events,
      logger: silentLogger,
      sweepGraceMs: 60_000,
    };
    expect((await sweepOnce({ ...deps, clock: at(30_000) })).resent).toBe(0);
    const report = await sweepOnce({ ...deps, clock: at(61_000) });
    expect(report.resent).toBeGreaterThanOrEqual(1);
    expect(seen).toContain(job.jobId);
    // Deferred by the grace period: the next sweep a moment later does not re-send it again.
    seen.length = 0;
    await sweepOnce({ ...deps, clock: at(62_000) });
    expect(seen).not.toContain(job.jobId);
  });

  it('fails a job whose holder vanished during its last attempt, with an event', async () => {
    const dispatcher = dispatcherOver(refusing);
    const { job } = await dispatcher.enqueue('automation', { tenantId: 'tenant-s', tenantUserId: 'u-2' });
    // Three claims whose holders each vanish: the third is the last attempt.
    let now = Date.now();
    for (let i = 0; i < 3; i++) {
      const claim = await env.store.claim({ ...job, now: new Date(now), leaseMs: 1_000 });
      expect(claim.outcome).toBe('claimed');
      now += 1_001;
    }
    const events: RealtimeEvent[] = [];
    env.events.subscribe((e) => events.push(e));
    const settled: JobRecord[] = [];
    const recorded: Array<{ queue: string; outcome: string }> = [];
    const report = await sweepOnce({
      metrics: { ...noMetrics, jobAttempt: ({ queue, outcome }) => void recorded.push({ queue, outcome }) },
      store: env.store,
      dispatcher,
      events: env.events,
      clock: { now: () => new Date(now + 1_000) },
      logger: silentLogger,
      sweepGraceMs: 60_000,
      // The same hook the processor calls: the target and webhook subscribers learn of it too.
      onSettled: async (failed) => void settled.push(failed),
    });
    expect(report.failed).toBeGreaterThanOrEqual(1);
    expect(await env.store.get(job)).toMatchObject({
      status: 'failed',
      errorCode: 'consumer_lost',
      attempts: 3,
    });
    expect(events.find((e) => 'jobId' in e && e.jobId === job.jobId)).toMatchObject({
      type: 'job:failed',
      status: 'failed',
    });
    expect(settled.filter((j) => j.jobId === job.jobId).map((j) => j.status)).toEqual(['failed']);
    // Counted like a failed attempt, so /metrics agrees with the records.
    expect(recorded).toContainEqual({ queue: 'automation', outcome: 'failed' });
  });

  it('re-runs the settled hook of a finished job whose marker is due, backing off while it fails, then clears it', async () => {
    const dispatcher = dispatcherOver(refusing);
    const t0 = Date.now();
    const { job } = await dispatcher.enqueue('automation', { tenantId: 'tenant-s', tenantUserId: 'u-3' });
    await env.store.claim({ ...job, now: new Date(t0), leaseMs: 60_000 });
    // The consumer recorded the outcome with its marker, then died before the hook ran.
    await env.store.complete({ ...job, attempt: 1, now: new Date(t0), settleDueAt: new Date(t0 + 1_000) });
    const calls: string[] = [];
    let failures = 2;
    const deps = {
      store: env.store,
      dispatcher,
      events: env.events,
      logger: silentLogger,
      sweepGraceMs: 60_000,
      onSettled: async (settled: JobRecord) => {
        if (settled.jobId !== job.jobId) return;
        calls.push(settled.status);
        if (failures-- > 0) throw new Error('store unreachable');
      },
    };
    const sweepAt = (ms: number) => sweepOnce({ ...deps, clock: { now: () => new Date(t0 + ms) } });
    await sweepAt(500);
    expect(calls).toEqual([]); // not due yet: the consumer may still be running it
    await sweepAt(2_000);
    expect(calls).toEqual(['complete']);
    await sweepAt(3_000); // failed: backed off, not retried on every sweep
    await sweepAt(20_000);
    expect(calls).toHaveLength(1);
    await sweepAt(2_000 + 61_000);
    expect(calls).toHaveLength(2);
    await sweepAt(2_000 + 61_000 + 121_000);
    expect(calls).toHaveLength(3);
    expect((await env.store.get(job))?.settleAt).toBeUndefined();
    await sweepAt(3_600_000);
    expect(calls).toHaveLength(3);
  });

  it('drops the effects of a hook that fails permanently instead of retrying them forever', async () => {
    const dispatcher = dispatcherOver(refusing);
    const t0 = Date.now();
    const { job } = await dispatcher.enqueue('automation', { tenantId: 'tenant-s', tenantUserId: 'u-4' });
    await env.store.claim({ ...job, now: new Date(t0), leaseMs: 60_000 });
    await env.store.complete({ ...job, attempt: 1, now: new Date(t0), settleDueAt: new Date(t0 + 1_000) });
    let calls = 0;
    const deps = {
      store: env.store,
      dispatcher,
      events: env.events,
      logger: silentLogger,
      sweepGraceMs: 60_000,
      onSettled: async (settled: JobRecord) => {
        if (settled.jobId !== job.jobId) return;
        calls++;
        throw new PermanentError('payload too large for a webhook', { code: 'payload_too_large' });
      },
    };
    await sweepOnce({ ...deps, clock: { now: () => new Date(t0 + 2_000) } });
    expect(calls).toBe(1);
    expect((await env.store.get(job))?.settleAt).toBeUndefined();
    await sweepOnce({ ...deps, clock: { now: () => new Date(t0 + 3_600_000) } });
    expect(calls).toBe(1);
  });
});
