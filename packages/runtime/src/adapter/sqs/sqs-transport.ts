import {
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { encodeEnvelope, laneFor, MAX_SQS_DELAY_SECONDS } from '@paperlane/core';
import type { OutgoingMessage, SendFailure, Transport } from '../../dispatcher/transport';
import type { SqsQueueUrls } from './queue-urls';

const MAX_BATCH_ENTRIES = 10;
/** Conservative total per SendMessageBatch, whatever the account's message size limit. */
const MAX_BATCH_BYTES = 256 * 1024;

export const JOB_ID_ATTRIBUTE = 'paperlane-job-id';

/** SQS takes delays up to 15 minutes; a longer one is carried on in the consumer (see lambda-sqs defer). */
export function sqsDelaySeconds(delayMs: number): number {
  return Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, Math.ceil(delayMs / 1000)));
}

interface Prepared {
  url: string;
  jobId: string;
  entry: SendMessageBatchRequestEntry;
  bytes: number;
}

/** Splits entries for one queue into batches within SQS's entry-count and size limits. */
function* batches(entries: Prepared[]): Generator<Prepared[]> {
  let batch: Prepared[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (batch.length === MAX_BATCH_ENTRIES || (batch.length > 0 && bytes + entry.bytes > MAX_BATCH_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += entry.bytes;
  }
  if (batch.length > 0) yield batch;
}

/** The SQS producer: one lane per priority, SendMessageBatch in bounded batches. */
export function createSqsTransport(options: { client: SQSClient; urls: Partial<SqsQueueUrls> }): Transport {
  const { client, urls } = options;
  return {
    name: 'sqs',
    async send(messages: readonly OutgoingMessage[]): Promise<SendFailure[]> {
      const byUrl = new Map<string, Prepared[]>();
      const failures: SendFailure[] = [];
      for (const { envelope, delayMs } of messages) {
        let body: string;
        try {
          body = encodeEnvelope(envelope);
        } catch (error) {
          failures.push({ jobId: envelope.jobId, error });
          continue;
        }
        const url = urls[envelope.queue]?.[laneFor(envelope.priority)];
        if (!url) {
          // A Lambda is linked only to the queues it uses: a missing link is a deploy bug; the
          // record stays pending and the sweeper (linked to every lane) sends it.
          failures.push({ jobId: envelope.jobId, error: new Error(`no SQS URL for ${envelope.queue}`) });
          continue;
        }
        const list = byUrl.get(url) ?? [];
        list.push({
          url,
          jobId: envelope.jobId,
          bytes: Buffer.byteLength(body, 'utf8'),
          entry: {
            Id: String(list.length),
            MessageBody: body,
            DelaySeconds: sqsDelaySeconds(delayMs),
            MessageAttributes: { [JOB_ID_ATTRIBUTE]: { DataType: 'String', StringValue: envelope.jobId } },
          },
        });
        byUrl.set(url, list);
      }
      const sends: Promise<void>[] = [];
      for (const [url, entries] of byUrl) {
        for (const batch of batches(entries)) {
          sends.push(
            client
              .send(new SendMessageBatchCommand({ QueueUrl: url, Entries: batch.map((p) => p.entry) }))
              .then(
                (response) => {
                  for (const failed of response.Failed ?? []) {
                    const prepared = batch.find((p) => p.entry.Id === failed.Id);
                    if (prepared)
                      failures.push({
                        jobId: prepared.jobId,
                        error: new Error(failed.Message ?? failed.Code),
                      });
                  }
                },
                (error: unknown) => {
                  for (const p of batch) failures.push({ jobId: p.jobId, error });
                },
              ),
          );
        }
      }
      await Promise.all(sends);
      return failures;
    },
    async ping() {
      const first = Object.values(urls)[0];
      if (first)
        await client.send(
          new GetQueueAttributesCommand({ QueueUrl: first.high, AttributeNames: ['QueueArn'] }),
        );
    },
    async close() {},
  };
}
