import { any, boolean, Entity, item, number, string } from 'dynamodb-toolbox';
import type { PaperlaneTable } from './table';
import { webhookDeliveryKey, webhookKey } from './webhook-keys';

export const WEBHOOK_ENTITY = 'Webhook';
export const WEBHOOK_DELIVERY_ENTITY = 'WebhookDelivery';

// Records are parsed with the zod schemas of ./webhook on the way out; nested values
// are untyped here so updates can `$set` them whole.

export function createWebhookEntity(table: PaperlaneTable) {
  return new Entity({
    name: WEBHOOK_ENTITY,
    table,
    timestamps: false,
    schema: item({
      tenantId: string().key(),
      webhookId: string().key(),
      url: string(),
      events: any(),
      active: boolean(),
      description: string().optional(),
      secretCiphertext: string(),
      previousSecretCiphertext: string().optional(),
      previousExpiresAt: string().optional(),
      consecutiveFailureSince: string().optional(),
      disabledReason: string().optional(),
      disabledAt: string().optional(),
      lastDeliveryAt: string().optional(),
      lastStatusCode: number().optional(),
      revision: number(),
      createdAt: string(),
      updatedAt: string(),
      gsi3pk: string().hidden(),
      gsi3sk: string().hidden(),
    }),
    computeKey: ({ tenantId, webhookId }) => webhookKey(tenantId, webhookId),
  });
}

export type WebhookEntity = ReturnType<typeof createWebhookEntity>;

export function createWebhookDeliveryEntity(table: PaperlaneTable) {
  return new Entity({
    name: WEBHOOK_DELIVERY_ENTITY,
    table,
    timestamps: false,
    schema: item({
      tenantId: string().key(),
      deliveryId: string().key(),
      webhookId: string(),
      event: string(),
      eventId: string(),
      payload: any(),
      status: string(),
      attempts: number(),
      redeliveryOf: string().optional(),
      eventAt: string().optional(),
      lastStatusCode: number().optional(),
      durationMs: number().optional(),
      error: string().optional(),
      responseExcerpt: string().optional(),
      nextAttemptAt: string().optional(),
      lastAttemptAt: string().optional(),
      createdAt: string(),
      updatedAt: string(),
      gsi1pk: string().hidden(),
      gsi1sk: string().hidden(),
    }),
    computeKey: ({ tenantId, deliveryId }) => webhookDeliveryKey(tenantId, deliveryId),
  });
}

export type WebhookDeliveryEntity = ReturnType<typeof createWebhookDeliveryEntity>;
