import { SQSClient } from '@aws-sdk/client-sqs';
import {
  createInProcessChangeFeed,
  createInProcessEventBus,
  createJsonLogger,
  createRedisChangeFeed,
  createRedisEventBus,
  sqsClientConfig,
} from '@paperlane/adapters';
import { createEmailSender } from '@paperlane/adapters/email/create-email-sender';
import { createOtlpTraceExporter } from '@paperlane/adapters/metrics/otlp-traces';
import {
  createPrometheusMetrics,
  type PrometheusMetrics,
} from '@paperlane/adapters/metrics/prometheus-metrics';
import { teeMetrics } from '@paperlane/adapters/metrics/tee-metrics';
import {
  type BlobStore,
  type ChangeFeed,
  type DocumentContentType,
  type DomainEventSink,
  type EventBus,
  type JobHandlers,
  type Logger,
  type Metrics,
  QUEUE_NAMES,
  type QueueName,
  type SecretCipher,
  systemClock,
} from '@paperlane/core';
import {
  type BullmqQueue,
  cachedPauseCheck,
  combineQueueAdmins,
  createBullmqQueueAdmin,
  createBullmqTransport,
  createBullmqWorker,
  createDispatcher,
  createSqsHandler,
  createSqsPoller,
  createSqsQueueAdmin,
  createSqsTransport,
  type Dispatcher,
  provisionSqsQueues,
  type QueueAdmin,
  resolveSqsQueueUrls,
  type SqsQueueUrls,
  startSweeper,
  type Transport,
} from '@paperlane/runtime';
import {
  createDocumentClient,
  createStore,
  ensureTable,
  publishingWebhookStore,
  type Store,
} from '@paperlane/store';
import type { Config } from './config/config';
import { secretCipherFor } from './config/secret-cipher';
import { traceExportSettings } from './config/trace-export';
import { createDomainEvents, jobSettledHook } from './domain-events';
import { admissionFor, fairShareGateFor } from './fair-share';
import { faultDeps } from './faults';
import { fileLinksFor } from './file-links';

/** What differs between entry points and is built outside the container. */
export interface ContainerParts {
  blobs: BlobStore;
  sniff: (bytes: Uint8Array) => DocumentContentType;
  /** The job modules, or a factory given the wired parts (handlers enqueue follow-ups, read the store...). */
  handlers: JobHandlers | ((wiring: HandlerWiring) => JobHandlers);
  logger?: Logger;
  /** Known queue URLs (SST links on AWS); otherwise provisioned or looked up by name. */
  sqsUrls?: SqsQueueUrls;
  /**
   * The job-event bus, when the entry point provides one (the supervisor's IPC bus);
   * otherwise Redis pub/sub with REDIS_URL, else in-process. Closed with the container.
   */
  events?: EventBus;
  /**
   * Where cached records are announced as changed (the supervisor's IPC relay when it
   * provides one); otherwise Redis pub/sub with REDIS_URL, else in-process. Closed with the container.
   */
  changes?: ChangeFeed;
  /** This process's metrics registry (a fresh one otherwise); `/metrics` and the IPC relay read it. */
  metrics?: PrometheusMetrics;
  /** What this process is (`api`, `documents`, `worker`…): the default OpenTelemetry service name is `paperlane-<role>`. */
  role?: string;
}

/** What job modules are built from. */
export interface HandlerWiring {
  config: Config;
  store: Store;
  dispatcher: Dispatcher;
  events: EventBus;
  /** Announces changed records to the caches of every process (webhook subscriptions); none on Lambda. */
  changes?: ChangeFeed;
  blobs: BlobStore;
  logger: Logger;
  /** Durable business events (webhook fan-out). */
  domainEvents: DomainEventSink;
  /** Seals and opens secrets at rest (mailbox passwords, webhook signing secrets). */
  secrets: SecretCipher;
  /** Where job modules record what they measure (webhook latency). */
  metrics: Metrics;
  /** Registers a release (OCR workers, clients) for when the process closes. */
  onClose(release: () => Promise<void>): void;
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
  // Read before anything starts: a bad OTEL_* variable refuses the start, naming it.
  const traceSettings = traceExportSettings(config.source, parts.role ?? 'local');
  const prometheus = parts.metrics ?? createPrometheusMetrics();
  const traces = traceSettings ? createOtlpTraceExporter({ ...traceSettings, logger }) : undefined;
  // First in, so last out: the spans of the final jobs and requests are flushed after everything else stopped.
  if (traces) stops.push(() => traces.close());
  // `/metrics` and the IPC relay still read Prometheus; every fact also reaches the exporter.
  const metrics: PrometheusMetrics = traces
    ? { ...prometheus, ...teeMetrics(prometheus, traces) }
    : prometheus;

  if (config.embedded) {
    const { startEmbeddedServices } = await import('./embedded');
    const services = await startEmbeddedServices(config);
    stops.push(() => services.stop());
    Object.assign(endpoints, services.endpoints);
  }

