import { encodeEnvelope, type JobRecord } from '@paperlane/core';
import { lambdaContextFactory, sqsEventFactory, sqsRecordFactory } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SqsEnvironment, startSqsEnvironment } from '../../../test/support/sqs-environment';
import { toMessage } from '../../dispatcher/index';
import {
  DLQ_CODE_ATTRIBUTE,
  DLQ_ENCODING_ATTRIBUTE,
  DLQ_REASON_ATTRIBUTE,
  DLQ_SOURCE_ATTRIBUTE,
} from '../sqs/message-ops';
import { createSqsHandler } from './handler';

let env: SqsEnvironment;
let handler: ReturnType<typeof createSqsHandler>;

beforeAll(async () => {
  env = await startSqsEnvironment();
  handler = createSqsHandler({
    queue: 'automation',
    sqs: env.sqs,
    urls: env.urls.automation,
    deps: env.deps,
  });
});
afterAll(async () => {
  await env?.stop();
});

/** Writes a job record without sending its message, so the test controls delivery. */
async function recordOnly(tenantUserId: string, delayMs = 0): Promise<JobRecord> {
  const { job } = await env.recordOnly.enqueue(
    'automation',
    { tenantId: 'tenant-h', tenantUserId },
    { delayMs },
  );
  return job;
}

/** Sends a job's message now (no SQS delay) and receives it back as a Lambda record. */
async function deliver(job: JobRecord) {
  await env.send(env.urls.automation.high, encodeEnvelope(toMessage(job, new Date()).envelope));
  const records = await env.receiveRecords(env.urls.automation.high);
  expect(records).toHaveLength(1);
  return records[0]!;
}

function inflight(jobId: string) {
  const queue = env.faux.server.inspectQueue(`${env.prefix}automation`);
  return queue?.messages.inflight.find((m) => m.message.body.includes(jobId));
}

