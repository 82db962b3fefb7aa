import { SQSClient } from '@aws-sdk/client-sqs';
import { sqsClientConfig } from '@paperlane/adapters/aws/client-config';
import { createInProcessEventBus } from '@paperlane/adapters/events/in-process-bus';
import { sniffContentType } from '@paperlane/adapters/files/content-type';
import { createJsonLogger } from '@paperlane/adapters/logging/json-logger';
import { systemClock } from '@paperlane/core';
import { createSqsTransport } from '@paperlane/runtime/adapter/sqs/sqs-transport';
import { createDispatcher } from '@paperlane/runtime/dispatcher/dispatcher';
import { createDocumentClient } from '@paperlane/store/document-client';
import { createStore } from '@paperlane/store/store';
import type { ApiWiring } from '../api-deps';
import { s3BlobStoreFor } from '../blob-store';
import { loadConfig } from '../config/config';
import { createDomainEvents } from '../domain-events';
import { admissionFor } from '../fair-share';
import { createFlushingBus } from './flushing-bus';
import type { lazyRealtimePush } from './lazy-realtime-push';
import { lazySecretCipher } from './lazy-secret-cipher';
import { linkedEnvironment, linkedQueueUrls } from './linked-resources';

/**
 * What a Lambda function is built from: configuration (environment + SST links),
 * the store, SQS and the dispatcher. Deliberately narrower than the local container:
 * imports are by file so bundles carry no BullMQ, no emulators and no PDF stack.
 * Built once per execution environment, at init.
 *
 * `realtime` is passed by the functions that emit job events (consumers, the
 * sweeper), so the API's bundle carries no push code.
 */
export function createAwsWiring(
  env: Record<string, string | undefined> = process.env,
  options: { realtime?: typeof lazyRealtimePush } = {},
) {
  const config = loadConfig({ ...env, ...linkedEnvironment() });
  const logger = createJsonLogger({
    level: config.env.LOG_LEVEL,
    base: { service: 'paperlane', fn: env.AWS_LAMBDA_FUNCTION_NAME },
  });
  const region = config.env.AWS_REGION;
  const documentClient = createDocumentClient({
    region,
    ...(config.endpoints.dynamodb ? { endpoint: config.endpoints.dynamodb } : {}),
  });
  // No change feed between functions: a cached subscription is at most the cache TTL stale.
  const store = createStore({ documentClient, tableName: config.env.TABLE_NAME });
  const sqs = new SQSClient(
    sqsClientConfig({ region, ...(config.endpoints.sqs ? { endpoint: config.endpoints.sqs } : {}) }),
  );
  const sqsUrls = linkedQueueUrls();
  const common = {
    topology: config.topology,
    clock: systemClock,
    logger,
    sweepGraceMs: config.env.SWEEP_GRACE_MS,
  };
  const admission = admissionFor(config, store, logger);
  const dispatcher = createDispatcher({
    ...common,
    store: store.jobs,
    transport: createSqsTransport({ client: sqs, urls: sqsUrls }),
    ...(admission ? { admission } : {}),
  });
  // Live job events reach browsers through the realtime push when the WebSocket API
  // is linked; otherwise nothing inside one invocation listens and they are dropped.
  const endpoint = config.source.REALTIME_MANAGEMENT_ENDPOINT;
  const events = createFlushingBus(
    endpoint && options.realtime
      ? options.realtime({ endpoint, region, store, logger })
      : createInProcessEventBus(logger),
  );
  // Business events fan out to webhook subscriptions from whichever function emits them.
  const domainEvents = createDomainEvents(store, dispatcher);
  const wiring = {
    config,
    logger,
    store,
    dispatcher,
    events,
    blobs: s3BlobStoreFor(config),
    sniff: sniffContentType,
    domainEvents,
    secrets: lazySecretCipher(config),
    // An execution environment is frozen, not closed: nothing to release.
    onClose: () => {},
    sqs,
    sqsUrls,
    common,
    admission,
  };
  // File links are the API function's alone (lambda/api.ts): consumers never sign one.
  return wiring satisfies Omit<ApiWiring, 'fileLinks'>;
}

export type AwsWiring = ReturnType<typeof createAwsWiring>;
