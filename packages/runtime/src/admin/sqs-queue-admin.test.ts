import { randomUUID } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, createInProcessEventBus } from '@paperlane/adapters';
import {
  type JobHandlers,
  PermanentError,
  resolveTopology,
  silentLogger,
  sqsQueueNames,
  systemClock,
} from '@paperlane/core';
import { createDocumentClient, createStore, ensureTable, type Store } from '@paperlane/store';
import { type DynaliteServer, type FauxqsServer, startDynalite, startFauxqs } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForJob } from '../../test/conformance/wait-for-job';
import { createSqsHandler } from '../adapter/lambda-sqs/handler';
import { createSqsPoller } from '../adapter/local-sqs/poller';
import { DLQ_CODE_ATTRIBUTE, DLQ_REASON_ATTRIBUTE, DLQ_SOURCE_ATTRIBUTE } from '../adapter/sqs/message-ops';
import { provisionSqsQueues } from '../adapter/sqs/provision';
import type { SqsQueueUrls } from '../adapter/sqs/queue-urls';
import { createSqsTransport } from '../adapter/sqs/sqs-transport';
import { createDispatcher } from '../dispatcher/dispatcher';
import { createSqsQueueAdmin } from './sqs-queue-admin';

let dynamo: DynaliteServer;
let faux: FauxqsServer;
let sqs: SQSClient;
let consumerSqs: SQSClient;
let documentClient: ReturnType<typeof createDocumentClient>;

beforeAll(async () => {
  [dynamo, faux] = await Promise.all([startDynalite(), startFauxqs({ spyBufferSize: 2_000 })]);
  documentClient = createDocumentClient({ endpoint: dynamo.endpoint });
  sqs = new SQSClient(awsClientConfig({ endpoint: faux.endpoint }));
  consumerSqs = new SQSClient(awsClientConfig({ endpoint: faux.endpoint }));
});
afterAll(async () => {
  sqs?.destroy();
  consumerSqs?.destroy();
  documentClient?.destroy();
  await Promise.all([dynamo?.stop(), faux?.stop()]);
});

const topology = resolveTopology({ JOB_RETRY_ATTEMPTS: '2', JOB_RETRY_BACKOFF_MS: '10' });

/** A fresh table and queue prefix; `automation` jobs whose user id starts with `once.` fail the first run only. */
async function setup() {
  const tableName = `admin-${randomUUID().slice(0, 8)}`;
  await ensureTable(documentClient, tableName);
  const store: Store = createStore({ documentClient, tableName });
  const prefix = `a${randomUUID().slice(0, 6)}-`;
  const urls: SqsQueueUrls = await provisionSqsQueues(sqs, topology, prefix);
  const events = createInProcessEventBus();
  const runs = new Map<string, number>();
  const handlers: JobHandlers = {
    automation: async (ctx) => {
      const n = (runs.get(ctx.job.jobId) ?? 0) + 1;
      runs.set(ctx.job.jobId, n);
      if (ctx.payload.tenantUserId.startsWith('once.') && n === 1)
        throw new PermanentError('upstream rejected the input', { code: 'bad_input' });
      return { run: n };
    },
  };
  const common = { topology, clock: systemClock, logger: silentLogger, sweepGraceMs: 60_000 };
  const dispatcher = createDispatcher({
    ...common,
    store: store.jobs,
    transport: createSqsTransport({ client: sqs, urls }),
  });
  const admin = createSqsQueueAdmin({
    sqs,
    urls,
    store: store.jobs,
    clock: systemClock,
    sweepGraceMs: 60_000,
    resend: (jobs) => dispatcher.resend(jobs),
    flags: store.queueControl,
    receiveWaitSeconds: 0,
  });
  // Observes the poller's pause checks, so a test can await "a poll cycle passed while paused".
  const pausedChecks: Array<() => void> = [];
  const nextPausedCheck = () => new Promise<void>((resolve) => pausedChecks.push(resolve));
  const poller = createSqsPoller({
    sqs: consumerSqs,
    urls: urls.automation,
    handler: createSqsHandler({
      queue: 'automation',
      sqs,
      urls: urls.automation,
      deps: { ...common, store: store.jobs, events, handlers },
      leaseMs: 30_000,
      extendVisibility: true,
    }),
    batchSize: 10,
    concurrency: 1,
    visibilityTimeoutSeconds: 30,
    timeoutSeconds: 60,
    waitTimeSeconds: 1,
    pausedCheckMs: 20,
    isPaused: async () => {
      const paused = await store.queueControl.isPaused('automation');
      if (paused) for (const resolve of pausedChecks.splice(0)) resolve();
      return paused;
    },
    logger: silentLogger,
  });
  const dlqName = sqsQueueNames('automation', prefix).dlq;
  return { store, urls, events, dispatcher, admin, poller, runs, dlqName, nextPausedCheck };
}

