/**
 * The HTTP API on Lambda behind API Gateway (HTTP API, payload v2): the same Hono
 * app `npm start` serves, with each route group loaded on its first request.
 */
import { createLazyApp } from '@paperlane/api/lazy-app';
import { systemClock } from '@paperlane/core';
import { createSqsQueueAdmin } from '@paperlane/runtime/admin/sqs-queue-admin';
import { handle } from 'hono/aws-lambda';
import { buildApiDeps } from '../api-deps';
import { s3FileLinksFor } from '../s3-file-links';
import { createAwsWiring } from './aws-wiring';
import { enableCompileCache } from './compile-cache';
import { lambdaConsumerSwitch } from './consumer-switch';
import { lazyQueueWindow } from './lazy-queue-window';

// Before anything is import()ed: those chunks are what the cache can hold (see compile-cache.ts).
enableCompileCache();
const wiring = createAwsWiring();
const { env } = wiring.config;
// Pause on AWS disables the consumers' event sources; the stored flag alone is only read locally.
const consumers = lambdaConsumerSwitch(wiring.config.source, env.AWS_REGION);
// Request metrics are API Gateway's own; with an OTLP endpoint set, every request is also a span.
// Only then are the OTEL_* parser and the exporter loaded: this bundle's cold start is budgeted.
const { OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT } = wiring.config.source;
const traces =
  OTEL_EXPORTER_OTLP_ENDPOINT || OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
    ? (await import('./lambda-traces')).lambdaTraces(wiring.config.source, 'api', wiring.logger)
    : undefined;
/**
 * Lambda caps a response at 6 MB and API Gateway sends binary bodies base64-encoded
 * (4/3 larger): an original over 4 MiB is a redirect to its presigned link instead.
 */
const MAX_INLINE_FILE_BYTES = 4 * 1024 * 1024;
// Route groups load on first use: a cold start parses and builds only the shell (auth, errors, limits).
const app = createLazyApp(
  // Links are wired here, not in the shared AWS wiring: only the API hands them out.
  buildApiDeps(
    { ...wiring, fileLinks: s3FileLinksFor(wiring.config), ...(traces ? { metrics: traces.metrics } : {}) },
    {
      ...(env.JWT_SECRET ? { jwtSecret: env.JWT_SECRET } : {}),
      maxInlineFileBytes: MAX_INLINE_FILE_BYTES,
      queueAdmin: createSqsQueueAdmin({
        store: wiring.store.jobs,
        clock: systemClock,
        sweepGraceMs: env.SWEEP_GRACE_MS,
        sqs: wiring.sqs,
        urls: wiring.sqsUrls,
        resend: (jobs) => wiring.dispatcher.resend(jobs),
        flags: wiring.store.queueControl,
        ...(consumers ? { consumers } : {}),
      }),
      // Depths from SQS, the window from the job records; /metrics stays 503 here (EMF is the path).
      queueWindow: lazyQueueWindow(wiring),
    },
  ),
);

const handleHttp = handle(app);

export const handler: typeof handleHttp = traces
  ? async (...args) => {
      await traces.ready();
      try {
        return await handleHttp(...args);
      } finally {
        await traces.flush();
      }
    }
  : handleHttp;
