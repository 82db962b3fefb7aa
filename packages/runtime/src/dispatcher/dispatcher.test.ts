import { silentLogger, stableId, systemClock, ValidationError } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SqsEnvironment, startSqsEnvironment } from '../../test/support/sqs-environment';
import { createBullmqTransport } from '../adapter/bullmq/bullmq-transport';
import { createSqsTransport } from '../adapter/sqs/sqs-transport';
import { createDispatcher } from './dispatcher';
import type { Transport } from './transport';

let env: SqsEnvironment;
beforeAll(async () => {
  env = await startSqsEnvironment();
});
afterAll(async () => {
  await env?.stop();
});

function queued(url: string) {
  const queue = env.faux.server.inspectQueue(url.split('/').pop() ?? '');
  return [...(queue?.messages.ready ?? []), ...(queue?.messages.delayed ?? [])];
}

function dispatcherWith(transport: Transport, fallback?: Transport) {
  return createDispatcher({
    store: env.store,
    transport,
    ...(fallback ? { fallback } : {}),
    topology: env.topology,
    clock: systemClock,
    logger: silentLogger,
    sweepGraceMs: 60_000,
    primaryCooldownMs: 60_000,
  });
}

describe('dispatcher', () => {
  it('writes the record before the message and sends to the lane of its priority', async () => {
    const { job, created, sent } = await env.dispatcher.enqueue(
      'thumbnail',
      { tenantId: 'tenant-d', documentId: 'doc-1' },
      { priority: 'low', sessionId: 'sess-1', documentId: 'doc-1' },
    );
    expect({ created, sent }).toEqual({ created: true, sent: true });
    expect(await env.store.get(job)).toMatchObject({
      status: 'pending',
      queue: 'thumbnail',
      priority: 'low',
      sessionId: 'sess-1',
      targetType: 'document',
      targetId: 'doc-1',
      maxAttempts: env.topology.thumbnail.attempts,
    });
    expect(queued(env.urls.thumbnail.low).some((m) => m.body.includes(job.jobId))).toBe(true);
    expect(queued(env.urls.thumbnail.high).some((m) => m.body.includes(job.jobId))).toBe(false);
  });

  it('schedules at the instant given (runAt), not at a delay from an earlier clock read', async () => {
    const runAt = new Date(Date.now() + 2 * 3600_000);
    const { job } = await env.dispatcher.enqueue(
      'thumbnail',
      { tenantId: 'tenant-d', documentId: 'doc-run-at' },
      { runAt, delayMs: 5 },
    );
    expect(job.availableAt).toBe(runAt.toISOString());
    expect(
      env.faux.server
        .inspectQueue(env.urls.thumbnail.high.split('/').pop() ?? '')
        ?.messages.delayed.some((m) => m.body.includes(job.jobId)),
    ).toBe(true);
    // An instant already past runs now; one beyond a year is refused.
    const past = await env.dispatcher.enqueue(
      'thumbnail',
      { tenantId: 'tenant-d', documentId: 'doc-run-past' },
      { runAt: new Date(Date.now() - 60_000) },
    );
    expect(Date.parse(past.job.availableAt)).toBeGreaterThan(Date.now() - 60_000);
    await expect(
      env.dispatcher.enqueue(
        'thumbnail',
        { tenantId: 't', documentId: 'd' },
        { runAt: new Date(Date.now() + 400 * 24 * 3600_000) },
      ),
    ).rejects.toMatchObject({ code: 'invalid_delay' });
    await expect(
      env.dispatcher.enqueue(
        'thumbnail',
        { tenantId: 't', documentId: 'd' },
        { runAt: new Date(Number.NaN) },
      ),
    ).rejects.toMatchObject({ code: 'invalid_delay' });
  });

  it('rejects an invalid payload before writing anything', async () => {
    const attempt = env.dispatcher.enqueue('invoice-processing', {
      tenantId: 'tenant-d',
      invoiceId: '../../etc/passwd',
    });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ code: 'invalid_payload' });
    await expect(
      env.dispatcher.enqueue('thumbnail', { tenantId: 't', documentId: 'd', extra: 1 } as never),
    ).rejects.toMatchObject({ code: 'invalid_payload' });
    await expect(
      env.dispatcher.enqueue('thumbnail', { tenantId: 't', documentId: 'd' }, { delayMs: -5 }),
    ).rejects.toMatchObject({ code: 'invalid_delay' });
    await expect(
      env.dispatcher.enqueue('thumbnail', { tenantId: 't', documentId: 'd' }, { dedupeKey: 'x'.repeat(300) }),
    ).rejects.toMatchObject({ code: 'invalid_dedupe_key' });
  });

  it('creates a job once per dedupe key and sends it once', async () => {
    const payload = { tenantId: 'tenant-d', tenantUserId: 'user-1' };
    const first = await env.dispatcher.enqueue('automation', payload, {
      dedupeKey: 'auto-1@2026-11-22T10:00',
    });
    const second = await env.dispatcher.enqueue('automation', payload, {
      dedupeKey: 'auto-1@2026-11-22T10:00',
    });
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, sent: false, job: { jobId: first.job.jobId } });
    expect(first.job.jobId).toBe(stableId('job', 'tenant-d', 'automation', 'auto-1@2026-11-22T10:00'));
    expect(queued(env.urls.automation.high).filter((m) => m.body.includes(first.job.jobId))).toHaveLength(1);
  });

  it('enqueues many jobs in batches of ten', async () => {
    const requests = Array.from({ length: 23 }, (_, i) => ({
      queue: 'llm-summary' as const,
      payload: { tenantId: 'tenant-d', documentId: `doc-many-${i}` },
    }));
    const results = await env.dispatcher.enqueueMany(requests);
    expect(results.every((r) => r.created && r.sent)).toBe(true);
    const bodies = queued(env.urls['llm-summary'].high).map((m) => m.body);
    for (const r of results) expect(bodies.some((b) => b.includes(r.job.jobId))).toBe(true);
  });

  it('falls back to the second transport while the first is unreachable, then skips it', async () => {
    let primaryCalls = 0;
    const dead = createBullmqTransport({
      url: 'redis://127.0.0.1:1',
      topology: env.topology,
      sendTimeoutMs: 200,
    });
    const counting: Transport = {
      name: 'bullmq',
      send: (messages) => {
        primaryCalls++;
        return dead.send(messages);
      },
      close: () => dead.close(),
    };
    const dispatcher = dispatcherWith(counting, createSqsTransport({ client: env.sqs, urls: env.urls }));
    const first = await dispatcher.enqueue('thumbnail', { tenantId: 'tenant-f', documentId: 'doc-a' });
    const second = await dispatcher.enqueue('thumbnail', { tenantId: 'tenant-f', documentId: 'doc-b' });
    expect([first.sent, second.sent]).toEqual([true, true]);
    expect(primaryCalls).toBe(1);
    const bodies = queued(env.urls.thumbnail.high).map((m) => m.body);
    expect(bodies.some((b) => b.includes(first.job.jobId))).toBe(true);
    expect(bodies.some((b) => b.includes(second.job.jobId))).toBe(true);
    await dispatcher.close();
  });

  it('accepts the job and leaves it to the sweeper when no transport can send', async () => {
    const refusing: Transport = {
      name: 'refusing',
      send: async () => {
        throw new Error('network down');
      },
      close: async () => {},
    };
    const { job, sent, created } = await dispatcherWith(refusing).enqueue('thumbnail', {
      tenantId: 'tenant-f',
      documentId: 'doc-c',
    });
    expect({ sent, created }).toEqual({ sent: false, created: true });
    expect(await env.store.get(job)).toMatchObject({ status: 'pending' });
    const due = await env.store.listDue(new Date(Date.now() + 61_000), 1000);
    expect(due.map((j) => j.jobId)).toContain(job.jobId);
  });
});