describe('Lambda SQS handler', () => {
  it('answers an event without records, or a malformed one, with no failures', async () => {
    const context = lambdaContextFactory();
    expect(await handler(sqsEventFactory([]), context)).toEqual({ batchItemFailures: [] });
    expect(await handler({} as never, context)).toEqual({ batchItemFailures: [] });
  });

  it('completes a job and reports no failure, so the event source deletes the message', async () => {
    const job = await recordOnly('ok.lambda');
    const record = await deliver(job);
    expect(await handler(sqsEventFactory([record]), lambdaContextFactory())).toEqual({
      batchItemFailures: [],
    });
    expect(await env.store.get(job)).toMatchObject({ status: 'complete', attempts: 1 });
  });

  it('dead-letters a hostile body with its reason as attributes, and does not report it failed', async () => {
    const record = sqsRecordFactory({ body: '{"not": json', queueName: `${env.prefix}automation` });
    const waiting = env.faux.server.spy.waitForMessage(
      (m) =>
        m.service === 'sqs' && m.queueName === `${env.prefix}automation-dlq` && m.body === '{"not": json',
      'published',
      10_000,
    );
    expect(await handler(sqsEventFactory([record]), lambdaContextFactory())).toEqual({
      batchItemFailures: [],
    });
    const dead = await waiting;
    expect(dead.service === 'sqs' && dead.messageAttributes[DLQ_REASON_ATTRIBUTE]?.StringValue).toBe(
      'message body is not JSON',
    );
    expect(dead.service === 'sqs' && dead.messageAttributes[DLQ_CODE_ATTRIBUTE]?.StringValue).toBe(
      'invalid_message:not-json',
    );
    expect(dead.service === 'sqs' && dead.messageAttributes[DLQ_SOURCE_ATTRIBUTE]?.StringValue).toBe(
      'automation',
    );
  });

  it('dead-letters a message that belongs to another queue without touching its job', async () => {
    const job = await recordOnly('ok.wrong-queue');
    const body = encodeEnvelope(toMessage(job, new Date()).envelope);
    const thumbnailHandler = createSqsHandler({
      queue: 'thumbnail',
      sqs: env.sqs,
      urls: env.urls.thumbnail,
      deps: env.deps,
    });
    const response = await thumbnailHandler(
      sqsEventFactory([sqsRecordFactory({ body })]),
      lambdaContextFactory(),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await env.store.get(job)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('retries a failed attempt by reporting it and setting its visibility to the backoff', async () => {
    const job = await recordOnly('flaky.lambda');
    const record = await deliver(job);
    const before = Date.now();
    const response = await handler(sqsEventFactory([record]), lambdaContextFactory());
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    const pending = await env.store.get(job);
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, lastError: 'Error: transient failure' });
    // 20 ms base backoff rounds up to SQS's one-second granularity.
    const deadline = inflight(job.jobId)?.visibilityDeadline ?? 0;
    expect(deadline - before).toBeGreaterThanOrEqual(900);
    expect(deadline - before).toBeLessThan(3_000);
  });

  it('holds an early message (a delay beyond 15 minutes) with visibility, without counting an attempt', async () => {
    const job = await recordOnly('ok.delayed-20m', 20 * 60_000);
    const record = await deliver(job);
    const response = await handler(sqsEventFactory([record]), lambdaContextFactory());
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(await env.store.get(job)).toMatchObject({ status: 'pending', attempts: 0 });
    const deadline = inflight(job.jobId)?.visibilityDeadline ?? 0;
    expect(Math.abs(deadline - new Date(job.availableAt).getTime())).toBeLessThan(2_000);
  });

  it('re-sends a message due in more than 12 hours as a fresh delayed copy, restarting its receive count', async () => {
    const job = await recordOnly('ok.delayed-30h', 30 * 60 * 60_000);
    const record = await deliver(job);
    const response = await handler(sqsEventFactory([record]), lambdaContextFactory());
    expect(response.batchItemFailures).toEqual([]);
    const queue = env.faux.server.inspectQueue(`${env.prefix}automation`);
    const copy = queue?.messages.delayed.find((m) => m.body.includes(job.jobId));
    expect(copy?.approximateReceiveCount).toBe(0);
    expect((copy?.delayUntil ?? 0) - Date.now()).toBeGreaterThan(800_000);
  });

  it('aborts a job when the Lambda is about to time out and schedules a retry', async () => {
    const job = await recordOnly('hang.timeout');
    const record = await deliver(job);
    const tight = createSqsHandler({
      queue: 'automation',
      sqs: env.sqs,
      urls: env.urls.automation,
      deps: env.deps,
      safetyMarginMs: 1_000,
    });
    const response = await tight(sqsEventFactory([record]), lambdaContextFactory(1_500));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    const pending = await env.store.get(job);
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, errorCode: 'aborted' });
    expect(pending?.lastError).toContain('time budget exhausted');
  });

  it('dead-letters a body SQS would refuse as-is by base64-encoding it', async () => {
    const body = 'bad\u0000byte';
    const waiting = env.faux.server.spy.waitForMessage(
      (m) =>
        m.service === 'sqs' &&
        m.queueName === `${env.prefix}automation-dlq` &&
        m.body === Buffer.from(body).toString('base64'),
      'published',
      10_000,
    );
    const response = await handler(sqsEventFactory([sqsRecordFactory({ body })]), lambdaContextFactory());
    expect(response).toEqual({ batchItemFailures: [] });
    const dead = await waiting;
    expect(dead.service === 'sqs' && dead.messageAttributes[DLQ_ENCODING_ATTRIBUTE]?.StringValue).toBe(
      'base64',
    );
  });

  it('hands a message back uncounted when the invocation has no time left', async () => {
    const job = await recordOnly('ok.no-time');
    const record = await deliver(job);
    const response = await handler(sqsEventFactory([record]), lambdaContextFactory(0));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(await env.store.get(job)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('reports only the failing records of a mixed batch', async () => {
    const good = await recordOnly('ok.mixed');
    const bad = await recordOnly('flaky.mixed');
    await env.send(env.urls.automation.high, encodeEnvelope(toMessage(good, new Date()).envelope));
    await env.send(env.urls.automation.high, encodeEnvelope(toMessage(bad, new Date()).envelope));
    const records = await env.receiveRecords(env.urls.automation.high);
    const failing = records.find((r) => r.body.includes(bad.jobId))!;
    const response = await handler(sqsEventFactory(records), lambdaContextFactory());
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: failing.messageId }]);
  });
});
