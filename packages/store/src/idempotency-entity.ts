import { createHash } from 'node:crypto';
import { binary, Entity, item, map, number, record, string } from 'dynamodb-toolbox';
import { tenantPrefix } from './keys';
import type { PaperlaneTable } from './table';

export const IDEMPOTENCY_ENTITY = 'IdempotencyKey';

export const IDEMPOTENCY_STATUSES = ['in_progress', 'complete'] as const;

/**
 * `T#{tenant}#IDEM#{sha256(key)}` / `IDEM`: the caller's key is hashed so whatever
 * printable text it holds (`#` included) never shapes the key, and one tenant's key
 * can never address another tenant's item.
 */
export function idempotencyKey(tenantId: string, key: string): { pk: string; sk: string } {
  const digest = createHash('sha256').update(key, 'utf8').digest('hex');
  return { pk: `${tenantPrefix(tenantId)}IDEM#${digest}`, sk: 'IDEM' };
}

/** One item per tenant and key: the claim while the first request runs, then its response. */
export function createIdempotencyEntity(table: PaperlaneTable) {
  return new Entity({
    name: IDEMPOTENCY_ENTITY,
    table,
    timestamps: false,
    schema: item({
      tenantId: string().key(),
      key: string().key(),
      /** sha256 over method, path and body: the same key must come with the same request. */
      fingerprint: string(),
      status: string().enum(...IDEMPOTENCY_STATUSES),
      /** Names the holder, so only it completes or releases the claim (a takeover gets a new one). */
      claimId: string(),
      /** While in progress: the claim may be taken over after this (its holder died). */
      lockedUntil: string().optional(),
      createdAt: string(),
      /** After this the key is free again, whether or not DynamoDB's TTL has deleted the item. */
      expiresAt: string(),
      /** Epoch seconds, the table's TTL attribute. */
      ttl: number(),
      response: map({
        status: number(),
        headers: record(string(), string()),
        body: binary().optional(),
      }).optional(),
    }),
    computeKey: ({ tenantId, key }) => idempotencyKey(tenantId, key),
  });
}

export type IdempotencyEntity = ReturnType<typeof createIdempotencyEntity>;
