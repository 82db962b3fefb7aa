import { randomUUID } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, createInProcessEventBus, createJsonLogger } from '@paperlane/adapters';
import {
  type Clock,
  type JobContext,
  type JobRecord,
  type JobStatus,
  resolveTopology,
  silentLogger,
  systemClock,
} from '@paperlane/core';
import { createDocumentClient, createStore, ensureTable } from '@paperlane/store';
import type { DynaliteServer, FauxqsServer, RedisServer } from '@paperlane/testing';
import { createBullmqTransport, createBullmqWorker } from '../../src/adapter/bullmq/index';
import { createSqsHandler } from '../../src/adapter/lambda-sqs/index';
import { createSqsPoller } from '../../src/adapter/local-sqs/index';
import { createSqsTransport, provisionSqsQueues } from '../../src/adapter/sqs/index';
import { createDispatcher, sweepOnce } from '../../src/dispatcher/index';
import { createAdmission, createFairShareGate, type FairShareCaps } from '../../src/fair-share/index';
import { waitForJob } from '../conformance/wait-for-job';

export type FairRuntime = 'bullmq' | 'sqs';

export interface FairShareRigOptions {
  runtime: FairRuntime;
  redis: Pick<RedisServer, 'url'>;
  dynamo: Pick<DynaliteServer, 'endpoint'>;
  faux: Pick<FauxqsServer, 'endpoint'>;
  caps: FairShareCaps;
  /** Jobs one consumer runs at once (BullMQ concurrency; SQS: receive loops of one message each). */
  concurrency: number;
  /** What each `automation` job does; its label is the payload's `tenantUserId`. */
  run: (ctx: JobContext<'automation'>) => Promise<void>;
  recheckMs?: number;
  /** Admission's clock (slot re-check times); a test moves it on to play a later sweep. */
  clock?: Clock;
}

/**
 * One runtime with fair share on, over real servers: a dynalite table, fauxqs queues or
 * a BullMQ prefix of their own, the dispatcher admitting new jobs, one consumer with
 * the processor's gate, and a sweeper to call by hand. Tests and the fairness
 * benchmark share it.
 */
export async function startFairShareRig(options: FairShareRigOptions) {
  const id = randomUUID().slice(0, 8);
  const documentClient = createDocumentClient({ endpoint: options.dynamo.endpoint });
  const tableName = `fair-${id}`;
  await ensureTable(documentClient, tableName);
  const store = createStore({ documentClient, tableName });
  const topology = resolveTopology({ JOB_RETRY_ATTEMPTS: '3', JOB_RETRY_BACKOFF_MS: '20' });
  const events = createInProcessEventBus();
  const sqs = new SQSClient(awsClientConfig({ endpoint: options.faux.endpoint }));
  const prefix = options.runtime === 'bullmq' ? `fair-${id}` : `f${id}-`;
  const urls = options.runtime === 'sqs' ? await provisionSqsQueues(sqs, topology, prefix) : undefined;
  const transport =
    options.runtime === 'bullmq'
      ? createBullmqTransport({ url: options.redis.url, prefix, topology })
      : createSqsTransport({ client: sqs, urls: urls! });
  const common = {
    clock: systemClock,
    logger: process.env.FAIR_DEBUG ? createJsonLogger({ level: 'warn' }) : silentLogger,
    topology,
    sweepGraceMs: 60_000,
  };
  const admission = createAdmission({
    store: store.fairShare,
    jobs: store.jobs,
    caps: options.caps,
    clock: options.clock ?? systemClock,
    logger: silentLogger,
    ...(options.recheckMs ? { recheckMs: options.recheckMs } : {}),
  });
  const dispatcher = createDispatcher({ ...common, store: store.jobs, transport, admission });
  const deps = {
    ...common,
    store: store.jobs,
    events,
    handlers: {
      automation: async (ctx: JobContext<'automation'>) => {
        await options.run(ctx);
        return undefined;
      },
    },
    fairShare: createFairShareGate({ admission, jobs: store.jobs, dispatcher, logger: silentLogger }),
  };

  let stopRunning: () => Promise<void>;
  let stopped: Promise<void> | undefined;
  const stopConsumer = () => {
    stopped ??= stopRunning();
    return stopped;
  };
  if (options.runtime === 'bullmq') {
    const worker = createBullmqWorker({
      queue: 'automation',
      url: options.redis.url,
      prefix,
      deps,
      concurrency: options.concurrency,
      lockDurationMs: 30_000,
    });
    await worker.worker.waitUntilReady();
    stopRunning = () => worker.close();
  } else {
    const consumerSqs = new SQSClient(awsClientConfig({ endpoint: options.faux.endpoint }));
    const handler = createSqsHandler({
      queue: 'automation',
      sqs,
      urls: urls!.automation,
      deps,
      leaseMs: 30_000,
      extendVisibility: true,
    });
    const poller = createSqsPoller({
      sqs: consumerSqs,
      urls: urls!.automation,
      handler,
      // One message per receive: `concurrency` is then exactly the jobs running at once.
      batchSize: 1,
      concurrency: options.concurrency,
      visibilityTimeoutSeconds: 30,
      timeoutSeconds: 300,
      waitTimeSeconds: 1,
      logger: silentLogger,
    });
    poller.start();
    stopRunning = async () => {
      await poller.stop();
      consumerSqs.destroy();
    };
  }

  return {
    store,
    events,
    dispatcher,
    admission,
    tenant: (name: string) => `${name}-${id}`,
    enqueue(tenantId: string, label: string) {
      return dispatcher.enqueue('automation', { tenantId, tenantUserId: label });
    },
    enqueueMany(tenantId: string, labels: readonly string[]) {
      return dispatcher.enqueueMany(
        labels.map((label) => ({ queue: 'automation', payload: { tenantId, tenantUserId: label } })),
      );
    },
    waitFor(job: Pick<JobRecord, 'tenantId' | 'jobId'>, statuses: JobStatus[], timeoutMs?: number) {
      return waitForJob(store.jobs, events, job, statuses, timeoutMs);
    },
    /** One sweep as the sweeper process would run it, at `clock`'s time. */
    sweep(clock: Clock = systemClock) {
      return sweepOnce({ ...common, clock, store: store.jobs, dispatcher, events, admission });
    },
    /** Stops the consumer once its running jobs are done (their slots released). */
    stopConsumer: () => stopConsumer(),
    async stop() {
      await stopConsumer();
      await dispatcher.close();
      sqs.destroy();
      documentClient.destroy();
    },
  };
}

export type FairShareRig = Awaited<ReturnType<typeof startFairShareRig>>;
