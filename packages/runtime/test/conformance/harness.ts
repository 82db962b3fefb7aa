import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, createRedisEventBus } from '@paperlane/adapters';
import {
  type AnyEnvelope,
  type EnqueueOptions,
  type EnvelopeInput,
  encodeEnvelope,
  type JobRecord,
  type JobStatus,
  silentLogger,
  sqsQueueNames,
  systemClock,
} from '@paperlane/core';
import { createDocumentClient, createStore, ensureTable } from '@paperlane/store';
import { type DynaliteServer, type FauxqsServer, type RedisServer, startProcess } from '@paperlane/testing';
import { QueueEvents } from 'bullmq';
import { createBullmqTransport } from '../../src/adapter/bullmq/index';
import { bullmqJobId } from '../../src/adapter/bullmq/options';
import { createSqsTransport, DLQ_REASON_ATTRIBUTE, provisionSqsQueues } from '../../src/adapter/sqs/index';
import { createDispatcher, type Transport, toMessage } from '../../src/dispatcher/index';
import {
  type ConsumerConfig,
  type RuntimeName,
  recordSettled,
  startConsumer,
  testTopology,
} from './consumer';
import { readEffects } from './scenarios';
import { waitForJob } from './wait-for-job';

export interface Services {
  redis: RedisServer;
  dynamo: DynaliteServer;
  faux: FauxqsServer;
}

export interface DeadLetter {
  body: string;
  reason: string;
}

const TOPOLOGY_ENV = { JOB_RETRY_ATTEMPTS: '3', JOB_RETRY_BACKOFF_MS: '20' };
const workerProcessPath = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

