import { GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { QUEUE_NAMES, type QueueName, type SqsQueueNames, sqsQueueNames } from '@paperlane/core';

export type SqsQueueUrls = Record<QueueName, SqsQueueNames>;

/** Looks up every lane and DLQ URL by the naming convention (local stacks; on AWS, SST links give them). */
export async function resolveSqsQueueUrls(client: SQSClient, prefix?: string): Promise<SqsQueueUrls> {
  const entries = await Promise.all(
    QUEUE_NAMES.map(async (queue) => {
      const names = sqsQueueNames(queue, prefix);
      const [high, low, dlq] = await Promise.all(
        [names.high, names.low, names.dlq].map(async (QueueName) => {
          const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName }));
          if (!QueueUrl) throw new Error(`SQS queue ${QueueName} has no URL`);
          return QueueUrl;
        }),
      );
      return [queue, { high, low, dlq }] as const;
    }),
  );
  return Object.fromEntries(entries) as SqsQueueUrls;
}
