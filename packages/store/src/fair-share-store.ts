import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type FairShareStore, type HeldEntry, queueNameSchema, type TenantQueue } from '@paperlane/core';
import { z } from 'zod';
import { isConditionFailed } from './conditional';
import { tenantPrefix } from './keys';
import type { PaperlaneTable } from './table';
import { parseId, parseInput, toIso } from './validate';

/** Slot attributes are `s_<jobId>` on the slots item; `n` counts them. */
const SLOT_PREFIX = 's_';
const SLOTS_SK = 'SLOTS';
const HELD_PREFIX = 'H#';

/** One partition per tenant and queue: the slots item and the backlog, ordered by the job's creation. */
export function fairSharePk(tenantId: string, queue: string): string {
  return `${tenantPrefix(tenantId)}FAIR#${queue}`;
}

function heldSk(entry: HeldEntry): string {
  return `${HELD_PREFIX}${entry.heldSince}#${entry.jobId}`;
}

const capSchema = z.number().int().min(1).max(1_000);

function scope(input: TenantQueue): { pk: string } {
  const tenantId = parseId(input.tenantId, 'tenantId');
  const queue = parseInput(queueNameSchema, input.queue, 'queue');
  return { pk: fairSharePk(tenantId, queue) };
}

function slotName(jobId: string): string {
  return `${SLOT_PREFIX}${parseId(jobId, 'jobId')}`;
}

/**
 * The DynamoDB `FairShareStore`: one conditional write per admission (a counter and one
 * attribute per slot on a small item), one item per held job in the same partition.
 *
 * @example
 * const fair = createFairShareStore(table);
 * const admitted = await fair.admit({ tenantId, queue: 'invoice-processing', jobId, cap: 4, until });
 * if (!admitted) await fair.hold({ tenantId, queue: 'invoice-processing', jobId, heldSince: createdAt });
 */
export function createFairShareStore(table: PaperlaneTable): FairShareStore {
  const client = table.getDocumentClient();
  const TableName = table.getName();

  async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async function slots(input: TenantQueue): Promise<Map<string, Date>> {
    const { Item } = await client.send(
      new GetCommand({ TableName, Key: { ...scope(input), sk: SLOTS_SK }, ConsistentRead: true }),
    );
    const found = new Map<string, Date>();
    for (const [name, value] of Object.entries(Item ?? {})) {
      if (name.startsWith(SLOT_PREFIX) && typeof value === 'number')
        found.set(name.slice(SLOT_PREFIX.length), new Date(value));
    }
    return found;
  }

  return {
    async admit(input) {
      const cap = parseInput(capSchema, input.cap, 'cap');
      const Key = { ...scope(input), sk: SLOTS_SK };
      const taken = await conditionally(() =>
        client.send(
          new UpdateCommand({
            TableName,
            Key,
            UpdateExpression: 'SET #slot = :until, n = if_not_exists(n, :zero) + :one',
            ConditionExpression: 'attribute_not_exists(#slot) AND (attribute_not_exists(n) OR n < :cap)',
            ExpressionAttributeNames: { '#slot': slotName(input.jobId) },
            ExpressionAttributeValues: {
              ':until': input.until.getTime(),
              ':zero': 0,
              ':one': 1,
              ':cap': cap,
            },
          }),
        ),
      );
      if (taken) return true;
      // Refused: either every slot is taken, or this job holds one already (a second delivery).
      return (await slots(input)).has(input.jobId);
    },

    async release(input) {
      return conditionally(() =>
        client.send(
          new UpdateCommand({
            TableName,
            Key: { ...scope(input), sk: SLOTS_SK },
            UpdateExpression: 'REMOVE #slot SET n = n - :one',
            ConditionExpression: 'attribute_exists(#slot)',
            ExpressionAttributeNames: { '#slot': slotName(input.jobId) },
            ExpressionAttributeValues: { ':one': 1 },
          }),
        ),
      );
    },

    slots,

    async extend(input) {
      return conditionally(() =>
        client.send(
          new UpdateCommand({
            TableName,
            Key: { ...scope(input), sk: SLOTS_SK },
            UpdateExpression: 'SET #slot = :until',
            ConditionExpression: '#slot = :expect',
            ExpressionAttributeNames: { '#slot': slotName(input.jobId) },
            ExpressionAttributeValues: { ':until': input.until.getTime(), ':expect': input.expect.getTime() },
          }),
        ),
      );
    },

    async drop(input) {
      return conditionally(() =>
        client.send(
          new UpdateCommand({
            TableName,
            Key: { ...scope(input), sk: SLOTS_SK },
            UpdateExpression: 'REMOVE #slot SET n = n - :one',
            ConditionExpression: '#slot = :expect',
            ExpressionAttributeNames: { '#slot': slotName(input.jobId) },
            ExpressionAttributeValues: { ':one': 1, ':expect': input.expect.getTime() },
          }),
        ),
      );
    },

    async hold(input) {
      const entry = {
        jobId: parseId(input.jobId, 'jobId'),
        heldSince: toIso(new Date(input.heldSince), 'heldSince'),
      };
      await client.send(
        new PutCommand({ TableName, Item: { ...scope(input), sk: heldSk(entry), ...entry } }),
      );
    },

    async isHeld(input) {
      const { Item } = await client.send(
        new GetCommand({ TableName, Key: { ...scope(input), sk: heldSk(input) }, ConsistentRead: true }),
      );
      return Item !== undefined;
    },

    async held(input) {
      const limit = parseInput(capSchema, input.limit, 'limit');
      const { Items } = await client.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :held)',
          ExpressionAttributeValues: { ':pk': scope(input).pk, ':held': HELD_PREFIX },
          Limit: limit,
          ConsistentRead: true,
        }),
      );
      return (Items ?? []).map((item) => ({ jobId: String(item.jobId), heldSince: String(item.heldSince) }));
    },

    async unhold(input) {
      return conditionally(() =>
        client.send(
          new DeleteCommand({
            TableName,
            Key: { ...scope(input), sk: heldSk(input) },
            ConditionExpression: 'attribute_exists(pk)',
          }),
        ),
      );
    },
  };
}
