import { createEmfMetrics } from '@paperlane/adapters/metrics/emf-metrics';
import { teeMetrics } from '@paperlane/adapters/metrics/tee-metrics';
import type { JobHandler, QueueName } from '@paperlane/core';
import { createSqsHandler } from '@paperlane/runtime/adapter/lambda-sqs/handler';
import type { HandlerWiring } from '../container';
import { fairShareGateFor } from '../fair-share';
import { type AwsWiring, createAwsWiring } from './aws-wiring';
import { enableCompileCache } from './compile-cache';
import { lambdaTraces } from './lambda-traces';
import { lazyRealtimePush } from './lazy-realtime-push';
import { settledHookOf } from './settled-hook';

/**
 * A queue's consumer Lambda: the SQS event source delivers batches of this queue's
 * lanes; the shared processor runs `module` on each record and reports partial
 * batch failures. `module` builds the job's handler from the wiring once, at init.
 * Job events still being pushed to WebSocket clients are awaited before it returns.
 */
export function createConsumer<Q extends QueueName>(
  queue: Q,
  module: (wiring: HandlerWiring) => JobHandler<Q>,
  wiring: AwsWiring = createAwsWiring(process.env, { realtime: lazyRealtimePush }),
) {
  // The OCR, PDF and OpenAI chunks this queue import()s on first use are what the cache holds.
  enableCompileCache();
  const urls = wiring.sqsUrls[queue];
  if (!urls) throw new Error(`the ${queue} consumer is not linked to its queues`);
  // EMF log lines: CloudWatch extracts the metrics; no SDK call, nothing to flush at freeze.
  // (HTTP latency and queue depths on AWS are API Gateway's and SQS's own CloudWatch metrics.)
  const emf = createEmfMetrics({ base: { function: process.env.AWS_LAMBDA_FUNCTION_NAME ?? queue } });
  // With OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT set, every attempt and webhook POST is also a span.
  const traces = lambdaTraces(wiring.config.source, queue, wiring.logger);
  const metrics = traces ? teeMetrics(emf, traces.metrics) : emf;
  const handler = module({ ...wiring, metrics });
  const consume = createSqsHandler({
    queue,
    sqs: wiring.sqs,
    urls,
    deps: {
      ...wiring.common,
      store: wiring.store.jobs,
      events: wiring.events,
      handlers: { [queue]: handler },
      onSettled: settledHookOf(wiring),
      metrics,
      ...fairShareGateFor(wiring.admission, wiring.store, wiring.dispatcher, wiring.logger),
    },
  });
  return async (...args: Parameters<typeof consume>) => {
    await traces?.ready();
    try {
      return await consume(...args);
    } finally {
      // Pushes of the batch's job events, and its spans, leave before Lambda freezes the environment.
      await Promise.all([wiring.events.flush(), traces?.flush()]);
    }
  };
}
