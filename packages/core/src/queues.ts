import { z } from 'zod';
import { ID_PATTERN } from './ids';

/** Every job queue Paperlane runs. Add a queue here, then give it a payload schema and a topology entry. */
export const QUEUE_NAMES = [
  'invoice-processing',
  'thumbnail',
  'llm-summary',
  'email-sync',
  'automation',
  'webhook-delivery',
] as const;

export const queueNameSchema = z.enum(QUEUE_NAMES);
export type QueueName = z.infer<typeof queueNameSchema>;

export function isQueueName(value: unknown): value is QueueName {
  return typeof value === 'string' && (QUEUE_NAMES as readonly string[]).includes(value);
}

/** An id as it appears in keys and messages: bounded, no whitespace, no key separators. */
export const idSchema = z.string().regex(ID_PATTERN, 'must be 1-128 characters of letters, digits, _ - . :');

/** Payloads carry references, never content or secrets: a consumer loads what it needs by id. */
export const payloadSchemas = {
  // `reprocess`: run OCR and extraction again even though the invoice was processed (POST …/reprocess).
  'invoice-processing': z.strictObject({
    tenantId: idSchema,
    invoiceId: idSchema,
    reprocess: z.literal(true).optional(),
  }),
  thumbnail: z.strictObject({ tenantId: idSchema, documentId: idSchema }),
  'llm-summary': z.strictObject({ tenantId: idSchema, documentId: idSchema }),
  'email-sync': z.strictObject({ tenantId: idSchema, mailboxId: idSchema.optional() }),
  automation: z.strictObject({
    tenantId: idSchema,
    tenantUserId: idSchema,
    automationId: idSchema.optional(),
    scheduledAt: z.iso.datetime().optional(),
  }),
  'webhook-delivery': z.strictObject({
    tenantId: idSchema,
    webhookId: idSchema,
    webhookDeliveryId: idSchema,
    event: z.string().min(1).max(100),
    url: z.url({ protocol: /^https?$/ }).max(2048),
    payload: z.record(z.string(), z.unknown()),
    // What the body is built from besides the payload, carried so a first attempt needs no
    // store read. Optional: messages enqueued before these existed load the delivery instead.
    eventId: idSchema.optional(),
    eventAt: z.iso.datetime().optional(),
  }),
} as const satisfies Record<QueueName, z.ZodType<{ tenantId: string }>>;

export type PayloadOf<Q extends QueueName> = z.infer<(typeof payloadSchemas)[Q]>;
export type AnyPayload = { [Q in QueueName]: PayloadOf<Q> }[QueueName];

/** What a job is about, for the job record's target fields and the document/session indexes. */
export function jobTarget(queue: QueueName, payload: AnyPayload): { targetType: string; targetId: string } {
  const p = payload as Record<string, unknown>;
  switch (queue) {
    case 'invoice-processing':
      return { targetType: 'invoice', targetId: String(p.invoiceId) };
    case 'thumbnail':
    case 'llm-summary':
      return { targetType: 'document', targetId: String(p.documentId) };
    case 'email-sync':
      return p.mailboxId
        ? { targetType: 'mailbox', targetId: String(p.mailboxId) }
        : { targetType: 'tenant', targetId: String(p.tenantId) };
    case 'automation':
      return p.automationId
        ? { targetType: 'automation', targetId: String(p.automationId) }
        : { targetType: 'tenant-user', targetId: String(p.tenantUserId) };
    case 'webhook-delivery':
      return { targetType: 'webhook-delivery', targetId: String(p.webhookDeliveryId) };
  }
}
