import { type JobRecord, PermanentError } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processorDeps, type SqsEnvironment, startSqsEnvironment } from '../../test/support/sqs-environment';
import { createProcessor } from './process-delivery';

let env: SqsEnvironment;
beforeAll(async () => {
  env = await startSqsEnvironment();
});
afterAll(async () => {
  await env?.stop();
});

function messageBody(url: string, jobId: string): string {
  const queue = env.faux.server.inspectQueue(url.split('/').pop() ?? '');
  const found = [...(queue?.messages.ready ?? [])].find((m) => m.body.includes(jobId));
  if (!found) throw new Error(`no message for ${jobId}`);
  return found.body;
}

const baseDeps = () => processorDeps(env);

describe('the onSettled hook', () => {
  it('runs once a job is complete or failed for good, after the record says so, never for a retry', async () => {
    const seen: Array<{ jobId: string; status: string; recorded?: string }> = [];
    const processor = createProcessor({
      ...baseDeps(),
      handlers: {
        thumbnail: async (ctx) => {
          if (ctx.payload.documentId === 'doc-bad') throw new PermanentError('corrupt image');
          if (ctx.payload.documentId === 'doc-flaky') throw new Error('try again');
          return { ok: true };
        },
      },
      onSettled: async (job: JobRecord) => {
        seen.push({ jobId: job.jobId, status: job.status, recorded: (await env.store.get(job))?.status });
      },
    });
    const run = async (documentId: string) => {
      const { job } = await env.dispatcher.enqueue('thumbnail', { tenantId: 'tenant-h', documentId });
      const outcome = await processor.process({
        queue: 'thumbnail',
        body: messageBody(env.urls.thumbnail.high, job.jobId),
      });
      return { job, outcome };
    };
    const good = await run('doc-good');
    const bad = await run('doc-bad');
    const flaky = await run('doc-flaky');
    expect([good.outcome.kind, bad.outcome.kind, flaky.outcome.kind]).toEqual(['ack', 'dead', 'retry']);
    expect(seen).toEqual([
      { jobId: good.job.jobId, status: 'complete', recorded: 'complete' },
      { jobId: bad.job.jobId, status: 'failed', recorded: 'failed' },
    ]);
  });

  it('fails and dead-letters a job that outlived its last attempt without running it again', async () => {
    const seen: JobRecord[] = [];
    let runs = 0;
    const deps = {
      ...baseDeps(),
      handlers: {
        thumbnail: async () => {
          runs++;
          return { ok: true };
        },
      },
      onSettled: async (job: JobRecord) => void seen.push(job),
    };
    const { job } = await env.dispatcher.enqueue('thumbnail', {
      tenantId: 'tenant-h',
      documentId: 'doc-oom',
    });
    const body = messageBody(env.urls.thumbnail.high, job.jobId);
    // Every attempt's consumer died holding the claim (an OOM on this file, say).
    let now = Date.now();
    for (let i = 0; i < job.maxAttempts; i++) {
      expect((await env.store.claim({ ...job, now: new Date(now), leaseMs: 1_000 })).outcome).toBe('claimed');
      now += 1_001;
    }
    const later = { now: () => new Date(now + 1_000) };
    const outcome = await createProcessor({ ...deps, clock: later }).process({ queue: 'thumbnail', body });
    expect(runs).toBe(0);
    expect(outcome).toMatchObject({ kind: 'dead', code: 'consumer_lost' });
    expect(await env.store.get(job)).toMatchObject({
      status: 'failed',
      errorCode: 'consumer_lost',
      lastError: `consumer stopped responding during the last of ${job.maxAttempts} attempts`,
    });
    expect(seen.map((j) => [j.jobId, j.status])).toEqual([[job.jobId, 'failed']]);
    // A later copy of the message, e.g. after the sweeper failed the job first, goes to the DLQ too.
    expect(await createProcessor(deps).process({ queue: 'thumbnail', body })).toMatchObject({
      kind: 'dead',
      code: 'consumer_lost',
    });
    expect(runs).toBe(0);
  });
});
