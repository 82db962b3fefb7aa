import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueName } from '@paperlane/core';
import type { SqsQueueUrls } from '@paperlane/runtime';
import { lambdaContextFactory, sqsEventFactory, sqsRecordFactory } from '@paperlane/testing';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

/** A queue's consumer Lambda, as the event source mapping invokes it. */
export type ConsumerLambda = (event: SQSEvent, context: never) => Promise<SQSBatchResponse | undefined>;

/**
 * What Lambda's SQS event source mapping does, on loopback: long-polls both lanes
 * of each queue, invokes the queue's consumer with the batch (records named after
 * their lane, so the handler finds its lane URL), and deletes the records the
 * consumer did not report as failed. Failed ones return after their visibility.
 *
 * @example const source = startSqsEventSource(sqs, urls, { thumbnail: handler }); ... await source.stop();
 */
export function startSqsEventSource(
  sqs: SQSClient,
  urls: Partial<SqsQueueUrls>,
  consumers: Partial<Record<QueueName, ConsumerLambda>>,
) {
  let running = true;
  const errors: unknown[] = [];
  const poll = async (lane: string, consumer: ConsumerLambda) => {
    const queueName = lane.split('/').pop() ?? lane;
    while (running) {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: lane,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      const messages = received.Messages ?? [];
      if (messages.length === 0) continue;
      const records = messages.map((m) =>
        sqsRecordFactory({
          body: m.Body ?? '',
          messageId: m.MessageId ?? '',
          receiptHandle: m.ReceiptHandle ?? '',
          queueName,
          receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? '1'),
        }),
      );
      const result = await consumer(sqsEventFactory(records), lambdaContextFactory(60_000) as never);
      const failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      const done = records.filter((r) => !failed.has(r.messageId));
      if (done.length > 0) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: lane,
            Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
          }),
        );
      }
    }
  };
  const loops = Object.entries(consumers).flatMap(([queue, consumer]) => {
    const lanes = urls[queue as QueueName];
    if (!lanes || !consumer) throw new Error(`no queue URLs for ${queue}`);
    return [lanes.high, lanes.low].map((lane) =>
      poll(lane, consumer).catch((error: unknown) => void errors.push(error)),
    );
  });
  return {
    /** Errors a poll loop stopped on (a test expects none). */
    errors,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}
