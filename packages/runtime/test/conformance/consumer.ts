import { appendFileSync } from 'node:fs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, createRedisEventBus } from '@paperlane/adapters';
import {
  type FaultPoint,
  type JobRecord,
  type Logger,
  resolveTopology,
  silentLogger,
  systemClock,
} from '@paperlane/core';
import { createDocumentClient, createStore } from '@paperlane/store';
import { createBullmqWorker } from '../../src/adapter/bullmq/index';
import { createSqsHandler } from '../../src/adapter/lambda-sqs/index';
import { createSqsPoller } from '../../src/adapter/local-sqs/index';
import type { SqsQueueUrls } from '../../src/adapter/sqs/index';
import { scenarioHandlers } from './scenarios';

export type RuntimeName = 'bullmq' | 'sqs-poller' | 'lambda';

/** Everything a consumer needs, as plain data so a child process can receive it as JSON. */
export interface ConsumerConfig {
  runtime: RuntimeName;
  redisUrl: string;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  tableName: string;
  /** BullMQ key prefix / SQS queue name prefix. */
  prefix: string;
  sqsUrls?: SqsQueueUrls;
  effectsFile: string;
  leaseMs: number;
  concurrency: number;
  topologyEnv: Record<string, string>;
  /** Child processes only: SIGKILL this process when the lifecycle reaches this point. */
  killAt?: FaultPoint;
}

/** The settled hook of every conformance consumer (and sweeper): one `settled` line per run. */
export function recordSettled(effectsFile: string) {
  return async (job: JobRecord): Promise<void> => {
    appendFileSync(effectsFile, `settled ${job.jobId} ${job.status}\n`);
  };
}

/** The test topology: fast retries, and a 1 s consumer timeout so Lambda-mode visibility is 6 s. */
export function testTopology(env: Record<string, string>) {
  const base = resolveTopology(env);
  const automation = { ...base.automation, timeoutSeconds: 1, visibilityTimeoutSeconds: 6 };
  return { ...base, automation };
}

/** A real death at one fault point, as the chaos runs use: no catch, no finally, no further write. */
function killAt(point: FaultPoint) {
  return (reached: FaultPoint) => {
    if (reached === point) process.kill(process.pid, 'SIGKILL');
  };
}

/**
 * Starts a consumer of the `automation` queue on one runtime, wired exactly as the
 * real entry points wire it: dynamodb store, Redis event bus, the shared processor.
 */
export async function startConsumer(
  config: ConsumerConfig,
  extras: { onHang?: (jobId: string) => void; logger?: Logger } = {},
) {
  const store = createStore({
    documentClient: createDocumentClient({ endpoint: config.dynamoEndpoint }),
    tableName: config.tableName,
  });
  const events = createRedisEventBus({ url: config.redisUrl });
  const topology = testTopology(config.topologyEnv);
  const deps = {
    store: store.jobs,
    events,
    handlers: scenarioHandlers({ effectsFile: config.effectsFile, onHang: extras.onHang }),
    topology,
    clock: systemClock,
    logger: extras.logger ?? silentLogger,
    sweepGraceMs: 60_000,
    onSettled: recordSettled(config.effectsFile),
    ...(config.killAt ? { faults: killAt(config.killAt) } : {}),
  };

  if (config.runtime === 'bullmq') {
    const worker = createBullmqWorker({
      queue: 'automation',
      url: config.redisUrl,
      prefix: config.prefix,
      deps,
      concurrency: config.concurrency,
      lockDurationMs: config.leaseMs,
    });
    await worker.worker.waitUntilReady();
    return {
      stop: async () => {
        await worker.close();
        await events.close();
      },
    };
  }

  const urls = config.sqsUrls?.automation;
  if (!urls) throw new Error('sqsUrls missing from consumer config');
  const sqs = new SQSClient(awsClientConfig({ endpoint: config.sqsEndpoint }));
  const lambdaMode = config.runtime === 'lambda';
  const handler = createSqsHandler({
    queue: 'automation',
    sqs,
    urls,
    deps,
    leaseMs: config.leaseMs,
    extendVisibility: !lambdaMode,
  });
  const poller = createSqsPoller({
    sqs,
    urls,
    // In Lambda mode the event crosses a JSON boundary, as it does between Lambda's service and the runtime.
    handler: lambdaMode ? (event, context) => handler(JSON.parse(JSON.stringify(event)), context) : handler,
    batchSize: 10,
    concurrency: config.concurrency,
    ...(lambdaMode ? {} : { visibilityTimeoutSeconds: Math.max(1, Math.ceil(config.leaseMs / 1000)) }),
    timeoutSeconds: topology.automation.timeoutSeconds * (lambdaMode ? 1 : 30),
    waitTimeSeconds: 1,
    logger: extras.logger ?? silentLogger,
  });
  poller.start();
  return {
    stop: async () => {
      await poller.stop();
      sqs.destroy();
      await events.close();
    },
  };
}