  const local = config.embedded || Object.keys(config.endpoints).length > 0;
  const documentClient = createDocumentClient({
    ...(endpoints.dynamodb ? { endpoint: endpoints.dynamodb } : {}),
    region: env.AWS_REGION,
  });
  if (local) await ensureTable(documentClient, env.TABLE_NAME);
  const events: EventBus =
    parts.events ??
    (env.REDIS_URL ? createRedisEventBus({ url: env.REDIS_URL, logger }) : createInProcessEventBus(logger));
  const changes: ChangeFeed =
    parts.changes ??
    (env.REDIS_URL
      ? createRedisChangeFeed({ url: env.REDIS_URL, logger })
      : createInProcessChangeFeed(logger));
  const plainStore = createStore({ documentClient, tableName: env.TABLE_NAME });
  // Every write that a subscription cache must not outlive is announced.
  const store: Store = { ...plainStore, webhooks: publishingWebhookStore(plainStore.webhooks, changes) };

  let sqs: SQSClient | undefined;
  // Pollers hold connections open in long polls; on the producer's client they would
  // starve sends (an upload waited ~5 s for a free socket). Each queue's poller gets its own
  // pool with a connection per loop: on one shared pool of the SDK's 50, the 54 loops of all
  // queues left four waiting for a socket, and stopping took 9 s instead of one poll's 5.
  const consumerClients: SQSClient[] = [];
  const sqsConfig = (settings: { maxSockets?: number } = {}) =>
    sqsClientConfig({
      ...(endpoints.sqs ? { endpoint: endpoints.sqs } : {}),
      region: env.AWS_REGION,
      ...settings,
    });
  let sqsUrls: SqsQueueUrls | undefined = parts.sqsUrls;
  let transport: Transport;
  let fallback: Transport | undefined;
  let bullmqQueue: ((name: QueueName) => BullmqQueue) | undefined;
  const useSqs = async () => {
    sqs = new SQSClient(sqsConfig());
    sqsUrls ??= local
      ? await provisionSqsQueues(sqs, config.topology, env.QUEUE_PREFIX)
      : await resolveSqsQueueUrls(sqs, env.QUEUE_PREFIX);
    return createSqsTransport({ client: sqs, urls: sqsUrls });
  };
  if (config.transport === 'bullmq' && env.REDIS_URL) {
    const bullmq = createBullmqTransport({ url: env.REDIS_URL, topology: config.topology });
    bullmqQueue = bullmq.queue;
    transport = bullmq;
    if (config.fallback === 'sqs') fallback = await useSqs();
  } else {
    transport = await useSqs();
  }

  const common = { topology: config.topology, clock: systemClock, logger, sweepGraceMs: env.SWEEP_GRACE_MS };
  const admission = admissionFor(config, store, logger);
  const dispatcher = createDispatcher({
    ...common,
    store: store.jobs,
    transport,
    ...(fallback ? { fallback } : {}),
    ...(admission ? { admission } : {}),
  });
  const domainEvents = createDomainEvents(store, dispatcher);
  const secrets = await secretCipherFor(config);
  const fileLinks = await fileLinksFor(config);
  const handlers =
    typeof parts.handlers === 'function'
      ? parts.handlers({
          config,
          store,
          dispatcher,
          events,
          changes,
          blobs: parts.blobs,
          logger,
          domainEvents,
          secrets,
          metrics,
          onClose: (release) => void stops.push(release),
        })
      : parts.handlers;
  // SMTP locally (SMTP_URL, EMAIL_FROM); nodemailer loads on the first completion email.
  const email = createEmailSender(config.source);
  if (email) stops.push(() => email.close());
  const onSettled = jobSettledHook({
    store,
    domainEvents,
    events,
    ...(email ? { email } : {}),
    clock: common.clock,
  });
  // Chaos runs only: PAPERLANE_FAULT_KILL_AT makes this process die at a lifecycle point.
  const faults = faultDeps(config.source);
  const processorDeps = {
    ...common,
    store: store.jobs,
    events,
    handlers,
    onSettled,
    metrics,
    ...fairShareGateFor(admission, store, dispatcher, logger),
    ...faults,
  };

  const sweeperDeps = {
    ...common,
    store: store.jobs,
    dispatcher,
    events,
    onSettled,
    metrics,
    ...(admission ? { admission } : {}),
    ...faults,
  };
  /**
   * Sweeps once as if the grace period had passed: after the in-memory queues
   * (fauxqs) start empty, every pending job needs its message again at once.
   */
  async function recover(): Promise<void> {
    const { sweepOnce } = await import('@paperlane/runtime');
    const later = { now: () => new Date(Date.now() + env.SWEEP_GRACE_MS + 1) };
    await sweepOnce({ ...sweeperDeps, clock: later, limit: 1000 });
  }

