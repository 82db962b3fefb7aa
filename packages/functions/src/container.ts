import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  awsClientConfig,
  createInProcessEventBus,
  createJsonLogger,
  createRedisEventBus,
} from '@paperlane/adapters';
import {
  type BlobStore,
  type DocumentContentType,
  type EventBus,
  type JobHandlers,
  type Logger,
  QUEUE_NAMES,
  type QueueName,
  systemClock,
} from '@paperlane/core';
import {
  createBullmqTransport,
  createBullmqWorker,
  createDispatcher,
  createSqsHandler,
  createSqsPoller,
  createSqsTransport,
  provisionSqsQueues,
  resolveSqsQueueUrls,
  type SqsQueueUrls,
  startSweeper,
  type Transport,
} from '@paperlane/runtime';
import { createDocumentClient, createStore, ensureTable } from '@paperlane/store';
import { startDynalite, startFauxqs } from '@paperlane/testing';
import type { Config } from './config/config';

/** What differs between entry points and is built outside the container. */
export interface ContainerParts {
  blobs: BlobStore;
  sniff: (bytes: Uint8Array) => DocumentContentType;
  handlers: JobHandlers;
  logger?: Logger;
  /** Known queue URLs (SST links on AWS); otherwise provisioned or looked up by name. */
  sqsUrls?: SqsQueueUrls;
}

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Wires Paperlane from configuration: the store, the transport (SQS or BullMQ),
 * the dispatcher, the event bus, and on request the workers and the sweeper. In
 * embedded mode it first starts dynalite (persisted under DATA_DIR) and the
 * fauxqs SQS emulator in-process.
 */
export async function createContainer(config: Config, parts: ContainerParts) {
  const { env } = config;
  const logger = parts.logger ?? createJsonLogger({ level: env.LOG_LEVEL, base: { service: 'paperlane' } });
  const stops: Array<() => Promise<void>> = [];
  const endpoints = { ...config.endpoints };

  if (config.embedded) {
    await mkdir(join(env.DATA_DIR, 'dynamo'), { recursive: true });
    const dynamo = await startDynalite({ path: join(env.DATA_DIR, 'dynamo') });
    stops.push(() => dynamo.stop());
    endpoints.dynamodb = dynamo.endpoint;
    if (config.transport === 'sqs') {
      const faux = await startFauxqs();
      stops.push(() => faux.stop());
      endpoints.sqs = faux.endpoint;
    }
  }

  const local = config.embedded || Object.keys(config.endpoints).length > 0;
  const documentClient = createDocumentClient({
    ...(endpoints.dynamodb ? { endpoint: endpoints.dynamodb } : {}),
    region: env.AWS_REGION,
  });
  if (local) await ensureTable(documentClient, env.TABLE_NAME);
  const store = createStore({ documentClient, tableName: env.TABLE_NAME });

  const events: EventBus = env.REDIS_URL
    ? createRedisEventBus({ url: env.REDIS_URL, logger })
    : createInProcessEventBus(logger);

  let sqs: SQSClient | undefined;
  let sqsUrls: SqsQueueUrls | undefined = parts.sqsUrls;
  let transport: Transport;
  if (config.transport === 'bullmq' && env.REDIS_URL) {
    transport = createBullmqTransport({ url: env.REDIS_URL, topology: config.topology });
  } else {
    sqs = new SQSClient(
      awsClientConfig({ ...(endpoints.sqs ? { endpoint: endpoints.sqs } : {}), region: env.AWS_REGION }),
    );
    sqsUrls ??= local
      ? await provisionSqsQueues(sqs, config.topology, env.QUEUE_PREFIX)
      : await resolveSqsQueueUrls(sqs, env.QUEUE_PREFIX);
    transport = createSqsTransport({ client: sqs, urls: sqsUrls });
  }

  const common = { topology: config.topology, clock: systemClock, logger, sweepGraceMs: env.SWEEP_GRACE_MS };
  const dispatcher = createDispatcher({ ...common, store: store.jobs, transport });
  const processorDeps = { ...common, store: store.jobs, events, handlers: parts.handlers };

  return {
    config,
    logger,
    store,
    events,
    dispatcher,
    blobs: parts.blobs,
    sniff: parts.sniff,
    endpoints,
    sqsUrls,

    /** Consumes the given queues in this process (local pollers or BullMQ workers). */
    async startWorkers(queues: readonly QueueName[] = QUEUE_NAMES): Promise<Stoppable> {
      const running: Stoppable[] = [];
      for (const queue of queues) {
        const topology = config.topology[queue];
        if (config.transport === 'bullmq' && env.REDIS_URL) {
          const worker = createBullmqWorker({ queue, url: env.REDIS_URL, deps: processorDeps });
          running.push({ stop: () => worker.close() });
          continue;
        }
        const urls = sqsUrls?.[queue];
        if (!sqs || !urls) throw new Error(`no SQS queue URLs for ${queue}`);
        const leaseMs = 60_000;
        const handler = createSqsHandler({
          queue,
          sqs,
          urls,
          deps: processorDeps,
          leaseMs,
          extendVisibility: true,
        });
        const poller = createSqsPoller({
          sqs,
          urls,
          handler,
          batchSize: Math.min(10, topology.batchSize),
          concurrency: topology.concurrency,
          visibilityTimeoutSeconds: leaseMs / 1000,
          // Locally a batch may take as long as it needs: the lease keeper extends visibility.
          timeoutSeconds: topology.timeoutSeconds * 10,
          logger,
        });
        poller.start();
        running.push({ stop: () => poller.stop() });
      }
      return { stop: async () => void (await Promise.all(running.map((r) => r.stop()))) };
    },

    /**
     * Re-sends unsent or stranded jobs every SWEEP_INTERVAL_MS. `recoverNow` first
     * sweeps as if the grace period had passed: after an embedded restart the
     * in-memory queues are empty, and every pending job needs its message again.
     */
    async startSweeper(options: { recoverNow?: boolean } = {}): Promise<Stoppable> {
      const deps = { ...common, store: store.jobs, dispatcher, events };
      if (options.recoverNow) {
        const { sweepOnce } = await import('@paperlane/runtime');
        const later = { now: () => new Date(Date.now() + env.SWEEP_GRACE_MS + 1) };
        await sweepOnce({ ...deps, clock: later, limit: 1000 });
      }
      return startSweeper({ ...deps, intervalMs: env.SWEEP_INTERVAL_MS });
    },

    async close() {
      await dispatcher.close();
      await events.close();
      sqs?.destroy();
      documentClient.destroy();
      for (const stop of stops.reverse()) await stop();
    },
  };
}

export type Container = Awaited<ReturnType<typeof createContainer>>;
