import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { QUEUE_NAMES, type QueueName, queueNameSchema } from '@paperlane/core';
import type { PaperlaneTable } from './table';
import { parseInput, toIso } from './validate';

/**
 * Operator switches per job queue (platform-wide, not tenant-owned). Today only
 * "paused": the SQS consumers check it between receives; BullMQ keeps its own flag.
 */
export interface QueueControlStore {
  isPaused(queue: QueueName): Promise<boolean>;
  /** Every queue's flag in one call (absent item = running). */
  pausedQueues(): Promise<Set<QueueName>>;
  setPaused(queue: QueueName, paused: boolean, now: Date): Promise<void>;
}

/** One small item per queue: `QUEUE#<queue>` / `CONTROL`. */
export function queueControlKey(queue: QueueName): { pk: string; sk: string } {
  return { pk: `QUEUE#${queue}`, sk: 'CONTROL' };
}

/**
 * The DynamoDB `QueueControlStore`.
 *
 * @example
 * const control = createQueueControlStore(table);
 * await control.setPaused('thumbnail', true, new Date());
 * await control.isPaused('thumbnail'); // true
 */
export function createQueueControlStore(table: PaperlaneTable): QueueControlStore {
  const client = table.getDocumentClient();
  const TableName = table.getName();
  const queueOf = (value: unknown) => parseInput(queueNameSchema, value, 'queue');

  async function isPaused(queue: QueueName): Promise<boolean> {
    const { Item } = await client.send(
      new GetCommand({ TableName, Key: queueControlKey(queueOf(queue)), ConsistentRead: true }),
    );
    return Item?.paused === true;
  }

  return {
    isPaused,
    async pausedQueues() {
      const flags = await Promise.all(QUEUE_NAMES.map(async (q) => [q, await isPaused(q)] as const));
      return new Set(flags.filter(([, paused]) => paused).map(([q]) => q));
    },
    async setPaused(queue, paused, now) {
      await client.send(
        new UpdateCommand({
          TableName,
          Key: queueControlKey(queueOf(queue)),
          UpdateExpression: 'SET paused = :paused, updatedAt = :now',
          ExpressionAttributeValues: { ':paused': paused === true, ':now': toIso(now, 'now') },
        }),
      );
    },
  };
}