/** One runtime under test: its own table, queue names and effects file on the shared servers. */
export async function createHarness(services: Services, runtime: RuntimeName) {
  const id = randomUUID().slice(0, 8);
  const tenantId = `tenant-${id}`;
  const topology = testTopology(TOPOLOGY_ENV);
  const documentClient = createDocumentClient({ endpoint: services.dynamo.endpoint });
  const tableName = `conformance-${runtime}-${id}`;
  await ensureTable(documentClient, tableName);
  const store = createStore({ documentClient, tableName });
  const events = createRedisEventBus({ url: services.redis.url });
  events.subscribe(() => {});
  await events.ready();

  const sqs = new SQSClient(awsClientConfig({ endpoint: services.faux.endpoint }));
  const prefix = runtime === 'bullmq' ? `bull-${id}` : `c${id}-`;
  const sqsUrls = runtime === 'bullmq' ? undefined : await provisionSqsQueues(sqs, topology, prefix);
  const config: ConsumerConfig = {
    runtime,
    redisUrl: services.redis.url,
    dynamoEndpoint: services.dynamo.endpoint,
    sqsEndpoint: services.faux.endpoint,
    tableName,
    prefix,
    ...(sqsUrls ? { sqsUrls } : {}),
    effectsFile: join(await mkdtemp(join(tmpdir(), 'paperlane-conformance-')), 'effects.log'),
    leaseMs: 1500,
    concurrency: 2,
    topologyEnv: TOPOLOGY_ENV,
  };

  const bull =
    runtime === 'bullmq' ? createBullmqTransport({ url: services.redis.url, prefix, topology }) : undefined;
  const transport: Transport = bull ?? createSqsTransport({ client: sqs, urls: sqsUrls! });
  const dispatcherDeps = {
    store: store.jobs,
    topology,
    clock: systemClock,
    logger: silentLogger,
    sweepGraceMs: 60_000,
  };
  const dispatcher = createDispatcher({ ...dispatcherDeps, transport });

  // Acknowledged deliveries per job id, from the transport itself.
  let queueEvents: QueueEvents | undefined;
  const bullSettled = { completed: new Map<string, number>(), failed: new Map<string, number>() };
  const settleWaiters = new Set<() => void>();
  if (runtime === 'bullmq') {
    queueEvents = new QueueEvents('automation', { connection: { url: services.redis.url }, prefix });
    for (const kind of ['completed', 'failed'] as const) {
      queueEvents.on(kind, ({ jobId }: { jobId: string }) => {
        const key = jobId.split(/[.-]/)[0] ?? jobId;
        bullSettled[kind].set(key, (bullSettled[kind].get(key) ?? 0) + 1);
        for (const wake of settleWaiters) wake();
      });
    }
    await queueEvents.waitUntilReady();
  }
  const waitForBull = (kind: 'completed' | 'failed', jobId: string, count: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${count} ${kind} events for ${jobId}`)), 20_000);
      const check = () => {
        if ((bullSettled[kind].get(jobId) ?? 0) >= count) {
          clearTimeout(timer);
          settleWaiters.delete(check);
          resolve();
        }
      };
      settleWaiters.add(check);
      check();
    });

  let consumer: { stop(): Promise<void> } | undefined;
  let duplicates = 0;

  const harness = {
    runtime,
    tenantId,
    store: store.jobs,
    events,
    dispatcher,
    topology,

    enqueue(tenantUserId: string, options: EnqueueOptions = {}) {
      return dispatcher.enqueue('automation', { tenantId, tenantUserId }, options);
    },

    waitFor(job: Pick<JobRecord, 'jobId'>, statuses: JobStatus[]) {
      return waitForJob(store.jobs, events, { tenantId, jobId: job.jobId }, statuses);
    },

    effects(job: Pick<JobRecord, 'jobId'>) {
      const { attempts, effects } = readEffects(config.effectsFile);
      return { attempts: attempts.get(job.jobId) ?? 0, effects: effects.get(job.jobId) ?? 0 };
    },

    /** Job ids in the order their first attempts started. */
    startOrder(): string[] {
      return [...readEffects(config.effectsFile).attempts.keys()];
    },

    async startConsumer(overrides: Partial<ConsumerConfig> = {}) {
      if (consumer) return;
      consumer = await startConsumer({ ...config, ...overrides });
    },

    async stopConsumer() {
      const running = consumer;
      consumer = undefined;
      await running?.stop();
    },

    /** Runs of the settled hook for a job. */
    settledRuns(job: Pick<JobRecord, 'jobId'>): number {
      return readEffects(config.effectsFile).settled.get(job.jobId) ?? 0;
    },

    /** The settled hook the consumers run, for a sweeper in the test. */
    onSettled: recordSettled(config.effectsFile),

    /**
     * A consumer in a child process that reports when a `hang.*` job starts, and can be
     * SIGKILLed (or kills itself at a fault point).
     */
    async spawnConsumer(overrides: Partial<ConsumerConfig> = {}) {
      const child = await startProcess(process.execPath, ['--import', 'tsx', workerProcessPath], {
        ready: /^ready$/m,
        timeoutMs: 20_000,
        env: { ...process.env, PAPERLANE_CONSUMER_CONFIG: JSON.stringify({ ...config, ...overrides }) },
      });
      let output = '';
      const hangWaiters = new Map<string, () => void>();
      child.child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        for (const [jobId, resolve] of hangWaiters) if (output.includes(`hang ${jobId}`)) resolve();
      });
      return {
        hung: (jobId: string) =>
          new Promise<void>((resolve) => {
            if (output.includes(`hang ${jobId}`)) resolve();
            else hangWaiters.set(jobId, resolve);
          }),
        kill: () => child.stop('SIGKILL'),
        exited: child.exited,
      };
    },

    /** Delivers another copy of a job's message, as an at-least-once transport may. */
    async sendDuplicate(job: JobRecord) {
      const { envelope } = toMessage(job, new Date());
      duplicates++;
      if (bull) {
        await bull
          .queue('automation')
          .add('automation', envelope, { jobId: `${bullmqJobId(envelope)}-dup${duplicates}` });
      } else {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: sqsUrls!.automation.high,
            MessageBody: encodeEnvelope(envelope),
          }),
        );
      }
    },

    /** Puts an arbitrary body on the automation queue, bypassing the dispatcher. */
    async sendRaw(body: string) {
      if (bull) {
        await bull.queue('automation').add('automation', body, { jobId: `raw-${randomUUID()}`, attempts: 3 });
      } else {
        await sqs.send(new SendMessageCommand({ QueueUrl: sqsUrls!.automation.high, MessageBody: body }));
      }
    },

    envelopeFor(job: JobRecord, changes: Partial<EnvelopeInput>): string {
      return JSON.stringify({ ...toMessage(job, new Date()).envelope, ...changes } as AnyEnvelope);
    },

    async deadLetters(): Promise<DeadLetter[]> {
      if (bull) {
        const failed = await bull.queue('automation').getFailed();
        return failed.map((j) => ({
          body: typeof j.data === 'string' ? j.data : JSON.stringify(j.data),
          reason: j.failedReason,
        }));
      }
      const dlq = services.faux.server.inspectQueue(sqsQueueNames('automation', prefix).dlq);
      const messages = [...(dlq?.messages.ready ?? []), ...(dlq?.messages.delayed ?? [])];
      return messages.map((m) => ({
        body: m.body,
        reason: m.messageAttributes[DLQ_REASON_ATTRIBUTE]?.StringValue ?? '',
      }));
    },

    /** Resolves once `count` deliveries of the job have been acknowledged (deleted) by the consumer. */
    async waitForAcks(jobId: string, count: number) {
      if (runtime !== 'bullmq') {
        const lanes = sqsQueueNames('automation', prefix);
        await services.faux.server.spy.waitForMessages(
          (m) =>
            m.service === 'sqs' &&
            (m.queueName === lanes.high || m.queueName === lanes.low) &&
            m.body.includes(`"jobId":"${jobId}"`),
          { count, status: 'consumed', timeout: 20_000 },
        );
        return;
      }
      await waitForBull('completed', jobId, count);
    },

    /** Resolves once the job's message has reached the dead-letter side (DLQ / failed set). */
    async waitForDeadLetter(jobId: string) {
      if (runtime === 'bullmq') return waitForBull('failed', jobId, 1);
      const dlq = sqsQueueNames('automation', prefix).dlq;
      await services.faux.server.spy.waitForMessage(
        (m) => m.service === 'sqs' && m.queueName === dlq && m.body.includes(`"jobId":"${jobId}"`),
        'published',
        20_000,
      );
    },

    /** A dispatcher whose only transport cannot send (an unreachable Redis / missing SQS queues). */
    brokenDispatcher() {
      const broken: Transport = bull
        ? createBullmqTransport({ url: 'redis://127.0.0.1:1', prefix, topology, sendTimeoutMs: 300 })
        : createSqsTransport({
            client: sqs,
            urls: Object.fromEntries(
              Object.entries(sqsUrls!).map(([q, u]) => [
                q,
                { high: `${u.high}-missing`, low: `${u.low}-missing`, dlq: u.dlq },
              ]),
            ) as typeof sqsUrls & object,
          });
      return createDispatcher({ ...dispatcherDeps, transport: broken });
    },

    async close() {
      await harness.stopConsumer();
      await dispatcher.close();
      await queueEvents?.close();
      await events.close();
      sqs.destroy();
      documentClient.destroy();
    },
  };
  return harness;
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;
