import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { newId } from '@paperlane/core';
import { $remove, UpdateItemCommand } from 'dynamodb-toolbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conditional } from './conditional';
import { createTable } from './table';
import { at, startTestDynamo, T0, type TestDynamo } from './test-store';
import type { WebhookAttempt } from './webhook';
import type { WebhookDeliveryStore } from './webhook-delivery-store';
import { createWebhookDeliveryEntity, type WebhookDeliveryEntity } from './webhook-entities';
import { webhookDeliveryKey } from './webhook-keys';

/**
 * The store's prebuilt `recordAttempt` against the toolbox builder it replaced: each
 * delivery is created on two tables, the attempt is written once through the store and
 * once through the builder from the entity, and the stored items (every attribute, keys
 * and index keys included) and the outcomes must be equal.
 */
let dynamo: TestDynamo;
let fast: { deliveries: WebhookDeliveryStore; tableName: string };
let reference: { deliveries: WebhookDeliveryStore; Delivery: WebhookDeliveryEntity; tableName: string };

beforeAll(async () => {
  dynamo = await startTestDynamo();
  const a = await dynamo.freshStore('prebuilt');
  const b = await dynamo.freshStore('toolbox');
  fast = { deliveries: a.webhookDeliveries, tableName: a.tableName };
  reference = {
    deliveries: b.webhookDeliveries,
    Delivery: createWebhookDeliveryEntity(createTable(dynamo.documentClient, b.tableName)),
    tableName: b.tableName,
  };
});

afterAll(async () => {
  await dynamo.stop();
});

const TENANT = 'tenant-w';
const WEBHOOK = 'wh_1';
type Attempt = WebhookAttempt & { expect?: { webhookId: string; attempts: number } };

async function stored(tableName: string, deliveryId: string) {
  const { Item } = await dynamo.documentClient.send(
    new GetCommand({
      TableName: tableName,
      Key: webhookDeliveryKey(TENANT, deliveryId),
      ConsistentRead: true,
    }),
  );
  return Item;
}

async function createBoth(): Promise<string> {
  const deliveryId = newId('whd');
  const eventId = newId('evt');
  for (const side of [fast, reference]) {
    const { created } = await side.deliveries.create({
      tenantId: TENANT,
      deliveryId,
      webhookId: WEBHOOK,
      event: 'document.ready',
      eventId,
      payload: { documentId: 'doc-1' },
      now: T0,
    });
    expect(created).toBe(true);
  }
  return deliveryId;
}

// The toolbox's spelling, as the store made it before it was prebuilt.
async function referenceRecord(deliveryId: string, attempt: Attempt): Promise<boolean> {
  const at = attempt.at.toISOString();
  const clearable = <T>(value: T | null | undefined) => (value === null ? $remove() : value);
  const { Delivery } = reference;
  const outcome = await conditional(Delivery, () =>
    Delivery.build(UpdateItemCommand)
      .item({
        tenantId: TENANT,
        deliveryId,
        status: attempt.status,
        attempts: attempt.attempts,
        lastAttemptAt: at,
        updatedAt: at,
        ...(attempt.lastStatusCode !== undefined
          ? { lastStatusCode: clearable(attempt.lastStatusCode) }
          : {}),
        ...(attempt.durationMs !== undefined ? { durationMs: clearable(attempt.durationMs) } : {}),
        ...(attempt.error !== undefined ? { error: clearable(attempt.error) } : {}),
        ...(attempt.responseExcerpt !== undefined
          ? { responseExcerpt: clearable(attempt.responseExcerpt) }
          : {}),
        ...(attempt.nextAttemptAt !== undefined
          ? { nextAttemptAt: clearable(attempt.nextAttemptAt?.toISOString() ?? null) }
          : {}),
      })
      .options({
        condition: attempt.expect
          ? {
              and: [
                { attr: 'status', eq: 'pending' },
                { attr: 'webhookId', eq: attempt.expect.webhookId },
                { attr: 'attempts', eq: attempt.expect.attempts },
              ],
            }
          : { attr: 'deliveryId', exists: true },
      })
      .send(),
  );
  return outcome.ok;
}

/** Writes the attempt both ways; returns the (equal) outcome. */
async function recordBoth(deliveryId: string, attempt: Attempt): Promise<boolean> {
  const recorded = await fast.deliveries.recordAttempt({ tenantId: TENANT, deliveryId, ...attempt });
  expect(recorded).toBe(await referenceRecord(deliveryId, attempt));
  const item = await stored(fast.tableName, deliveryId);
  expect(item).toEqual(await stored(reference.tableName, deliveryId));
  return recorded;
}

describe('the prebuilt recordAttempt stores what the toolbox builder stores', () => {
  it('a delivered first attempt under the fence', async () => {
    const deliveryId = await createBoth();
    const recorded = await recordBoth(deliveryId, {
      status: 'succeeded',
      attempts: 1,
      lastStatusCode: 200,
      durationMs: 12,
      responseExcerpt: 'ok',
      at: at(1_000),
      expect: { webhookId: WEBHOOK, attempts: 0 },
    });
    expect(recorded).toBe(true);
    expect(await stored(fast.tableName, deliveryId)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('a failed attempt with a retry time, then a later one clearing fields, without a fence', async () => {
    const deliveryId = await createBoth();
    await recordBoth(deliveryId, {
      status: 'pending',
      attempts: 1,
      lastStatusCode: 503,
      durationMs: 40,
      error: 'HTTP 503',
      responseExcerpt: 'busy',
      nextAttemptAt: at(60_000),
      at: at(1_000),
      expect: { webhookId: WEBHOOK, attempts: 0 },
    });
    expect(await stored(fast.tableName, deliveryId)).toMatchObject({
      nextAttemptAt: at(60_000).toISOString(),
    });
    await recordBoth(deliveryId, {
      status: 'succeeded',
      attempts: 2,
      lastStatusCode: 204,
      error: null,
      responseExcerpt: null,
      nextAttemptAt: null,
      at: at(61_000),
    });
    const item = await stored(fast.tableName, deliveryId);
    expect(item).not.toHaveProperty('error');
    expect(item).not.toHaveProperty('nextAttemptAt');
  });

  it.each([
    { case: 'an advanced attempt count', expect: { webhookId: WEBHOOK, attempts: 1 } },
    { case: 'another subscription', expect: { webhookId: 'wh_other', attempts: 0 } },
  ])('a fence refused for $case returns false and writes nothing', async ({ expect: fence }) => {
    const deliveryId = await createBoth();
    const before = await stored(fast.tableName, deliveryId);
    const recorded = await recordBoth(deliveryId, {
      status: 'succeeded',
      attempts: 1,
      at: at(1_000),
      expect: fence,
    });
    expect(recorded).toBe(false);
    expect(await stored(fast.tableName, deliveryId)).toEqual(before);
  });

  it('a missing delivery returns false, fenced or not', async () => {
    const deliveryId = newId('whd');
    expect(await recordBoth(deliveryId, { status: 'failed', attempts: 5, at: at(1_000) })).toBe(false);
    expect(
      await recordBoth(deliveryId, {
        status: 'succeeded',
        attempts: 1,
        at: at(1_000),
        expect: { webhookId: WEBHOOK, attempts: 0 },
      }),
    ).toBe(false);
    expect(await stored(fast.tableName, deliveryId)).toBeUndefined();
  });
});
