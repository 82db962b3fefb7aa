import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFolderBlobStore } from '@paperlane/adapters/blob';
import { sniffContentType } from '@paperlane/adapters/files';
import { type JobHandlers, type JobRecord, silentLogger } from '@paperlane/core';
import { type RedisServer, startRedis } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config';
import { type Container, createContainer, type Stoppable } from '../src/container';
import { placeholderHandlers } from '../src/placeholder-handlers';

/** Reads the record until `done` holds: with Redis gone, no job event can be awaited. */
async function recordUntil(container: Container, job: JobRecord, done: (j: JobRecord) => boolean) {
  for (let i = 0; i < 400; i++) {
    const current = await container.store.jobs.get({ tenantId: job.tenantId, jobId: job.jobId });
    if (current && done(current)) return current;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`job ${job.jobId} never settled`);
}

describe('BullMQ first, SQS when Redis is down (JOB_TRANSPORT_FALLBACK=sqs)', () => {
  let redis: RedisServer;
  let dataDir: string;
  let container: Container;
  let workers: Stoppable;
  const ran: string[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    dataDir = await mkdtemp(join(tmpdir(), 'paperlane-fallback-'));
    const handlers: JobHandlers = {
      ...placeholderHandlers,
      automation: async (ctx) => {
        ran.push(ctx.job.jobId);
        return { ran: true };
      },
    };
    container = await createContainer(
      loadConfig({
        DATA_DIR: dataDir,
        REDIS_URL: redis.url,
        JOB_TRANSPORT_FALLBACK: 'sqs',
        LOG_LEVEL: 'error',
      }),
      {
        blobs: createFolderBlobStore({ root: join(dataDir, 'files') }),
        sniff: sniffContentType,
        handlers,
        logger: silentLogger,
      },
    );
    workers = await container.startWorkers(['automation']);
  });
  afterAll(async () => {
    await workers?.stop();
    await container?.close();
    await redis?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs the embedded fauxqs beside Redis only as the fallback', () => {
    expect(container.config).toMatchObject({ transport: 'bullmq', fallback: 'sqs' });
    expect(container.config.embed.sqs).toBe(true);
  });

  it('sends through BullMQ while Redis is up, through SQS once it is gone, and runs both once', async () => {
    const first = await container.dispatcher.enqueue('automation', { tenantId: 't1', tenantUserId: 'u1' });
    expect(first.sent).toBe(true);
    await recordUntil(container, first.job, (j) => j.status === 'complete');
    expect(
      await container
        .bullmqQueues()
        ?.find((q) => q.name === 'automation')
        ?.getJob(first.job.jobId),
    ).toBeDefined();

    await redis.stop();
    const second = await container.dispatcher.enqueue('automation', { tenantId: 't1', tenantUserId: 'u2' });
    // Taken by the fallback, not left for the sweeper.
    expect(second.sent).toBe(true);
    const done = await recordUntil(container, second.job, (j) => j.status === 'complete');
    expect(done).toMatchObject({ status: 'complete', attempts: 1 });
    expect(ran.filter((id) => id === first.job.jobId)).toHaveLength(1);
    expect(ran.filter((id) => id === second.job.jobId)).toHaveLength(1);
  });
});
