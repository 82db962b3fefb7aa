/**
 * The HTTP API on Lambda behind API Gateway (HTTP API, payload v2): the same Hono
 * app `npm start` serves.
 */
import { createApp } from '@paperlane/api';
import { systemClock } from '@paperlane/core';
import { createSqsQueueAdmin } from '@paperlane/runtime/admin/sqs-queue-admin';
import { handle } from 'hono/aws-lambda';
import { buildApiDeps } from '../api-deps';
import { createAwsWiring } from './aws-wiring';

const wiring = createAwsWiring();
const { env } = wiring.config;
const app = createApp(
  buildApiDeps(wiring, {
    ...(env.JWT_SECRET ? { jwtSecret: env.JWT_SECRET } : {}),
    queueAdmin: createSqsQueueAdmin({
      store: wiring.store.jobs,
      clock: systemClock,
      sweepGraceMs: env.SWEEP_GRACE_MS,
      sqs: wiring.sqs,
      urls: wiring.sqsUrls,
      resend: (jobs) => wiring.dispatcher.resend(jobs),
      flags: wiring.store.queueControl,
    }),
  }),
);

export const handler = handle(app);
