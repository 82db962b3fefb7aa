import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, createInProcessEventBus } from '@paperlane/adapters';
import { resolveTopology, silentLogger, systemClock } from '@paperlane/core';
import { createDocumentClient, createStore, ensureTable } from '@paperlane/store';
import { startDynalite, startFauxqs } from '@paperlane/testing';
import { afterAll, beforeAll } from 'vitest';
import { toSqsRecord } from '../../src/adapter/local-sqs/sqs-event';
import { provisionSqsQueues } from '../../src/adapter/sqs/index';
import { createSqsTransport } from '../../src/adapter/sqs/sqs-transport';
import { createDispatcher } from '../../src/dispatcher/index';
import { scenarioHandlers } from '../conformance/scenarios';

/**
 * Real dynalite + fauxqs with Paperlane's queues and table, an in-process event
 * bus and the scenario handlers: the ground for adapter-level tests.
 */
export async function startSqsEnvironment(topologyEnv: Record<string, string> = {}) {
  const [dynamo, faux] = await Promise.all([startDynalite(), startFauxqs({ spyBufferSize: 5_000 })]);
  const documentClient = createDocumentClient({ endpoint: dynamo.endpoint });
  const tableName = `runtime-${randomUUID().slice(0, 8)}`;
  await ensureTable(documentClient, tableName);
  const store = createStore({ documentClient, tableName });
  const sqs = new SQSClient(awsClientConfig({ endpoint: faux.endpoint }));
  const topology = resolveTopology({ JOB_RETRY_ATTEMPTS: '3', JOB_RETRY_BACKOFF_MS: '20', ...topologyEnv });
  const prefix = `t${randomUUID().slice(0, 6)}-`;
  const urls = await provisionSqsQueues(sqs, topology, prefix);
  const events = createInProcessEventBus();
  const effectsFile = join(await mkdtemp(join(tmpdir(), 'paperlane-runtime-')), 'effects.log');
  const dispatcher = createDispatcher({
    store: store.jobs,
    transport: createSqsTransport({ client: sqs, urls }),
    topology,
    clock: systemClock,
    logger: silentLogger,
    sweepGraceMs: 60_000,
  });
  // Records jobs but sends nothing: the test decides when (and how often) a message arrives.
  const recordOnly = createDispatcher({
    store: store.jobs,
    transport: {
      name: 'none',
      send: async (m) => m.map((x) => ({ jobId: x.envelope.jobId, error: 'held' })),
      close: async () => {},
    },
    topology,
    clock: systemClock,
    logger: silentLogger,
    sweepGraceMs: 60_000,
  });
  const deps = {
    store: store.jobs,
    events,
    handlers: scenarioHandlers({ effectsFile }),
    topology,
    clock: systemClock,
    logger: silentLogger,
    sweepGraceMs: 60_000,
  };
  const queueArn = (name: string) => faux.server.inspectQueue(name)?.arn ?? '';

  return {
    faux,
    /** Where the table lives, for a test that reaches the same table another way (through a proxy). */
    dynamoEndpoint: dynamo.endpoint,
    tableName,
    sqs,
    urls,
    prefix,
    store: store.jobs,
    events,
    topology,
    dispatcher,
    /** A dispatcher that writes the job record and never sends its message. */
    recordOnly,
    deps,
    effectsFile,
    /** Receives up to 10 real messages from a queue URL, as Lambda records (real receipt handles). */
    async receiveRecords(url: string, visibilityTimeout = 30) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: visibilityTimeout,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      return Messages.map((m) => toSqsRecord(m, queueArn(url.split('/').pop() ?? ''), 'us-east-1'));
    },
    async send(url: string, body: string) {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    },
    async stop() {
      sqs.destroy();
      documentClient.destroy();
      await Promise.all([dynamo.stop(), faux.stop()]);
    },
  };
}

export type SqsEnvironment = Awaited<ReturnType<typeof startSqsEnvironment>>;

/** A processor's dependencies on the environment, short of handlers, hook and metrics. */
export function processorDeps(env: SqsEnvironment) {
  return {
    store: env.store,
    events: createInProcessEventBus(silentLogger),
    topology: env.topology,
    clock: systemClock,
    logger: silentLogger,
    leaseMs: 60_000,
    sweepGraceMs: 60_000,
  };
}

/**
 * One environment for the calling test file: started before its tests, stopped after.
 *
 * @example const env = useSqsEnvironment(); it('…', () => env().dispatcher.enqueue(…));
 */
export function useSqsEnvironment(): () => SqsEnvironment {
  let env: SqsEnvironment | undefined;
  beforeAll(async () => {
    env = await startSqsEnvironment();
  });
  afterAll(async () => {
    await env?.stop();
  });
  return () => {
    if (!env) throw new Error('the SQS environment is used before beforeAll started it');
    return env;
  };
}
