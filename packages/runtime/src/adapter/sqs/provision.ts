import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { maxReceiveCount, QUEUE_NAMES, sqsQueueNames, type Topology } from '@paperlane/core';
import type { SqsQueueUrls } from './queue-urls';

const DAY_SECONDS = 24 * 60 * 60;

/** The attributes each queue gets from the topology; SST's infra derives the same values. */
export function sqsQueueAttributes(topology: Topology[keyof Topology], dlqArn: string) {
  return {
    lane: {
      VisibilityTimeout: String(topology.visibilityTimeoutSeconds),
      MessageRetentionPeriod: String(topology.messageRetentionDays * DAY_SECONDS),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlqArn,
        maxReceiveCount: maxReceiveCount(topology),
      }),
    },
    dlq: { MessageRetentionPeriod: String(topology.dlqRetentionDays * DAY_SECONDS) },
  };
}

/**
 * Creates (or updates) every queue's lanes and DLQ with redrive policies on
 * whatever `AWS_ENDPOINT_URL` the client points at. Safe to run again: SQS's
 * CreateQueue is idempotent for a name, and attributes are set afterwards.
 */
export async function provisionSqsQueues(
  client: SQSClient,
  topology: Topology,
  prefix?: string,
): Promise<SqsQueueUrls> {
  const entries = await Promise.all(
    QUEUE_NAMES.map(async (queue) => {
      const names = sqsQueueNames(queue, prefix);
      const dlqUrl = await createOrGet(client, names.dlq);
      const { Attributes } = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
      );
      const dlqArn = Attributes?.QueueArn;
      if (!dlqArn) throw new Error(`no ARN for ${names.dlq}`);
      const attributes = sqsQueueAttributes(topology[queue], dlqArn);
      await client.send(new SetQueueAttributesCommand({ QueueUrl: dlqUrl, Attributes: attributes.dlq }));
      const [high, low] = await Promise.all(
        [names.high, names.low].map(async (name) => {
          const url = await createOrGet(client, name);
          await client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes.lane }));
          return url;
        }),
      );
      return [queue, { high, low, dlq: dlqUrl }] as const;
    }),
  );
  return Object.fromEntries(entries) as SqsQueueUrls;
}

async function createOrGet(client: SQSClient, name: string): Promise<string> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
  if (!QueueUrl) throw new Error(`CreateQueue returned no URL for ${name}`);
  return QueueUrl;
}
