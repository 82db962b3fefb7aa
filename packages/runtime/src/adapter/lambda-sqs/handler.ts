import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  backoffDelayMs,
  describeError,
  MAX_VISIBILITY_TIMEOUT_SECONDS,
  maxReceiveCount,
  type QueueName,
  type SqsQueueNames,
} from '@paperlane/core';
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Outcome } from '../../processor/outcome';
import { createProcessor, type ProcessorDeps } from '../../processor/process-delivery';
import { resendDelayed, sendToDeadLetter, setVisibility } from '../sqs/message-ops';

/** The part of Lambda's context the consumer uses. */
export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

export interface SqsConsumerOptions {
  queue: QueueName;
  sqs: SQSClient;
  /** This queue's lanes and DLQ. */
  urls: SqsQueueNames;
  deps: Omit<ProcessorDeps, 'leaseMs'>;
  /**
   * Claim length. Defaults to 1.5× the consumer timeout: nothing outlives a Lambda
   * timeout, and it stays well inside the queue's visibility (≥ 6× the timeout), so
   * a crashed invocation's job can be claimed again when its message returns.
   */
  leaseMs?: number;
  /** Extend message visibility while a job runs. The local poller needs it; on AWS the queue's visibility covers the timeout. */
  extendVisibility?: boolean;
  /** Time kept back from Lambda's deadline to record outcomes after aborting a job. */
  safetyMarginMs?: number;
  /** Records of one batch run at once; defaults to 1 for CPU-heavy queues, the batch size otherwise. */
  recordConcurrency?: number;
}

const VISIBILITY_MAX_MS = MAX_VISIBILITY_TIMEOUT_SECONDS * 1000;

async function mapWithLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

/**
 * The Lambda handler for one queue's SQS event source (both lanes), reporting
 * partial batch failures. It translates the processor's outcome into SQS calls —
 * visibility for retries and deferrals, an explicit send to the DLQ for dead
 * messages — and decides nothing else.
 */
export function createSqsHandler(options: SqsConsumerOptions) {
  const topology = options.deps.topology[options.queue];
  const leaseMs = options.leaseMs ?? Math.ceil(topology.timeoutSeconds * 1500);
  const receiveLimit = maxReceiveCount(topology);
  const recordConcurrency = options.recordConcurrency ?? (topology.cpuHeavy ? 1 : topology.batchSize);
  const logger = options.deps.logger.child({ consumer: 'lambda-sqs', queue: options.queue });
  const processor = createProcessor({ ...options.deps, leaseMs });

  function laneUrl(record: SQSRecord): string {
    const name = record.eventSourceARN?.split(':').pop();
    return name && options.urls.low.endsWith(`/${name}`) ? options.urls.low : options.urls.high;
  }

  async function apply(record: SQSRecord, outcome: Outcome): Promise<boolean> {
    const url = laneUrl(record);
    const receives = Number(record.attributes?.ApproximateReceiveCount ?? '1') || 1;
    switch (outcome.kind) {
      case 'ack':
        return true;
      case 'retry':
        await setVisibility(options.sqs, url, record.receiptHandle, outcome.delayMs);
        return false;
      case 'defer':
        // Visibility can hold a message up to 12 h but every receive counts toward the
        // redrive limit; past that, a fresh delayed copy restarts the count.
        if (outcome.delayMs <= VISIBILITY_MAX_MS && receives + 1 < receiveLimit) {
          await setVisibility(options.sqs, url, record.receiptHandle, outcome.delayMs);
          return false;
        }
        await resendDelayed(options.sqs, url, record.body, outcome.delayMs);
        return true;
      case 'dead':
        await sendToDeadLetter(options.sqs, options.urls.dlq, record.body, {
          reason: outcome.reason,
          code: outcome.code,
          sourceQueue: options.queue,
        });
        return true;
    }
  }

  async function handleRecord(record: SQSRecord, signal: AbortSignal): Promise<boolean> {
    let outcome: Outcome;
    try {
      outcome = await processor.process({
        queue: options.queue,
        body: record.body,
        messageId: record.messageId,
        signal,
        ...(options.extendVisibility
          ? {
              extend: (ms: number) => setVisibility(options.sqs, laneUrl(record), record.receiptHandle, ms),
            }
          : {}),
      });
    } catch (error) {
      // The store or event bus is unreachable: let the message come back soon; the claim lapses on its own.
      const receives = Number(record.attributes?.ApproximateReceiveCount ?? '1') || 1;
      const delayMs = backoffDelayMs(receives, { baseMs: 2_000, maxMs: 60_000 });
      logger.error('processing error; message will return', {
        messageId: record.messageId,
        error: describeError(error),
      });
      outcome = { kind: 'retry', delayMs, error: describeError(error) };
    }
    try {
      return await apply(record, outcome);
    } catch (error) {
      logger.error('could not apply outcome to SQS', {
        messageId: record.messageId,
        outcome: outcome.kind,
        error: describeError(error),
      });
      return false;
    }
  }

  return async function handler(event: SQSEvent, context: LambdaContextLike): Promise<SQSBatchResponse> {
    const records = Array.isArray(event?.Records) ? event.Records : [];
    const margin = options.safetyMarginMs ?? Math.min(10_000, Math.max(100, topology.timeoutSeconds * 100));
    const budgetMs = context.getRemainingTimeInMillis() - margin;
    const signal =
      budgetMs > 0 ? AbortSignal.timeout(budgetMs) : AbortSignal.abort(new Error('no time left'));
    const batchItemFailures: SQSBatchItemFailure[] = [];
    await mapWithLimit(records, recordConcurrency, async (record) => {
      const ok = await handleRecord(record, signal);
      if (!ok) batchItemFailures.push({ itemIdentifier: record.messageId });
    });
    return { batchItemFailures };
  };
}

export type SqsHandler = ReturnType<typeof createSqsHandler>;
