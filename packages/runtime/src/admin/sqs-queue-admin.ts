import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type JobRecord, QUEUE_NAMES, type QueueName } from '@paperlane/core';
import { DLQ_CODE_ATTRIBUTE, DLQ_ENCODING_ATTRIBUTE, DLQ_REASON_ATTRIBUTE } from '../adapter/sqs/message-ops';
import type { SqsQueueUrls } from '../adapter/sqs/queue-urls';
import type { ConsumerSwitch } from './consumer-switch';
import {
  type DeadLetterDeps,
  type DeadLetterEntry,
  type DeadLetterSource,
  listDeadLetters,
  redriveDeadLetters,
} from './dead-letters';
import type { QueueAdmin, QueueStats } from './queue-admin';

/** The paused flags, kept where every consumer can read them (the store's `queueControl`). */
export interface PauseFlags {
  pausedQueues(): Promise<Set<QueueName>>;
  setPaused(queue: QueueName, paused: boolean, now: Date): Promise<void>;
}

export interface SqsQueueAdminOptions extends DeadLetterDeps {
  sqs: SQSClient;
  urls: Partial<SqsQueueUrls>;
  /** Sends a requeued record's message to its lane: the dispatcher's `resend`. */
  resend: (jobs: readonly JobRecord[]) => Promise<Set<string>>;
  flags: PauseFlags;
  /** On AWS: disables the queue's Lambda event source mappings while paused. */
  consumers?: ConsumerSwitch;
  /** How long scanned DLQ messages stay hidden while a list or redrive works on them (default 120 s). */
  scanVisibilitySeconds?: number;
  /**
   * Long-poll wait of each DLQ receive (default 1 s). SQS's short poll samples a subset
   * of servers and may answer empty while messages exist; emulators answer exactly (0 is fine).
   */
  receiveWaitSeconds?: number;
}

type Handle = { receiptHandle: string };

/** An entry moved by the redrive policy (a consumer that died on every receive) carries none of our attributes. */
const RECEIVE_LIMIT_CODE = 'receive_limit_exceeded';

/**
 * `QueueAdmin` over SQS: depth from `GetQueueAttributes` summed over both lanes,
 * the DLQ read and redriven by a receive → requeue → resend → delete loop (works on
 * AWS, LocalStack and fauxqs alike), pause as a stored flag the consumers check plus,
 * on AWS, disabled event source mappings.
 *
 * `StartMessageMoveTask` is not used: it moves messages without touching their
 * records, and a message whose record is still `failed` is acknowledged unrun.
 */
export function createSqsQueueAdmin(options: SqsQueueAdminOptions): QueueAdmin {
  const visibility = options.scanVisibilitySeconds ?? 120;
  const wait = options.receiveWaitSeconds ?? 1;

  function urlsOf(queue: QueueName) {
    const urls = options.urls[queue];
    if (!urls) throw new Error(`no SQS URLs for ${queue}`);
    return urls;
  }

  async function attributes(url: string) {
    const { Attributes = {} } = await options.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    const count = (name: string) => Number(Attributes[name as keyof typeof Attributes] ?? 0) || 0;
    return {
      visible: count('ApproximateNumberOfMessages'),
      notVisible: count('ApproximateNumberOfMessagesNotVisible'),
      delayed: count('ApproximateNumberOfMessagesDelayed'),
    };
  }

  function toEntry(message: Message): DeadLetterEntry<Handle> {
    const attr = (name: string) => message.MessageAttributes?.[name]?.StringValue;
    const raw = message.Body ?? '';
    const body =
      attr(DLQ_ENCODING_ATTRIBUTE) === 'base64' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    const sent = Number(message.Attributes?.SentTimestamp);
    const reason = attr(DLQ_REASON_ATTRIBUTE);
    return {
      entryId: message.MessageId ?? '',
      body,
      code: attr(DLQ_CODE_ATTRIBUTE) ?? RECEIVE_LIMIT_CODE,
      ...(reason ? { reason } : {}),
      ...(Number.isFinite(sent) && sent > 0 ? { failedAt: new Date(sent).toISOString() } : {}),
      handle: { receiptHandle: message.ReceiptHandle ?? '' },
    };
  }

  const source: DeadLetterSource<Handle> = {
    async scan(queue, max) {
      const dlq = urlsOf(queue).dlq;
      const entries: DeadLetterEntry<Handle>[] = [];
      const ids = new Set<string>();
      while (entries.length < max) {
        const { Messages = [] } = await options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: dlq,
            MaxNumberOfMessages: Math.min(10, max - entries.length),
            WaitTimeSeconds: wait,
            VisibilityTimeout: visibility,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['SentTimestamp'],
          }),
        );
        if (Messages.length === 0) break;
        for (const message of Messages) {
          // A message we already hold cannot come back while hidden, but be safe against emulators.
          if (message.MessageId && ids.has(message.MessageId)) continue;
          if (message.MessageId) ids.add(message.MessageId);
          entries.push(toEntry(message));
        }
      }
      return { entries, truncated: entries.length >= max };
    },
    async redrive(queue, entry, job) {
      // A refused send leaves the record pending: the sweeper sends it, so the entry can go either way.
      await options.resend([job]);
      await options.sqs.send(
        new DeleteMessageCommand({ QueueUrl: urlsOf(queue).dlq, ReceiptHandle: entry.handle.receiptHandle }),
      );
    },
    async discard(queue, entry) {
      await options.sqs.send(
        new DeleteMessageCommand({ QueueUrl: urlsOf(queue).dlq, ReceiptHandle: entry.handle.receiptHandle }),
      );
    },
    async release(queue, entries) {
      const dlq = urlsOf(queue).dlq;
      for (let i = 0; i < entries.length; i += 10) {
        await options.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: dlq,
            Entries: entries.slice(i, i + 10).map((entry, n) => ({
              Id: String(n),
              ReceiptHandle: entry.handle.receiptHandle,
              VisibilityTimeout: 0,
            })),
          }),
        );
      }
    },
  };

  async function setPaused(queue: QueueName, paused: boolean) {
    urlsOf(queue);
    await options.flags.setPaused(queue, paused, options.clock.now());
    await options.consumers?.setEnabled(queue, !paused);
  }

  return {
    driver: 'sqs',
    async stats() {
      const paused = await options.flags.pausedQueues();
      const queues = QUEUE_NAMES.filter((queue) => options.urls[queue]);
      return Promise.all(
        queues.map(async (queue): Promise<QueueStats> => {
          const urls = urlsOf(queue);
          const [high, low, dlq] = await Promise.all([urls.high, urls.low, urls.dlq].map(attributes));
          const lanes = [high, low] as const;
          return {
            queue,
            waiting: lanes.reduce((sum, lane) => sum + (lane?.visible ?? 0), 0),
            inFlight: lanes.reduce((sum, lane) => sum + (lane?.notVisible ?? 0), 0),
            delayed: lanes.reduce((sum, lane) => sum + (lane?.delayed ?? 0), 0),
            failed: (dlq?.visible ?? 0) + (dlq?.notVisible ?? 0),
            paused: paused.has(queue),
          };
        }),
      );
    },
    listFailed: (queue, list) => listDeadLetters(queue, source, options, list),
    redrive: (queue, redrive) => redriveDeadLetters(queue, source, options, redrive),
    pause: (queue) => setPaused(queue, true),
    resume: (queue) => setPaused(queue, false),
  };
}
