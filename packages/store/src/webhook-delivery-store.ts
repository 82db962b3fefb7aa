import { idSchema, type Page, type PageRequest } from '@paperlane/core';
import { DeleteItemCommand, EntityFormatter, GetItemCommand, PutItemCommand } from 'dynamodb-toolbox';
import { z } from 'zod';
import { conditional } from './conditional';
import { tenantPrefix } from './keys';
import { queryPage } from './query-page';
import { INDEXES, type PaperlaneTable } from './table';
import { parseId, parseInput, toIso } from './validate';
import {
  type NewWebhookDelivery,
  newWebhookDeliverySchema,
  type WebhookAttempt,
  type WebhookDeliveryRecord,
  webhookAttemptSchema,
  webhookDeliverySchema,
} from './webhook';
import { createWebhookAttemptWrite } from './webhook-attempt-write';

const attemptFenceSchema = z.object({ webhookId: idSchema, attempts: z.number().int().min(0) });

import { createWebhookDeliveryEntity, WEBHOOK_DELIVERY_ENTITY } from './webhook-entities';
import { DELIVERY_LIST_PREFIX, deliveriesPk, deliveryListSk } from './webhook-keys';
import type { WebhookRef } from './webhook-store';

export interface WebhookDeliveryRef {
  tenantId: string;
  deliveryId: string;
}

/**
 * What the delivery job believes the delivery is before its attempt: still pending, of
 * this subscription, with this many attempts recorded. An attempt recorded under a fence
 * that no longer holds (another run finished or advanced it, or it was deleted) is refused.
 */
export interface WebhookAttemptFence {
  webhookId: string;
  attempts: number;
}

/** Deliveries of events to subscriptions, tenant-scoped on every call. */
export interface WebhookDeliveryStore {
  /** Idempotent on `deliveryId` (derived from event and subscription): a repeat returns the first. */
  create(input: NewWebhookDelivery): Promise<{ created: boolean; delivery: WebhookDeliveryRecord }>;
  get(ref: WebhookDeliveryRef): Promise<WebhookDeliveryRecord | undefined>;
  /** A subscription's deliveries, newest first. */
  listByWebhook(ref: WebhookRef, page?: PageRequest): Promise<Page<WebhookDeliveryRecord>>;
  /**
   * Writes one attempt's outcome (`null` clears a field) in one UpdateItem, nothing read
   * back; `false` when the delivery is gone, or when `expect` is given and the delivery is
   * no longer that subscription's pending delivery at that attempt count.
   */
  recordAttempt(
    input: WebhookDeliveryRef & WebhookAttempt & { expect?: WebhookAttemptFence },
  ): Promise<boolean>;
  /** Deletes every delivery of a subscription; returns how many. */
  deleteByWebhook(ref: WebhookRef): Promise<number>;
}

/**
 * The DynamoDB `WebhookDeliveryStore`.
 *
 * @example
 * const deliveries = createWebhookDeliveryStore(table);
 * const { items } = await deliveries.listByWebhook({ tenantId: 'acme', webhookId: 'wh_1' }, { limit: 20 });
 */
export function createWebhookDeliveryStore(table: PaperlaneTable): WebhookDeliveryStore {
  const Delivery = createWebhookDeliveryEntity(table);
  const formatter = Delivery.build(EntityFormatter);
  const writeAttempt = createWebhookAttemptWrite(Delivery);
  const toRecord = (raw: unknown): WebhookDeliveryRecord => webhookDeliverySchema().parse(raw);

  function ref(input: WebhookDeliveryRef): WebhookDeliveryRef {
    return {
      tenantId: parseId(input.tenantId, 'tenantId'),
      deliveryId: parseId(input.deliveryId, 'deliveryId'),
    };
  }

  async function read(key: WebhookDeliveryRef): Promise<WebhookDeliveryRecord | undefined> {
    const { Item } = await Delivery.build(GetItemCommand).key(key).options({ consistent: true }).send();
    return Item && Item.tenantId === key.tenantId ? toRecord(Item) : undefined;
  }

  function listQuery(tenantId: string, webhookId: string) {
    return {
      ...INDEXES.bySession,
      index: INDEXES.bySession.name,
      partition: deliveriesPk(tenantId, webhookId),
      sortPrefix: DELIVERY_LIST_PREFIX,
      basePrefix: `${tenantPrefix(tenantId)}WHD#`,
      entityName: WEBHOOK_DELIVERY_ENTITY,
      format: (raw: Record<string, unknown>) => toRecord(formatter.format(raw)),
    };
  }

  return {
    async create(input) {
      const { now, ...fields } = parseInput(newWebhookDeliverySchema(), input, 'webhook delivery');
      const nowIso = toIso(now, 'now');
      const delivery = toRecord({
        ...fields,
        status: 'pending',
        attempts: 0,
        createdAt: nowIso,
        updatedAt: nowIso,
      });
      const outcome = await conditional(Delivery, () =>
        Delivery.build(PutItemCommand)
          .item({
            ...delivery,
            gsi1pk: deliveriesPk(delivery.tenantId, delivery.webhookId),
            gsi1sk: deliveryListSk(now.getTime(), delivery.deliveryId),
          })
          .options({ condition: { attr: 'deliveryId', exists: false } })
          .send(),
      );
      if (outcome.ok) return { created: true, delivery };
      const existing = await read(delivery);
      if (!existing) throw new Error(`webhook delivery ${delivery.deliveryId} vanished during create`);
      return { created: false, delivery: existing };
    },

    async get(input) {
      return read(ref(input));
    },

    async listByWebhook(input, page) {
      const tenantId = parseId(input.tenantId, 'tenantId');
      const webhookId = parseId(input.webhookId, 'webhookId');
      return queryPage(table, listQuery(tenantId, webhookId), page);
    },

    async recordAttempt(input) {
      const key = ref(input);
      const attempt = parseInput(webhookAttemptSchema(), input, 'webhook attempt');
      const { at, nextAttemptAt, ...fields } = attempt;
      const fence = input.expect ? parseInput(attemptFenceSchema, input.expect, 'attempt fence') : undefined;
      return writeAttempt({
        ...key,
        ...fields,
        at: toIso(at, 'at'),
        ...(nextAttemptAt !== undefined
          ? { nextAttemptAt: nextAttemptAt === null ? null : toIso(nextAttemptAt, 'nextAttemptAt') }
          : {}),
        ...(fence ? { expect: fence } : {}),
      });
    },

    async deleteByWebhook(input) {
      const tenantId = parseId(input.tenantId, 'tenantId');
      const webhookId = parseId(input.webhookId, 'webhookId');
      let deleted = 0;
      let cursor: string | undefined;
      do {
        const page = await queryPage(table, listQuery(tenantId, webhookId), {
          limit: 100,
          ...(cursor ? { cursor } : {}),
        });
        for (const delivery of page.items) {
          await Delivery.build(DeleteItemCommand).key({ tenantId, deliveryId: delivery.deliveryId }).send();
          deleted += 1;
        }
        cursor = page.cursor;
      } while (cursor);
      return deleted;
    },
  };
}
