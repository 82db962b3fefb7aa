import {
  assertJsonShape,
  type Clock,
  type DomainEvent,
  type DomainEventSink,
  type EnqueueRequest,
  type FaultHook,
  firstUse,
  idSchema,
  type JobQueue,
  newId,
  reachFault,
  type TraceContext,
  ValidationError,
} from '@paperlane/core';
import {
  MAX_WEBHOOK_PAYLOAD_BYTES,
  type Store,
  webhookDeliveryId,
  webhookEventTypeSchema,
} from '@paperlane/store';
import { z } from 'zod';
import { matchesEvent } from './event-match';

export interface WebhookFanoutDeps {
  store: Pick<Store, 'webhooks' | 'webhookDeliveries'>;
  queue: JobQueue;
  clock: Clock;
  /** Tests only: stops the fan-out between its writes (see `FAULT_POINTS`). */
  faults?: FaultHook;
  /** The span that published the event (a job attempt's): the delivery jobs are its children. */
  parent?: TraceContext;
}

const domainEventSchema = firstUse(() =>
  z.object({
    tenantId: idSchema,
    type: webhookEventTypeSchema(),
    payload: z.record(z.string(), z.unknown()),
    id: idSchema.optional(),
  }),
);

/**
 * An event payload is stored as a map two levels down (the job record's payload, the
 * delivery's), and DynamoDB nests at most 32 levels: deeper payloads are refused here,
 * whoever publishes them, rather than failing (or overflowing) inside the store.
 */
export const MAX_EVENT_PAYLOAD_SHAPE = { maxDepth: 24, maxEntries: 10_000 };

export interface FanoutResult {
  eventId: string;
  deliveries: Array<{ deliveryId: string; webhookId: string; created: boolean }>;
}

/** Throws `ValidationError` (`payload_too_large`, `json_too_deep`, ...) for an event that cannot be delivered. */
export function parseDomainEvent(event: DomainEvent): DomainEvent & { id: string } {
  const parsed = domainEventSchema().safeParse(event);
  if (!parsed.success) {
    throw new ValidationError('invalid domain event', {
      code: 'invalid_event',
      issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`),
    });
  }
  assertJsonShape(parsed.data.payload, MAX_EVENT_PAYLOAD_SHAPE);
  const size = Buffer.byteLength(JSON.stringify(parsed.data.payload));
  if (size > MAX_WEBHOOK_PAYLOAD_BYTES) {
    throw new ValidationError(
      `the payload is ${size} bytes; at most ${MAX_WEBHOOK_PAYLOAD_BYTES} are accepted`,
      {
        code: 'payload_too_large',
      },
    );
  }
  return { ...parsed.data, id: parsed.data.id ?? newId('evt') };
}

/**
 * Fans one event out: a delivery per active subscription of the tenant whose patterns
 * match, each created once (its id derives from event id and subscription), then a
 * `webhook-delivery` job per pending delivery with the delivery id as dedupe key. So
 * publishing the same event id twice sends nothing new.
 *
 * @example await fanOutEvent({ store, queue, clock }, { tenantId, type: 'entry.approved', payload, id })
 */
export async function fanOutEvent(deps: WebhookFanoutDeps, input: DomainEvent): Promise<FanoutResult> {
  const event = parseDomainEvent(input);
  const subscriptions = (await deps.store.webhooks.listAll(event.tenantId)).filter(
    (webhook) => webhook.active && matchesEvent(webhook.events, event.type),
  );
  const deliveries: FanoutResult['deliveries'] = [];
  const requests: EnqueueRequest<'webhook-delivery'>[] = [];
  const now = deps.clock.now();
  for (const webhook of subscriptions) {
    const deliveryId = webhookDeliveryId(event.id, webhook.webhookId);
    const { created, delivery } = await deps.store.webhookDeliveries.create({
      tenantId: event.tenantId,
      deliveryId,
      webhookId: webhook.webhookId,
      event: event.type,
      eventId: event.id,
      payload: event.payload,
      now,
    });
    deliveries.push({ deliveryId, webhookId: webhook.webhookId, created });
    if (deps.faults) await reachFault(deps.faults, 'after-delivery-record');
    // A repeat of a pending delivery re-enqueues it: harmless (same dedupe key), and it
    // heals a first publish that stored the delivery but failed before enqueueing.
    if (delivery.status !== 'pending') continue;
    requests.push({
      queue: 'webhook-delivery',
      dedupeKey: deliveryId,
      ...(deps.parent ? { parent: deps.parent } : {}),
      payload: {
        tenantId: event.tenantId,
        webhookId: webhook.webhookId,
        webhookDeliveryId: deliveryId,
        // The stored delivery's event, not this call's: a repeat publish of the event id finds
        // the first one's, and the job sends what the message carries.
        event: delivery.event,
        url: webhook.url,
        payload: delivery.payload,
        eventId: delivery.eventId,
        eventAt: delivery.eventAt ?? delivery.createdAt,
      },
    });
  }
  if (requests.length > 0) await deps.queue.enqueueMany(requests);
  if (deps.faults) await reachFault(deps.faults, 'after-delivery-enqueue');
  return { eventId: event.id, deliveries };
}

/**
 * The app-wide `DomainEventSink`: every business event goes through
 * {@link fanOutEvent}.
 *
 * @example const domainEvents = createWebhookFanout({ store, queue: dispatcher, clock: systemClock });
 */
export function createWebhookFanout(deps: WebhookFanoutDeps): DomainEventSink {
  return {
    async publish(event, options) {
      // Each only when given: an absent one keeps what the fan-out was built with (a test's fault hook).
      const faults = options?.faults;
      const parent = options?.parent;
      await fanOutEvent(
        faults || parent ? { ...deps, ...(faults ? { faults } : {}), ...(parent ? { parent } : {}) } : deps,
        event,
      );
    },
  };
}
