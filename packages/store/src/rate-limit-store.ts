import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { isConditionFailed } from './conditional';
import type { PaperlaneTable } from './table';
import { parseInput } from './validate';
import { WS_TTL_ATTRIBUTE } from './ws-connection';

/**
 * Shared per-key request budgets: every API process (every Lambda instance) counts
 * against one window in the table, so a tenant's limit holds however far the API
 * scales. Fixed one-minute windows: one conditional write per request, and at a
 * window's edge a tenant can get up to twice the limit in a minute.
 */
export interface RateLimitStore {
  /** Takes `cost` from `key`'s budget of `limit` per minute: 0 if allowed, else the ms until the window resets. */
  take(input: { key: string; limit: number; cost?: number; now: Date }): Promise<number>;
}

const WINDOW_MS = 60_000;

const takeSchema = z.object({
  key: z.string().min(1).max(200),
  limit: z.number().int().min(1).max(1_000_000),
  cost: z.number().int().min(1).max(1_000).default(1),
  now: z.date(),
});

/** One small item per key and window: `RATE#<key>` / `<window start ms>`, expired by the table's TTL. */
export function rateWindowKey(key: string, windowStart: number): { pk: string; sk: string } {
  return { pk: `RATE#${key}`, sk: String(windowStart) };
}

/**
 * The DynamoDB `RateLimitStore`.
 *
 * @example
 * const limits = createRateLimitStore(table);
 * await limits.take({ key: `enqueue:${tenantId}`, limit: 600, now: new Date() }); // 0 = allowed
 */
export function createRateLimitStore(table: PaperlaneTable): RateLimitStore {
  const client = table.getDocumentClient();
  const TableName = table.getName();
  return {
    async take(input) {
      const { key, limit, cost, now } = parseInput(takeSchema, input, 'rate limit');
      const at = now.getTime();
      const windowStart = at - (at % WINDOW_MS);
      const resetInMs = windowStart + WINDOW_MS - at;
      if (cost > limit) return resetInMs;
      try {
        await client.send(
          new UpdateCommand({
            TableName,
            Key: rateWindowKey(key, windowStart),
            UpdateExpression: 'ADD hits :cost SET #ttl = if_not_exists(#ttl, :ttl)',
            // Refused once the window holds `limit`: the count never goes past it.
            ConditionExpression: 'attribute_not_exists(hits) OR hits <= :room',
            ExpressionAttributeNames: { '#ttl': WS_TTL_ATTRIBUTE },
            ExpressionAttributeValues: {
              ':cost': cost,
              ':room': limit - cost,
              ':ttl': Math.ceil((windowStart + 2 * WINDOW_MS) / 1000),
            },
          }),
        );
        return 0;
      } catch (error) {
        if (isConditionFailed(error)) return resetInMs;
        throw error;
      }
    },
  };
}