  /** A local poller feeding the Lambda handler, as on AWS but with visibility heartbeats. */
  function startSqsConsumer(queue: QueueName): Stoppable {
    const urls = sqsUrls?.[queue];
    if (!sqs || !urls) throw new Error(`no SQS queue URLs for ${queue}`);
    const topology = config.topology[queue];
    const consumerSqs = new SQSClient(sqsConfig({ maxSockets: topology.concurrency + 1 }));
    consumerClients.push(consumerSqs);
    const leaseMs = env.JOB_LEASE_MS ?? 60_000;
    const handler = createSqsHandler({
      queue,
      sqs,
      urls,
      deps: processorDeps,
      leaseMs,
      extendVisibility: true,
    });
    const poller = createSqsPoller({
      sqs: consumerSqs,
      urls,
      handler,
      batchSize: Math.min(10, topology.batchSize),
      concurrency: topology.concurrency,
      visibilityTimeoutSeconds: leaseMs / 1000,
      // Locally a batch may take as long as it needs: the lease keeper extends visibility.
      timeoutSeconds: topology.timeoutSeconds * 10,
      logger,
      // The embedded emulator gives back what an abandoned poll took, so stopping need not wait one out.
      abandonPollsOnStop: config.embed.sqs || env.SQS_ENDPOINT_IS_EMBEDDED === 'true',
      // `POST /admin/queues/{name}/pause` sets the flag; BullMQ workers obey BullMQ's own.
      isPaused: cachedPauseCheck(() => store.queueControl.isPaused(queue), 1_000),
    });
    poller.start();
    return { stop: () => poller.stop() };
  }

  return {
    config,
    logger,
    store,
    events,
    changes,
    dispatcher,
    blobs: parts.blobs,
    /** Short-lived links to stored files (HMAC `/files/{token}` on a folder, S3 presigned GETs). */
    fileLinks,
    sniff: parts.sniff,
    domainEvents,
    secrets,
    metrics,
    endpoints,
    sqsUrls,

    /**
     * Consumes the given queues in this process: BullMQ workers, local SQS pollers, or
     * both when SQS is BullMQ's fallback (jobs sent there while Redis was down).
     */
    async startWorkers(queues: readonly QueueName[] = QUEUE_NAMES): Promise<Stoppable> {
      const running: Stoppable[] = [];
      for (const queue of queues) {
        if (config.transport === 'bullmq' && env.REDIS_URL) {
          const lease = env.JOB_LEASE_MS ? { lockDurationMs: env.JOB_LEASE_MS } : {};
          const worker = createBullmqWorker({ queue, url: env.REDIS_URL, deps: processorDeps, ...lease });
          running.push({ stop: () => worker.close() });
        }
        if (sqs) running.push(startSqsConsumer(queue));
      }
      return { stop: async () => void (await Promise.all(running.map((r) => r.stop()))) };
    },

    /** The operator's view of the queues (`/admin/queues`): depth, failed jobs, redrive, pause. */
    queueAdmin(): QueueAdmin {
      const deps = { store: store.jobs, clock: systemClock, sweepGraceMs: env.SWEEP_GRACE_MS };
      const sqsAdmin =
        sqs && sqsUrls
          ? createSqsQueueAdmin({
              ...deps,
              sqs,
              urls: sqsUrls,
              resend: (jobs) => dispatcher.resend(jobs),
              flags: store.queueControl,
              // The emulator answers short polls exactly; a long poll per scan only adds latency.
              ...(config.embed.sqs ? { receiveWaitSeconds: 0 } : {}),
            })
          : undefined;
      if (bullmqQueue) {
        const bullmqAdmin = createBullmqQueueAdmin({ ...deps, queue: bullmqQueue, queues: QUEUE_NAMES });
        // SQS as BullMQ's fallback: what ran (and failed) there belongs in the same view.
        return sqsAdmin ? combineQueueAdmins(bullmqAdmin, sqsAdmin) : bullmqAdmin;
      }
      if (!sqsAdmin) throw new Error('no SQS queue URLs for the queue admin');
      return sqsAdmin;
    },

    /** BullMQ's queues, for Bull Board; undefined on SQS. */
    bullmqQueues(): BullmqQueue[] | undefined {
      return bullmqQueue ? QUEUE_NAMES.map((name) => bullmqQueue(name)) : undefined;
    },

    recover,

    /** Re-sends unsent or stranded jobs every SWEEP_INTERVAL_MS; `recoverNow` first runs `recover()`. */
    async startSweeper(options: { recoverNow?: boolean } = {}): Promise<Stoppable> {
      if (options.recoverNow) await recover();
      return startSweeper({ ...sweeperDeps, intervalMs: env.SWEEP_INTERVAL_MS });
    },

    async close() {
      await dispatcher.close();
      await events.close();
      await changes.close();
      sqs?.destroy();
      for (const client of consumerClients) client.destroy();
      documentClient.destroy();
      for (const stop of stops.reverse()) await stop();
    },
  };
}

export type Container = Awaited<ReturnType<typeof createContainer>>;
