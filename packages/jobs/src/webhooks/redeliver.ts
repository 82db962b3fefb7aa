import { type Clock, type JobQueue, newId } from '@paperlane/core';
import type { Store, WebhookDeliveryRecord } from '@paperlane/store';

export interface WebhookRedeliverDeps {
  store: Pick<Store, 'webhooks' | 'webhookDeliveries'>;
  queue: JobQueue;
  clock: Clock;
}

export type RedeliverResult =
  | { outcome: 'ok'; delivery: WebhookDeliveryRecord }
  | { outcome: 'not_found' }
  /** The subscription is disabled: reactivate it first. */
  | { outcome: 'inactive' };

/**
 * Sends a past delivery's event again, as a new delivery (`redeliveryOf` points at
 * the original; the event id and time stay, so the receiver gets the same body and
 * can still deduplicate on `webhook-id`). Tenant-scoped: another tenant's delivery is `not_found`.
 *
 * @example await redeliverWebhook({ store, queue, clock }, { tenantId, webhookId, deliveryId })
 */
export async function redeliverWebhook(
  deps: WebhookRedeliverDeps,
  ref: { tenantId: string; webhookId: string; deliveryId: string },
): Promise<RedeliverResult> {
  const original = await deps.store.webhookDeliveries.get({
    tenantId: ref.tenantId,
    deliveryId: ref.deliveryId,
  });
  if (!original || original.webhookId !== ref.webhookId) return { outcome: 'not_found' };
  const webhook = await deps.store.webhooks.get({ tenantId: ref.tenantId, webhookId: ref.webhookId });
  if (!webhook) return { outcome: 'not_found' };
  if (!webhook.active) return { outcome: 'inactive' };
  const now = deps.clock.now();
  const { delivery } = await deps.store.webhookDeliveries.create({
    tenantId: ref.tenantId,
    deliveryId: newId('whd', now.getTime()),
    webhookId: webhook.webhookId,
    event: original.event,
    eventId: original.eventId,
    payload: original.payload,
    redeliveryOf: original.deliveryId,
    eventAt: original.eventAt ?? original.createdAt,
    now,
  });
  await deps.queue.enqueue(
    'webhook-delivery',
    {
      tenantId: ref.tenantId,
      webhookId: webhook.webhookId,
      webhookDeliveryId: delivery.deliveryId,
      event: delivery.event,
      url: webhook.url,
      payload: delivery.payload,
      eventId: delivery.eventId,
      eventAt: delivery.eventAt ?? delivery.createdAt,
    },
    { dedupeKey: delivery.deliveryId },
  );
  return { outcome: 'ok', delivery };
}
