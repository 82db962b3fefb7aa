import { type JobEvent, type JobRecord, silentLogger, systemClock } from '@paperlane/core';
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
    const dispatcher = createDispatcher({
      store: env.store,
      transport: sendOnly,
      topology: env.topology,
      clock: systemClock,
      logger: silentLogger,
      sweepGraceMs: 60_000,
    });
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
    const dispatcher = createDispatcher({
      store: env.store,
      transport: refusing,
      topology: env.topology,
      clock: systemClock,
      logger: silentLogger,
      sweepGraceMs: 60_000,
    });
    const { job } = await dispatcher.enqueue('automation', { tenantId: 'tenant-s', tenantUserId: 'u-2' });
    // Three claims whose holders each vanish: the third is the last attempt.
    let now = Date.now();
    for (let i = 0; i < 3; i++) {
      const claim = await env.store.claim({ ...job, now: new Date(now), leaseMs: 1_000 });
      expect(claim.outcome).toBe('claimed');
      now += 1_001;
    }
    const events: JobEvent[] = [];
    env.events.subscribe((e) => events.push(e));
    const settled: JobRecord[] = [];
    const report = await sweepOnce({
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
    expect(events.find((e) => e.jobId === job.jobId)).toMatchObject({ type: 'job:failed', status: 'failed' });
    expect(settled.filter((j) => j.jobId === job.jobId).map((j) => j.status)).toEqual(['failed']);
  });
});
