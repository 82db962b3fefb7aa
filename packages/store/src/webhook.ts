import { firstUse, idSchema, stableId } from '@paperlane/core';
import { z } from 'zod';

/**
 * An event name a subscription listens to: a dotted lower-case name
 * (`invoice.processed`), a family (`invoice.*`) or everything (`*`).
 */
export const webhookEventPatternSchema = firstUse(() =>
  z
    .string()
    .max(100)
    .regex(
      /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$/,
      'must be a dotted lower-case event name, `name.*` or `*`',
    ),
);

/** An event type as published: dotted lower-case, at least two parts (`entry.approved`). */
export const webhookEventTypeSchema = firstUse(() =>
  z
    .string()
    .max(100)
    .regex(
      /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/,
      'must be a dotted lower-case name such as entry.approved',
    ),
);

export const MAX_WEBHOOK_EVENTS = 50;

/** The user-set fields of a subscription. The URL's safety is checked by the caller (SSRF policy). */
export const webhookSettingsSchema = firstUse(() =>
  z.object({
    url: z.url({ protocol: /^https?$/ }).max(2048),
    events: z.array(webhookEventPatternSchema()).min(1).max(MAX_WEBHOOK_EVENTS),
    active: z.boolean(),
    description: z.string().max(500).optional(),
  }),
);
export type WebhookSettings = z.infer<ReturnType<typeof webhookSettingsSchema>>;

/** SecretCipher output; the store never sees a plaintext signing secret. */
const sealedSchema = z.string().min(1).max(4096);

/** A tenant's webhook subscription. */
export const webhookRecordSchema = firstUse(() =>
  webhookSettingsSchema().extend({
    tenantId: idSchema,
    webhookId: idSchema,
    /** The signing secret, sealed under {@link webhookSecretContext}. */
    secretCiphertext: sealedSchema,
    /** The secret before the last rotation, still signed with until `previousExpiresAt`. */
    previousSecretCiphertext: sealedSchema.optional(),
    previousExpiresAt: z.iso.datetime().optional(),
    /** Start of the current run of failed deliveries; absent after a success. */
    consecutiveFailureSince: z.iso.datetime().optional(),
    disabledReason: z.string().max(200).optional(),
    disabledAt: z.iso.datetime().optional(),
    lastDeliveryAt: z.iso.datetime().optional(),
    lastStatusCode: z.number().int().min(0).max(999).optional(),
    revision: z.number().int().min(1),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  }),
);
export type WebhookRecord = z.infer<ReturnType<typeof webhookRecordSchema>>;

export const newWebhookSchema = firstUse(() =>
  webhookSettingsSchema().extend({
    tenantId: idSchema,
    webhookId: idSchema,
    secretCiphertext: sealedSchema,
    now: z.date(),
  }),
);
export type NewWebhook = z.input<ReturnType<typeof newWebhookSchema>>;

/** `update` input; `description: null` removes it. Activating clears the failure state. */
export const webhookPatchSchema = firstUse(() =>
  webhookSettingsSchema()
    .partial()
    .extend({
      description: z.string().max(500).nullable().optional(),
    }),
);
export type WebhookPatch = z.input<ReturnType<typeof webhookPatchSchema>>;

/** The context a signing secret is sealed under: opened under another webhook's, it fails. */
export function webhookSecretContext(tenantId: string, webhookId: string): string {
  return `tenant:${tenantId}/webhook:${webhookId}`;
}

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'cancelled'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** Largest JSON payload (UTF-8 bytes) one event may carry. */
export const MAX_WEBHOOK_PAYLOAD_BYTES = 64 * 1024;

/** One event sent (or to be sent) to one subscription. */
export const webhookDeliverySchema = firstUse(() =>
  z.object({
    tenantId: idSchema,
    deliveryId: idSchema,
    webhookId: idSchema,
    event: webhookEventTypeSchema(),
    eventId: idSchema,
    payload: z.record(z.string(), z.unknown()),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.number().int().min(0),
    /** Set on a manual redelivery: the delivery it repeats. */
    redeliveryOf: idSchema.optional(),
    /**
     * When the event happened, if not when this delivery was created: a redelivery
     * keeps the original's, so the receiver gets the same body again.
     */
    eventAt: z.iso.datetime().optional(),
    lastStatusCode: z.number().int().min(0).max(999).optional(),
    durationMs: z.number().int().min(0).optional(),
    error: z.string().max(1000).optional(),
    /** The start of the receiver's answer, for debugging (never the request). */
    responseExcerpt: z.string().max(4096).optional(),
    nextAttemptAt: z.iso.datetime().optional(),
    lastAttemptAt: z.iso.datetime().optional(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  }),
);
export type WebhookDeliveryRecord = z.infer<ReturnType<typeof webhookDeliverySchema>>;

export const newWebhookDeliverySchema = firstUse(() =>
  webhookDeliverySchema()
    .pick({
      tenantId: true,
      deliveryId: true,
      webhookId: true,
      event: true,
      eventId: true,
      payload: true,
      redeliveryOf: true,
      eventAt: true,
    })
    .extend({ now: z.date() }),
);
export type NewWebhookDelivery = z.input<ReturnType<typeof newWebhookDeliverySchema>>;

/** The outcome of one attempt, as `recordAttempt` writes it. */
export const webhookAttemptSchema = firstUse(() =>
  z.object({
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.number().int().min(0),
    lastStatusCode: z.number().int().min(0).max(999).nullable().optional(),
    durationMs: z.number().int().min(0).nullable().optional(),
    error: z.string().max(1000).nullable().optional(),
    responseExcerpt: z.string().max(4096).nullable().optional(),
    nextAttemptAt: z.date().nullable().optional(),
    at: z.date(),
  }),
);
export type WebhookAttempt = z.input<ReturnType<typeof webhookAttemptSchema>>;

/**
 * The delivery id of an event for a subscription: derived, so publishing the same
 * event twice finds the same delivery instead of sending it again.
 *
 * @example webhookDeliveryId('evt_01J…', 'wh_01J…') // "whd_…" (always the same)
 */
export function webhookDeliveryId(eventId: string, webhookId: string): string {
  return stableId('whd', eventId, webhookId);
}
