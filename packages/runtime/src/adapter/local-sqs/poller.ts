import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { describeError, type Logger, type SqsQueueNames } from '@paperlane/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { LambdaContextLike } from '../lambda-sqs/handler';
import { toSqsRecord } from './sqs-event';

export interface SqsPollerOptions {
  sqs: SQSClient;
  urls: SqsQueueNames;
  /** The same function Lambda runs. */
  handler: (event: SQSEvent, context: LambdaContextLike) => Promise<SQSBatchResponse>;
  /** Messages per receive (≤ 10). */
  batchSize: number;
  /** Batches in flight at once. */
  concurrency: number;
  /**
   * Hold taken on each received message; the handler's lease heartbeat extends it
   * while a job runs. Omit to use the queue's own visibility timeout, as Lambda does.
   */
  visibilityTimeoutSeconds?: number;
  /** The time budget each batch gets, as a Lambda timeout would. */
  timeoutSeconds: number;
  /** Long-poll wait on the high lane when both lanes are empty. */
  waitTimeSeconds?: number;
  region?: string;
  logger: Logger;
  /**
   * An operator's pause switch, checked before each receive: while it answers true
   * nothing is received (messages stay waiting) and the loop re-checks every `pausedCheckMs`.
   */
  isPaused?: () => Promise<boolean>;
  /** How often a paused loop asks again (default 1 s). */
  pausedCheckMs?: number;
  /**
   * Stop abandons the long polls in flight instead of waiting them out. Only for a
   * server that gives back what an abandoned poll takes (the embedded emulator does):
   * SQS would hide those messages for their visibility timeout.
   */
  abandonPollsOnStop?: boolean;
}

/**
 * Runs a queue's Lambda handler locally, the way Lambda's SQS event source mapping
 * does: receive a batch (high lane first), hand it over as an SQS event, delete
 * what the handler did not report as failed. Stopping lets in-flight batches finish.
 */
export function createSqsPoller(options: SqsPollerOptions) {
  const logger = options.logger.child({ consumer: 'local-sqs' });
  const region = options.region ?? 'us-east-1';
  const arns = new Map<string, string>();
  let stopping = false;
  let loops: Promise<void>[] = [];
  const wakers = new Set<() => void>();
  let abandon = new AbortController();

  /** Waits `ms`, or less when the poller is stopped. */
  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      wakers.add(done);
    });
  }

  async function queueArn(url: string): Promise<string> {
    const known = arns.get(url);
    if (known) return known;
    const { Attributes } = await options.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    const arn = Attributes?.QueueArn ?? `arn:aws:sqs:${region}:000000000000:${url.split('/').pop()}`;
    arns.set(url, arn);
    return arn;
  }

  // Receives are not aborted (unless `abandonPollsOnStop`): SQS may already have handed
  // messages to an abandoned long poll, hiding them for the visibility timeout. Stopping
  // waits for the poll to return instead and releases whatever it brought.
  async function receive(url: string, waitSeconds: number): Promise<Message[]> {
    const abandonable = options.abandonPollsOnStop && waitSeconds > 0 ? { abortSignal: abandon.signal } : {};
    const { Messages } = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: Math.min(10, options.batchSize),
        WaitTimeSeconds: waitSeconds,
        ...(options.visibilityTimeoutSeconds === undefined
          ? {}
          : { VisibilityTimeout: options.visibilityTimeoutSeconds }),
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      abandonable,
    );
    const messages = Messages ?? [];
    if (stopping && messages.length > 0) {
      await release(url, messages);
      return [];
    }
    return messages;
  }

  /** Makes received messages visible again at once, for another consumer. */
  async function release(url: string, messages: Message[]): Promise<void> {
    await options.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: messages.map((m, i) => ({
          Id: String(i),
          ReceiptHandle: m.ReceiptHandle ?? '',
          VisibilityTimeout: 0,
        })),
      }),
    );
  }

  async function handleBatch(url: string, messages: Message[]): Promise<void> {
    const arn = await queueArn(url);
    const event: SQSEvent = { Records: messages.map((m) => toSqsRecord(m, arn, region)) };
    const deadline = Date.now() + options.timeoutSeconds * 1000;
    const context: LambdaContextLike = { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
    let failed: Set<string>;
    try {
      const response = await options.handler(event, context);
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      // As on Lambda: a throwing handler fails the whole batch; the messages come back after their visibility.
      logger.error('handler threw; batch left for redelivery', { error: describeError(error) });
      return;
    }
    const done = messages.filter((m) => m.MessageId && !failed.has(m.MessageId));
    if (done.length === 0) return;
    const result = await options.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
    );
    if (result.Failed?.length) logger.warn('some deletes failed', { count: result.Failed.length });
  }

  async function loop(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      try {
        if (options.isPaused && (await options.isPaused())) {
          await pause(options.pausedCheckMs ?? 1_000);
          continue;
        }
        let url = options.urls.high;
        let messages = await receive(url, 0);
        if (messages.length === 0 && !stopping) {
          url = options.urls.low;
          messages = await receive(url, 0);
        }
        if (messages.length === 0 && !stopping) {
          url = options.urls.high;
          messages = await receive(url, options.waitTimeSeconds ?? 5);
        }
        failures = 0;
        if (messages.length === 0) continue;
        await handleBatch(url, messages);
      } catch (error) {
        if (stopping && abandon.signal.aborted) return;
        failures++;
        const delay = Math.min(30_000, 250 * 2 ** Math.min(failures, 7));
        logger.warn('receive failed; backing off', { error: describeError(error), delayMs: delay });
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  }

  return {
    start() {
      if (loops.length > 0) return;
      stopping = false;
      abandon = new AbortController();
      loops = Array.from({ length: Math.max(1, options.concurrency) }, () => loop());
    },
    /** Stops receiving (within one long-poll wait), then waits for in-flight batches to finish. */
    async stop() {
      stopping = true;
      for (const wake of [...wakers]) wake();
      if (options.abandonPollsOnStop) abandon.abort();
      await Promise.all(loops);
      loops = [];
    },
    get running() {
      return loops.length > 0 && !stopping;
    },
  };
}

export type SqsPoller = ReturnType<typeof createSqsPoller>;
