import { randomBytes } from 'node:crypto';
import {
  $remove,
  $set,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from 'dynamodb-toolbox';
import { conditional } from './conditional';
import {
  type ClaimInput,
  type ClaimOutcome,
  type ClaimRef,
  claimInputSchema,
  claimRefSchema,
  IDEMPOTENCY_TTL_MS,
  type StoredResponse,
  storedResponseSchema,
} from './idempotency';
import { createIdempotencyEntity } from './idempotency-entity';
import type { PaperlaneTable } from './table';
import { parseInput, toIso } from './validate';

/**
 * Idempotency keys per tenant: the first request with a key claims it with one
 * conditional put, runs, and stores its response; later requests with the key are
 * told to replay it, to wait, or that the key belongs to another request. Every API
 * process shares the item, so two processes racing one key produce one effect.
 */
export interface IdempotencyStore {
  claim(input: ClaimInput): Promise<ClaimOutcome>;
  /** Stores the holder's response; `false` if the claim is no longer its own (taken over after its lease). */
  complete(input: ClaimRef & { response: StoredResponse }): Promise<boolean>;
  /** Gives the key up (the request failed in a way a retry may fix); `false` if it was not the holder's. */
  release(input: ClaimRef): Promise<boolean>;
}

/**
 * The DynamoDB `IdempotencyStore`. A key is free when no item holds it, when its item
 * is past `expiresAt` (TTL deletion lags by up to days), or when an in-progress claim
 * for the same request outlived its lease (the holder died mid-request).
 *
 * @example
 * const keys = createIdempotencyStore(table);
 * const outcome = await keys.claim({ tenantId, key, fingerprint, now: new Date(), leaseMs: 300_000 });
 * if (outcome.kind === 'claimed') {
 *   // ... run the request ...
 *   await keys.complete({ tenantId, key, claimId: outcome.claimId, response });
 * }
 */
export function createIdempotencyStore(table: PaperlaneTable): IdempotencyStore {
  const Key = createIdempotencyEntity(table);

  async function read(tenantId: string, key: string) {
    const { Item } = await Key.build(GetItemCommand)
      .key({ tenantId, key })
      .options({ consistent: true })
      .send();
    return Item;
  }

  return {
    async claim(input) {
      const { tenantId, key, fingerprint, now, leaseMs } = parseInput(
        claimInputSchema(),
        input,
        'idempotency claim',
      );
      const nowIso = toIso(now, 'now');
      const expires = new Date(now.getTime() + IDEMPOTENCY_TTL_MS);
      const claimId = randomBytes(16).toString('hex');
      const outcome = await conditional(Key, () =>
        Key.build(PutItemCommand)
          .item({
            tenantId,
            key,
            fingerprint,
            status: 'in_progress',
            claimId,
            lockedUntil: new Date(now.getTime() + leaseMs).toISOString(),
            createdAt: nowIso,
            expiresAt: expires.toISOString(),
            ttl: Math.ceil(expires.getTime() / 1000),
          })
          .options({
            condition: {
              or: [
                { attr: 'claimId', exists: false },
                { attr: 'expiresAt', lt: nowIso },
                {
                  and: [
                    { attr: 'status', eq: 'in_progress' },
                    { attr: 'fingerprint', eq: fingerprint },
                    { attr: 'lockedUntil', lt: nowIso },
                  ],
                },
              ],
            },
            returnValuesOnConditionFalse: 'ALL_OLD',
          })
          .send(),
      );
      if (outcome.ok) return { kind: 'claimed', claimId };
      const held = outcome.old ?? (await read(tenantId, key));
      // Gone between the put and the read (released, or deleted by TTL): the caller may try again.
      if (!held) return { kind: 'in_progress', lockedUntil: now };
      if (held.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (held.status === 'complete' && held.response) {
        const response = storedResponseSchema().parse({
          ...held.response,
          ...(held.response.body ? { body: new Uint8Array(held.response.body) } : {}),
        });
        return { kind: 'replay', response };
      }
      return { kind: 'in_progress', lockedUntil: new Date(held.lockedUntil ?? nowIso) };
    },

    async complete(input) {
      const { response, ...ref } = input;
      const { tenantId, key, claimId } = parseInput(claimRefSchema(), ref, 'idempotency claim');
      const stored = parseInput(storedResponseSchema(), response, 'stored response');
      const outcome = await conditional(Key, () =>
        Key.build(UpdateItemCommand)
          .item({
            tenantId,
            key,
            status: 'complete',
            lockedUntil: $remove(),
            response: $set({
              status: stored.status,
              headers: stored.headers,
              ...(stored.body ? { body: stored.body } : {}),
            }),
          })
          .options({ condition: { attr: 'claimId', eq: claimId } })
          .send(),
      );
      return outcome.ok;
    },

    async release(input) {
      const { tenantId, key, claimId } = parseInput(claimRefSchema(), input, 'idempotency claim');
      const outcome = await conditional(Key, () =>
        Key.build(DeleteItemCommand)
          .key({ tenantId, key })
          .options({ condition: { attr: 'claimId', eq: claimId } })
          .send(),
      );
      return outcome.ok;
    },
  };
}