describe('SQS queue admin (fauxqs + dynalite)', () => {
  it('counts, lists and redrives a job dead-lettered by the real consumer, which then completes', async () => {
    const { store, events, dispatcher, admin, poller, runs, dlqName } = await setup();
    poller.start();
    try {
      const mine = await dispatcher.enqueue('automation', { tenantId: 'tenant-a', tenantUserId: 'once.1' });
      const other = await dispatcher.enqueue('automation', { tenantId: 'tenant-b', tenantUserId: 'once.2' });
      await Promise.all([
        waitForJob(store.jobs, events, mine.job, ['failed']),
        waitForJob(store.jobs, events, other.job, ['failed']),
      ]);
      await faux.server.spy.waitForMessages(
        { service: 'sqs', queueName: dlqName },
        { count: 2, status: 'published', timeout: 10_000 },
      );

      const stats = await admin.stats();
      expect(stats).toHaveLength(6);
      expect(stats.find((s) => s.queue === 'automation')).toMatchObject({ failed: 2, paused: false });
      expect(stats.find((s) => s.queue === 'thumbnail')).toMatchObject({ failed: 0, waiting: 0 });

      // Tenant-scoped: tenant-a sees its job only, with the record's error and attempts and the DLQ reason.
      const page = await admin.listFailed('automation', { limit: 10, tenantId: 'tenant-a' });
      expect(page.items).toHaveLength(1);
      expect(page.items[0]).toMatchObject({
        jobId: mine.job.jobId,
        tenantId: 'tenant-a',
        status: 'failed',
        attempts: 1,
        error: 'PermanentError: upstream rejected the input',
        errorCode: 'bad_input',
        deadLetterCode: 'bad_input',
      });
      expect(page.items[0]?.deadLetterReason).toContain('upstream rejected');
      // Listing released what it read: both entries are still there.
      expect((await admin.listFailed('automation', { limit: 10 })).items).toHaveLength(2);

      const result = await admin.redrive('automation', {
        ids: [mine.job.jobId, 'job_missing'],
        tenantId: 'tenant-a',
      });
      expect(result).toEqual({ redriven: 1, discarded: 0, skipped: 0, notFound: ['job_missing'] });
      const done = await waitForJob(store.jobs, events, mine.job, ['complete']);
      expect(done).toMatchObject({ attempts: 1, generation: 1, result: { run: 2 } });
      expect(runs.get(mine.job.jobId)).toBe(2);

      const left = await admin.listFailed('automation', { limit: 10 });
      expect(left.items.map((i) => i.jobId)).toEqual([other.job.jobId]);
      expect(await store.jobs.get(other.job)).toMatchObject({ status: 'failed' });

      // Redrive all (no ids, no tenant): the other tenant's job runs too and the DLQ is empty.
      expect(await admin.redrive('automation')).toMatchObject({ redriven: 1 });
      await waitForJob(store.jobs, events, other.job, ['complete']);
      const after = await admin.stats();
      expect(after.find((s) => s.queue === 'automation')?.failed).toBe(0);
    } finally {
      await poller.stop();
    }
  });

  it('pages by cursor, keeps undecodable entries out of tenant views and drops stale entries on redrive', async () => {
    const { store, urls, dispatcher, admin } = await setup();
    const jobs = [];
    for (let i = 0; i < 3; i++) {
      const { job } = await dispatcher.enqueue('automation', {
        tenantId: 'tenant-p',
        tenantUserId: `u.${i}`,
      });
      const claimed = await store.jobs.claim({ ...job, now: new Date(), leaseMs: 60_000 });
      expect(claimed.outcome).toBe('claimed');
      await store.jobs.fail({ ...job, attempt: 1, error: `boom ${i}`, errorCode: 'boom', now: new Date() });
      jobs.push(job);
    }
    // Straight onto the DLQ with the reason attributes the consumer uses, plus a hostile body.
    const { toMessage } = await import('../dispatcher/dispatcher');
    const { encodeEnvelope } = await import('@paperlane/core');
    for (const job of jobs) {
      const record = await store.jobs.get(job);
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: urls.automation.dlq,
          MessageBody: encodeEnvelope(toMessage(record!, new Date()).envelope),
          MessageAttributes: {
            [DLQ_REASON_ATTRIBUTE]: { DataType: 'String', StringValue: 'boom' },
            [DLQ_CODE_ATTRIBUTE]: { DataType: 'String', StringValue: 'boom' },
            [DLQ_SOURCE_ATTRIBUTE]: { DataType: 'String', StringValue: 'automation' },
          },
        }),
      );
    }
    await sqs.send(new SendMessageCommand({ QueueUrl: urls.automation.dlq, MessageBody: '{"jobId":"#x"}' }));

    const first = await admin.listFailed('automation', { limit: 2, tenantId: 'tenant-p' });
    expect(first.items.map((i) => i.jobId)).toEqual(jobs.slice(0, 2).map((j) => j.jobId));
    expect(first.cursor).toBeTruthy();
    const second = await admin.listFailed('automation', {
      limit: 2,
      tenantId: 'tenant-p',
      cursor: first.cursor,
    });
    expect(second.items.map((i) => i.jobId)).toEqual([jobs[2]?.jobId]);
    expect(second.cursor).toBeUndefined();
    await expect(admin.listFailed('automation', { limit: 2, cursor: 'not-a-cursor' })).rejects.toThrow(
      /cursor is not valid/,
    );
    // The operator's unscoped view shows the undecodable entry (no job), last.
    const all = await admin.listFailed('automation', { limit: 10 });
    expect(all.items).toHaveLength(4);
    expect(all.items[3]).toMatchObject({ deadLetterCode: 'receive_limit_exceeded' });
    expect(all.items[3]?.jobId).toBeUndefined();

    // Retried by hand meanwhile: its DLQ entry is stale and is dropped, not run twice.
    const requeued = await store.jobs.requeue({ ...jobs[0]!, now: new Date(), sweepAt: new Date() });
    expect(requeued?.status).toBe('pending');
    const result = await admin.redrive('automation', { ids: [jobs[0]!.jobId] });
    expect(result).toEqual({ redriven: 0, discarded: 1, skipped: 0, notFound: [] });
    // Redrive all: two jobs go back, the undecodable entry stays.
    expect(await admin.redrive('automation')).toEqual({
      redriven: 2,
      discarded: 0,
      skipped: 1,
      notFound: [],
    });
    const stats = (await admin.stats()).find((s) => s.queue === 'automation');
    expect(stats).toMatchObject({ failed: 1, waiting: 5 });
  });

  it('pause keeps the poller from taking work until resume', async () => {
    const { store, events, dispatcher, admin, poller, nextPausedCheck } = await setup();
    await admin.pause('automation');
    expect(await store.queueControl.isPaused('automation')).toBe(true);
    const parked = nextPausedCheck();
    poller.start();
    try {
      await parked;
      const { job } = await dispatcher.enqueue('automation', { tenantId: 'tenant-z', tenantUserId: 'u.1' });
      // Two more checks: at least one full loop turn ran after the send, still paused.
      await nextPausedCheck();
      await nextPausedCheck();
      const stats = (await admin.stats()).find((s) => s.queue === 'automation');
      expect(stats).toMatchObject({ paused: true, waiting: 1, inFlight: 0 });
      expect(await store.jobs.get(job)).toMatchObject({ status: 'pending', attempts: 0 });

      await admin.resume('automation');
      expect((await admin.stats()).find((s) => s.queue === 'automation')?.paused).toBe(false);
      await waitForJob(store.jobs, events, job, ['complete']);
    } finally {
      await poller.stop();
    }
  });
});
